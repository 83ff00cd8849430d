using Npq.Application.Common;
using Npq.Infrastructure.Persistence;
using Wolverine.Marten;
using Wolverine.Runtime;

namespace Npq.Infrastructure.Messaging;

/// <summary>
/// <see cref="IOutbox"/> over Wolverine's Marten outbox: the outbox is enrolled in the request's
/// document session, so messages are stored by the same <c>SaveChangesAsync</c> as the events and
/// sent only after the commit. Inside a <see cref="RequestTransaction"/>, <c>SaveChangesAsync</c> does
/// not commit, so Wolverine's own "send after commit" hook would send too early: it is taken off the
/// session and the messages are sent after the request's commit instead (if the process dies first,
/// Wolverine's durability agent finds them stored and sends them).
/// </summary>
public sealed class WolverineOutbox(IMartenOutbox outbox) : IOutbox
{
    private bool _deferred;

    public ValueTask PublishAsync<T>(T message) where T : notnull
    {
        if (!_deferred && RequestTransaction.Current is { } request && outbox.Session is { } session)
        {
            var flush = session.Listeners.Where(l => l.GetType().Name == "FlushOutgoingMessagesOnCommit").ToList();
            if (flush.Count != 1 || !session.Listeners.Remove(flush[0]))
                throw new InvalidOperationException("Wolverine's flush-on-commit listener was not found on the session: messages could be sent before the request commits");
            request.AfterCommit(() => ((MessageContext)outbox).FlushOutgoingMessagesAsync());
            _deferred = true;
        }

        return outbox.PublishAsync(message);
    }
}
