using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Npq.Application.Audit.Log;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// Seals the event log (ADR 0022): every event below Marten's high-water mark gets the next leaf
/// index and its leaf hash, and the Merkle tree's completed nodes are stored with it; a checkpoint is
/// signed every <see cref="AuditLogOptions.CheckpointEvery"/> events, or after
/// <see cref="AuditLogOptions.CheckpointInterval"/>. Each batch is one transaction that locks the
/// sealer's state row, so a batch repeated after a crash, or run by two processes, seals nothing twice.
/// </summary>
public sealed partial class LogSealer(AuditLogStore store, CheckpointSigner signer, IOptions<AuditLogOptions> options, TimeProvider time, ILogger<LogSealer> logger)
{
    private const int BatchSize = 5_000;

    public sealed record SealState(long Size, long LastSequence, long CheckpointSize, DateTimeOffset? CheckpointAt);

    /// <summary>Seals every event with a global sequence up to <paramref name="ceiling"/> (committed: below the high-water mark).</summary>
    public async Task SealUpToAsync(long ceiling, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (sealedAny, more) = await SealBatchAsync(ceiling, cancellationToken);
            if (!more || !sealedAny)
                return;
        }
    }

    /// <summary>Seals every event committed now: for the operator's tools, run while the service takes no traffic (no write is in flight below the last sequence).</summary>
    public async Task SealAllAsync(CancellationToken cancellationToken)
    {
        await using var command = store.Source.CreateCommand($"select coalesce(max(seq_id), 0) from {Persistence.MartenSetup.Schema}.mt_events");
        await SealUpToAsync((long)(await command.ExecuteScalarAsync(cancellationToken))!, cancellationToken);
    }

    private async Task<(bool Sealed, bool More)> SealBatchAsync(long ceiling, CancellationToken cancellationToken)
    {
        string? note = null;
        long noteSize = 0;
        bool more;
        await using (var connection = await store.Source.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var state = await LockStateAsync(connection, transaction, cancellationToken);

            // Events that committed after the daemon had passed their sequence (a gap it gave up on)
            // become the next leaves: late, never lost (ADR 0022).
            var events = await AuditLogStore.LateEventsAsync(connection, transaction, AuditLogStore.Gaps, cancellationToken);
            var fresh = state.LastSequence >= ceiling
                ? []
                : await AuditLogStore.EventsAsync(connection, transaction, state.LastSequence, ceiling, BatchSize, cancellationToken);
            more = fresh.Count == BatchSize;
            var last = more ? fresh[^1].Sequence : Math.Max(state.LastSequence, ceiling);
            await AuditLogStore.RecordGapsAsync(connection, transaction, AuditLogStore.Gaps, state.LastSequence, fresh, last, cancellationToken);
            events.AddRange(fresh);
            if (events.Count == 0)
            {
                if (last > state.LastSequence)
                    await UpdateStateAsync(connection, transaction, state with { LastSequence = last }, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return (false, false);
            }

            var stored = await AuditLogStore.NodesAsync(connection, transaction, MerkleTree.Frontier.NodesFor(state.Size), cancellationToken);
            var frontier = MerkleTree.Frontier.Of(state.Size, (level, index) => stored[(level, index)]);
            var leaves = new List<(long Index, long Sequence, Guid EventId, byte[] Hash, bool Committed)>(events.Count);
            var nodes = new List<(int Level, long Index, byte[] Hash)>(events.Count);
            var committed = events.Select(LeafMaterial.Committed).ToArray();
            var material = await LeafMaterial.LoadAsync(connection, transaction, [.. events.Select((e, i) => (e, committed[i]))], createKeys: true, cancellationToken);
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                var hash = MerkleTree.LeafHash(material.Of(e, committed[i], strict: true).Input);
                leaves.Add((frontier.Size, e.Sequence, e.Id, hash, committed[i]));
                foreach (var node in frontier.Append(hash).Skip(1))
                    nodes.Add(node);
            }

            await WriteAsync(connection, leaves, nodes, cancellationToken);
            var size = frontier.Size;
            var (checkpointSize, checkpointAt) = (state.CheckpointSize, state.CheckpointAt);
            if (Due(size, state))
            {
                (note, noteSize) = (await CheckpointAsync(connection, transaction, size, frontier.Root(), cancellationToken), size);
                (checkpointSize, checkpointAt) = (size, time.GetUtcNow());
            }

            await UpdateStateAsync(connection, transaction, new SealState(size, last, checkpointSize, checkpointAt), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (note is not null)
            WriteCopy(noteSize, note);
        return (true, more);
    }

    /// <summary>Signs a checkpoint of everything sealed so far when one is due by time (or <paramref name="force"/>d and there is something new).</summary>
    public async Task<long?> CheckpointIfDueAsync(bool force, CancellationToken cancellationToken)
    {
        if (!signer.CanSign)
            return null;
        string? note;
        long size;
        await using (var connection = await store.Source.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var state = await LockStateAsync(connection, transaction, cancellationToken);
            size = state.Size;
            if (size == 0 || size == state.CheckpointSize || (!force && !Due(size, state)))
                return null;
            var root = await AuditLogStore.RootAsync(connection, transaction, size, cancellationToken);
            note = await CheckpointAsync(connection, transaction, size, root, cancellationToken);
            await UpdateStateAsync(connection, transaction, state with { CheckpointSize = size, CheckpointAt = time.GetUtcNow() }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        WriteCopy(size, note);
        return size;
    }

    public async Task<SealState> StateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"select size, last_sequence, checkpoint_size, checkpoint_at from {AuditLogStore.State} where id = 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadState(reader) : new SealState(0, 0, 0, null);
    }

    private bool Due(long size, SealState state)
    {
        if (!signer.CanSign || size <= state.CheckpointSize)
            return false;
        var o = options.Value;
        return size - state.CheckpointSize >= o.CheckpointEvery
               || state.CheckpointAt is null
               || time.GetUtcNow() - state.CheckpointAt.Value >= o.CheckpointInterval;
    }

    private async Task<string> CheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long size, byte[] root, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var note = signer.Sign(new Checkpoint(options.Value.Origin, size, root, at));
        await using var command = new NpgsqlCommand(
            $"insert into {AuditLogStore.Checkpoints} (size, root, at, note) values ($1, $2, $3, $4) on conflict (size) do nothing", connection, transaction);
        command.Parameters.AddWithValue(size);
        command.Parameters.AddWithValue(root);
        command.Parameters.AddWithValue(at);
        command.Parameters.AddWithValue(note);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return note;
    }

    /// <summary>
    /// The checkpoint's copy in the second place, one file per checkpoint, never overwritten. After a lawful
    /// restore (ADR 0033) the log reaches sizes again that an abandoned checkpoint had: that copy stays, and
    /// this one is written beside it with a suffix.
    /// </summary>
    private void WriteCopy(long size, string note)
    {
        if (options.Value.CheckpointDirectory is not { Length: > 0 } directory)
            return;
        try
        {
            Directory.CreateDirectory(directory);
            var bytes = System.Text.Encoding.UTF8.GetBytes(note);
            for (var copy = 0; ; copy++)
            {
                var path = Path.Combine(directory, copy == 0 ? $"checkpoint-{size:D12}.txt" : $"checkpoint-{size:D12}.{copy}.txt");
                if (File.Exists(path))
                {
                    if (File.ReadAllText(path) == note)
                        return; // written already (a batch repeated after a crash)
                    continue;
                }

                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                file.Write(bytes);
                return;
            }
        }
        catch (IOException exception)
        {
            CopyFailed(logger, size, exception.Message);
        }
    }

    private static async Task<SealState> LockStateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var insert = new NpgsqlCommand(
                         $"insert into {AuditLogStore.State} (id, size, last_sequence, checkpoint_size) values (1, 0, 0, 0) on conflict (id) do nothing",
                         connection, transaction))
            await insert.ExecuteNonQueryAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select size, last_sequence, checkpoint_size, checkpoint_at from {AuditLogStore.State} where id = 1 for update", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReadState(reader);
    }

    private static SealState ReadState(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2),
        reader.IsDBNull(3) ? null : new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero));

    private static async Task UpdateStateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SealState state, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"update {AuditLogStore.State} set size = $1, last_sequence = $2, checkpoint_size = $3, checkpoint_at = $4 where id = 1", connection, transaction);
        command.Parameters.AddWithValue(state.Size);
        command.Parameters.AddWithValue(state.LastSequence);
        command.Parameters.AddWithValue(state.CheckpointSize);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)state.CheckpointAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task WriteAsync(
        NpgsqlConnection connection, List<(long Index, long Sequence, Guid EventId, byte[] Hash, bool Committed)> leaves, List<(int Level, long Index, byte[] Hash)> nodes,
        CancellationToken cancellationToken)
    {
        await using (var importer = await connection.BeginBinaryImportAsync($"copy {AuditLogStore.Leaves} (idx, sequence, event_id, hash, form) from stdin (format binary)", cancellationToken))
        {
            foreach (var (index, sequence, eventId, hash, committed) in leaves)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(index, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(sequence, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(eventId, NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(hash, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(committed ? (short)1 : (short)0, NpgsqlDbType.Smallint, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        if (nodes.Count == 0)
            return;
        await using (var importer = await connection.BeginBinaryImportAsync($"copy {AuditLogStore.Nodes} (level, idx, hash) from stdin (format binary)", cancellationToken))
        {
            foreach (var (level, index, hash) in nodes)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync((short)level, NpgsqlDbType.Smallint, cancellationToken);
                await importer.WriteAsync(index, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(hash, NpgsqlDbType.Bytea, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The copy of checkpoint {Size} could not be written: {Reason}")]
    private static partial void CopyFailed(ILogger logger, long size, string reason);
}
