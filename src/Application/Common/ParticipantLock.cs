using Marten;
using Npgsql;

namespace Npq.Application.Common;

/// <summary>
/// Serialises writers of one person's streams across every server process: a PostgreSQL advisory
/// lock held by the session's transaction until it commits or rolls back. It keeps the person's
/// inline views (which several streams feed) from lost updates; the business invariants themselves
/// are guarded by expected stream versions and reservation documents (see docs/adr).
/// </summary>
public static class ParticipantLock
{
    public static async Task LockParticipantsAsync(this IDocumentSession session, IEnumerable<Guid> participantIds, CancellationToken cancellationToken)
    {
        await session.BeginTransactionAsync(cancellationToken);
        // A fixed order, so two writers locking the same people cannot deadlock.
        foreach (var key in participantIds.Select(KeyOf).Distinct().Order())
        {
            await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(@key)", session.Connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static Task LockParticipantAsync(this IDocumentSession session, Guid participantId, CancellationToken cancellationToken) =>
        session.LockParticipantsAsync([participantId], cancellationToken);

    /// <summary>
    /// Serialises writers of a statement's lines (submit, void, mark payable/paid). Taken after any
    /// person's lock, never before, so lock order cannot cycle.
    /// </summary>
    public static Task LockStatementsAsync(this IDocumentSession session, IEnumerable<Guid> statementIds, CancellationToken cancellationToken) =>
        session.LockParticipantsAsync(statementIds.Select(id => DeterministicGuid.From($"statement:{id}")), cancellationToken);

    private static long KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }
}
