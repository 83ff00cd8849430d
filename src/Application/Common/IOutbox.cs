namespace Npq.Application.Common;

/// <summary>
/// Messages for side effects that outlive the request (participant emails, roll-ups). They are
/// stored in the same transaction as the events (Wolverine's PostgreSQL outbox) and delivered only
/// after it commits.
/// </summary>
public interface IOutbox
{
    ValueTask PublishAsync<T>(T message) where T : notnull;
}
