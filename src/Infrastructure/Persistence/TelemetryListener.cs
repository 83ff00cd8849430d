using Marten;
using Marten.Services;
using Npq.Application.Common.Telemetry;

namespace Npq.Infrastructure.Persistence;

/// <summary>
/// Counts the events of every saved session by type (<c>npq.events.appended</c>) and the declaration
/// states they enter (<c>npq.declarations.transitions</c>). Counted when Marten has saved them: in a
/// request transaction (ADR 0019) that is just before the request's commit, so a commit that then
/// fails is counted once too many.
/// </summary>
public sealed class TelemetryListener : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(commit);
        foreach (var e in commit.GetEvents())
            NpqTelemetry.Appended(e.EventTypeName, e.Data);
        return Task.CompletedTask;
    }
}
