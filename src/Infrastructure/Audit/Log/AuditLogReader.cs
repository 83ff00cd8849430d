using Npgsql;
using Npq.Application.Audit.Log;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>Checkpoints and RFC 9162 proofs from the sealed log's tables: O(log² n) stored nodes per proof, one round trip.</summary>
public sealed class AuditLogReader(AuditLogStore store, CheckpointSigner signer, Microsoft.Extensions.Options.IOptions<AuditLogOptions> options) : IAuditLog
{
    public LogKey? Key => signer.PublicKey is { } key
        ? new LogKey(signer.KeyName, "Ed25519", signer.KeyName, Convert.ToHexStringLower(Checkpoint.KeyId(signer.KeyName, key)),
            Convert.ToBase64String(key), signer.VerifierKey!)
        {
            RetiredKeys = [.. options.Value.RetiredKeys.Select(r => new RetiredLogKey(r.VerifierKey.Split('+')[1], r.VerifierKey, r.LastCheckpoint))],
        }
        : null;

    public async Task<long> SealedThroughAsync(CancellationToken cancellationToken)
    {
        await using var command = store.Source.CreateCommand($"select coalesce((select last_sequence from {AuditLogStore.State} where id = 1), 0)");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<CheckpointView>> CheckpointsAsync(long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select size, root, at, note from {AuditLogStore.Checkpoints} where size > $1 order by size limit $2", connection);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(limit);
        var list = new List<CheckpointView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CheckpointView(reader.GetInt64(0), Convert.ToBase64String((byte[])reader[1]),
                new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), reader.GetString(3)));
        }

        return list;
    }

    public async Task<InclusionProof?> InclusionAsync(long sequence, long checkpoint, CancellationToken cancellationToken)
    {
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);
        if (await CheckpointAsync(connection, checkpoint, cancellationToken) is not { } found)
            return null;
        long index;
        byte[] leafHash;
        await using (var command = new NpgsqlCommand($"select idx, hash from {AuditLogStore.Leaves} where sequence = $1", connection))
        {
            command.Parameters.AddWithValue(sequence);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            (index, leafHash) = (reader.GetInt64(0), (byte[])reader[1]);
        }

        if (index >= checkpoint)
            return null;
        var events = await AuditLogStore.EventsAsync(connection, null, sequence - 1, sequence, 1, cancellationToken);
        var input = events.Count == 1 ? LogLeaf.Input(events[0]) : [];
        var path = await AuditLogStore.HashesAsync(connection, MerkleTree.InclusionRanges(index, checkpoint), cancellationToken);
        return new InclusionProof(sequence, index, checkpoint, Convert.ToBase64String(input), Convert.ToBase64String(leafHash),
            path.Select(Convert.ToBase64String).ToList(), Convert.ToBase64String(found.Root), found.Note);
    }

    public async Task<ConsistencyProof?> ConsistencyAsync(long first, long second, CancellationToken cancellationToken)
    {
        if (first <= 0 || first > second)
            return null;
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);
        if (await CheckpointAsync(connection, first, cancellationToken) is not { } a || await CheckpointAsync(connection, second, cancellationToken) is not { } b)
            return null;
        var proof = await AuditLogStore.HashesAsync(connection, MerkleTree.ConsistencyRanges(first, second), cancellationToken);
        return new ConsistencyProof(first, second, Convert.ToBase64String(a.Root), Convert.ToBase64String(b.Root), proof.Select(Convert.ToBase64String).ToList());
    }

    private static async Task<(byte[] Root, string Note)?> CheckpointAsync(NpgsqlConnection connection, long size, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"select root, note from {AuditLogStore.Checkpoints} where size = $1", connection);
        command.Parameters.AddWithValue(size);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ((byte[])reader[0], reader.GetString(1)) : null;
    }
}
