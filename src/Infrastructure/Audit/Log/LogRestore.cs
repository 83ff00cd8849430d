using System.Data;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Infrastructure.Changes;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// <c>audit record-restore</c> (issue 28, ADR 0033), run once after the database was restored to an
/// earlier moment and before the service takes traffic: one transaction appends a signed
/// <see cref="AuditLogRestored"/> to the log and starts the change feed's next epoch. The note names the
/// sealed history the log goes on from and every checkpoint copy outside the database that it gives up,
/// so <c>audit verify</c> reports a lawful restore where it would otherwise report a rollback, and every
/// cursor from before answers 410.
/// </summary>
public sealed class LogRestore(AuditLogStore store, CheckpointSigner signer, IOptions<AuditLogOptions> options, IDocumentStore documents, TimeProvider time)
{
    public sealed record Recorded(int Epoch, long RestoredSize, string RestoredRoot, IReadOnlyList<long> Abandoned, string Note);

    public async Task<Recorded> RecordAsync(string reason, DateTimeOffset? restoredTo, string? checkpointDirectory, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new ArgumentException("Say why the data was restored (--reason): auditors read it in the log.");
        if (!signer.CanSign)
            throw new ArgumentException("A restore is recorded with the log's signing key: configure Npq:Audit:SigningKey (or SigningKeyFile).");

        // The sealed log as restored: its size and root, held still while read (the sealer locks the same row).
        long size;
        byte[] root;
        int epoch;
        var abandoned = new List<(long Size, byte[] Root)>();
        await using (var connection = await store.Source.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken))
        {
            await using (var state = new NpgsqlCommand(
                             $"select coalesce((select size from {AuditLogStore.State} where id = 1 for share), 0), coalesce((select epoch from {ChangeFeedStore.Epoch} where id = 1), 0)",
                             connection, transaction))
            await using (var reader = await state.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (size, epoch) = (reader.GetInt64(0), reader.GetInt32(1) + 1);
            }

            root = await AuditLogStore.RootAsync(connection, transaction, size, cancellationToken);
            foreach (var copy in Copies(checkpointDirectory ?? options.Value.CheckpointDirectory))
            {
                // Beyond the restored log, or a different history at a size it has: given up by this restore.
                var ours = copy.Size > size ? null : await AuditLogStore.RootAsync(connection, transaction, copy.Size, cancellationToken);
                if (ours is null || !copy.Root.AsSpan().SequenceEqual(ours))
                    abandoned.Add(copy);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        abandoned = [.. abandoned.DistinctBy(a => (a.Size, Convert.ToBase64String(a.Root))).OrderBy(a => a.Size)];
        var note = signer.SignBody(new RestoreNote(options.Value.Origin, epoch, size, root, time.GetUtcNow(), reason, abandoned).Body);
        await using (var session = documents.LightweightSession())
        {
            session.Events.StartStream(Guid.NewGuid(), new AuditLogRestored(epoch, reason.Trim(), restoredTo, size, abandoned.Count, note));
            // In the same transaction as the event: a feed epoch without its record, or the reverse, never commits.
            session.QueueSqlCommand(
                $"insert into {ChangeFeedStore.Epoch} (id, epoch, since) values (1, ?, now()) on conflict (id) do update set epoch = excluded.epoch, since = excluded.since",
                epoch);
            await session.SaveChangesAsync(cancellationToken);
        }

        return new Recorded(epoch, size, Convert.ToBase64String(root), [.. abandoned.Select(a => a.Size)], note);
    }

    /// <summary>The checkpoints in the second place (every copy, whoever signed it: <c>audit verify</c> judges the signatures).</summary>
    private static IEnumerable<(long Size, byte[] Root)> Copies(string? directory)
    {
        if (directory is not { Length: > 0 } || !Directory.Exists(directory))
            yield break;
        foreach (var file in Directory.EnumerateFiles(directory, "checkpoint-*.txt").Order(StringComparer.Ordinal))
        {
            if (Checkpoint.Parse(File.ReadAllText(file)) is { } parsed)
                yield return (parsed.Checkpoint.Size, parsed.Checkpoint.Root);
        }
    }
}
