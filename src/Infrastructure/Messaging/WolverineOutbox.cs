using Npq.Application.Common;
using Wolverine.Marten;

namespace Npq.Infrastructure.Messaging;

/// <summary>
/// <see cref="IOutbox"/> over Wolverine's Marten outbox: the outbox is enrolled in the request's
/// document session, so messages are stored by the same <c>SaveChangesAsync</c> as the events and
/// sent only after the commit.
/// </summary>
public sealed class WolverineOutbox(IMartenOutbox outbox) : IOutbox
{
    public ValueTask PublishAsync<T>(T message) where T : notnull => outbox.PublishAsync(message);
}
