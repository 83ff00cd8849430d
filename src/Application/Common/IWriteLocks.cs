using Marten;

namespace Npq.Application.Common;

/// <summary>
/// Serialises writers across every server process, inside a session's transaction: the lock is
/// held until the session commits or rolls back. A person's lock keeps the person's inline views
/// (which several streams feed) from lost updates; a statement's lock keeps its lines in step with
/// their declarations. The business invariants themselves are guarded by expected stream versions
/// and reservation documents (ADR 0002, 0008, 0009). Implemented in Infrastructure.
/// </summary>
public interface IWriteLocks
{
    /// <summary>Locks the people (or any key made with <see cref="DeterministicGuid"/>) in a fixed order, so two writers cannot deadlock.</summary>
    Task LockParticipantsAsync(IDocumentSession session, IEnumerable<Guid> participantIds, CancellationToken cancellationToken);

    Task LockParticipantAsync(IDocumentSession session, Guid participantId, CancellationToken cancellationToken) =>
        LockParticipantsAsync(session, [participantId], cancellationToken);

    /// <summary>Taken after any person's lock, never before, so lock order cannot cycle.</summary>
    Task LockStatementsAsync(IDocumentSession session, IEnumerable<Guid> statementIds, CancellationToken cancellationToken);
}
