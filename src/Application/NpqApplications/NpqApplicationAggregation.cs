using JasperFx.Events;
using Marten.Events.Aggregation;
using Npq.Domain.NpqApplications;

namespace Npq.Application.NpqApplications;

/// <summary>
/// How Marten builds an application's write model from its stream (registered live, used by
/// <c>FetchForWriting</c>): the domain's own <see cref="NpqApplication.Start"/> and
/// <see cref="NpqApplication.Next"/>, so that the transitions are written once.
/// </summary>
public sealed class NpqApplicationAggregation : SingleStreamProjection<NpqApplication, Guid>
{
    public override NpqApplication? Evolve(NpqApplication? snapshot, Guid id, IEvent e) =>
        e.Data is ApplicationRegistered registered ? NpqApplication.Start(registered) : snapshot?.Next(e.Data);
}
