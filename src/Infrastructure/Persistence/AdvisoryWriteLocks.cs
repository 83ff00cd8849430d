using Marten;
using Npgsql;
using Npq.Application.Common;

namespace Npq.Infrastructure.Persistence;

/// <summary><see cref="IWriteLocks"/> as PostgreSQL transaction-scoped advisory locks (<c>pg_advisory_xact_lock</c>).</summary>
public sealed class AdvisoryWriteLocks : IWriteLocks
{
    public async Task LockParticipantsAsync(IDocumentSession session, IEnumerable<Guid> participantIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await session.BeginTransactionAsync(cancellationToken);
        foreach (var key in participantIds.Select(KeyOf).Distinct().Order())
        {
            await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(@key)", session.Connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public Task LockStatementsAsync(IDocumentSession session, IEnumerable<Guid> statementIds, CancellationToken cancellationToken) =>
        LockParticipantsAsync(session, statementIds.Select(id => DeterministicGuid.From($"statement:{id}")), cancellationToken);

    private static long KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }
}
