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
            $"select c.size, c.root, c.at, {AuditLogStore.NoteWithCosignatures} from {AuditLogStore.Checkpoints} c where c.size > $1 order by c.size limit $2", connection);
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
        bool committed;
        await using (var command = new NpgsqlCommand($"select idx, hash, form from {AuditLogStore.Leaves} where sequence = $1", connection))
        {
            command.Parameters.AddWithValue(sequence);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            (index, leafHash, committed) = (reader.GetInt64(0), (byte[])reader[1], reader.GetInt16(2) == 1);
        }

        if (index >= checkpoint)
            return null;
        var events = await AuditLogStore.EventsAsync(connection, null, sequence - 1, sequence, 1, cancellationToken);
        var material = await LeafMaterial.LoadAsync(connection, null, [.. events.Select(e => (e, committed))], createKeys: false, cancellationToken);
        var input = events.Count == 1 ? material.Of(events[0], committed).Input : [];
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

    public async Task<CheckpointView?> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var command = store.Source.CreateCommand($"select c.size, c.root, c.at, {AuditLogStore.NoteWithCosignatures} from {AuditLogStore.Checkpoints} c order by c.size desc limit 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new CheckpointView(reader.GetInt64(0), Convert.ToBase64String((byte[])reader[1]), new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), reader.GetString(3))
            : null;
    }

    public async Task<byte[]?> HashTileAsync(int level, long index, int width, CancellationToken cancellationToken)
    {
        if (level is < 0 or > 7 || index is < 0 or > long.MaxValue / LogTiles.Width || width is < 1 or > LogTiles.Width)
            return null;
        var first = index * LogTiles.Width;
        // Tile level L holds the nodes at height 8·L: the leaves' hashes at level 0, stored nodes above.
        await using var command = level == 0
            ? store.Source.CreateCommand($"select hash from {AuditLogStore.Leaves} where idx >= $1 and idx < $2 order by idx")
            : store.Source.CreateCommand($"select hash from {AuditLogStore.Nodes} where level = $3 and idx >= $1 and idx < $2 order by idx");
        command.Parameters.AddWithValue(first);
        command.Parameters.AddWithValue(first + width);
        if (level > 0)
            command.Parameters.AddWithValue((short)(level * LogTiles.Height));
        var tile = new byte[width * 32];
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ((byte[])reader[0]).CopyTo(tile, 32 * count++);
        return count == width ? tile : null;
    }

    public async Task<byte[]?> EntryBundleAsync(long index, int width, CancellationToken cancellationToken)
    {
        if (index is < 0 or > long.MaxValue / LogTiles.Width || width is < 1 or > LogTiles.Width)
            return null;
        var first = index * LogTiles.Width;
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            select e.seq_id, e.id, e.stream_id, e.version, e.type, e.timestamp, e.data::text, e.headers::text, e.correlation_id, e.causation_id, l.form
            from {AuditLogStore.Leaves} l join {Persistence.MartenSetup.Schema}.mt_events e on e.seq_id = l.sequence
            where l.idx >= $1 and l.idx < $2 order by l.idx
            """, connection);
        command.Parameters.AddWithValue(first);
        command.Parameters.AddWithValue(first + width);
        var rows = new List<(StoredEvent Event, bool Committed)>(width);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((AuditLogStore.Read(reader), reader.GetInt16(10) == 1));
        }

        // The committed form's data: personal values as commitments, so a bundle carries none of them (ADR 0040).
        var material = await LeafMaterial.LoadAsync(connection, null, rows, createKeys: false, cancellationToken);
        using var bundle = new MemoryStream();
        var count = 0;
        var length = new byte[4];
        foreach (var (stored, committed) in rows)
        {
            var (input, data) = material.Of(stored, committed);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)input.Length));
            bundle.Write(length, 0, 2);
            bundle.Write(input);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
            bundle.Write(length);
            bundle.Write(data);
            count++;
        }

        // A leaf whose event row is gone (deleted) leaves the bundle short: refused, as an unsealed one is.
        return count == width ? bundle.ToArray() : null;
    }

    public async Task<IReadOnlyList<Receipt>> ReceiptsAsync(Guid streamId, Guid leadProviderId, CancellationToken cancellationToken)
    {
        if (await LatestCheckpointAsync(cancellationToken) is not { } checkpoint)
            return [];
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);
        // The stream's events (by its index) that one of the provider's own tokens caused, sealed under the checkpoint.
        await using var command = new NpgsqlCommand(
            $"""
            select e.seq_id, e.id, e.stream_id, e.version, e.type, e.timestamp, e.data::text, e.headers::text, e.correlation_id, e.causation_id, l.idx, l.form
            from {Persistence.MartenSetup.Schema}.mt_events e
            join {AuditLogStore.Leaves} l on l.sequence = e.seq_id
            join {Persistence.MartenSetup.Schema}.mt_doc_apitoken t on t.id::text = e.headers ->> 'token_id'
            where e.stream_id = $1 and t.data ->> 'LeadProviderId' = $2 and l.idx < $3
            order by l.idx limit 100
            """, connection);
        command.Parameters.AddWithValue(streamId);
        command.Parameters.AddWithValue(leadProviderId.ToString());
        command.Parameters.AddWithValue(checkpoint.TreeSize);
        var found = new List<(StoredEvent Event, long Index, bool Committed)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                found.Add((AuditLogStore.Read(reader), reader.GetInt64(10), reader.GetInt16(11) == 1));
        }

        var material = await LeafMaterial.LoadAsync(connection, null, [.. found.Select(f => (f.Event, f.Committed))], createKeys: false, cancellationToken);
        var receipts = new List<Receipt>(found.Count);
        foreach (var (stored, index, committed) in found)
        {
            var path = await AuditLogStore.HashesAsync(connection, MerkleTree.InclusionRanges(index, checkpoint.TreeSize), cancellationToken);
            var (input, data) = material.Of(stored, committed);
            receipts.Add(new Receipt(stored.Sequence, stored.Type, stored.Timestamp, index, checkpoint.TreeSize,
                Convert.ToBase64String(input), Convert.ToBase64String(data), TlogProof.Of(index, path, checkpoint.Note)));
        }

        return receipts;
    }

    private static async Task<(byte[] Root, string Note)?> CheckpointAsync(NpgsqlConnection connection, long size, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"select c.root, {AuditLogStore.NoteWithCosignatures} from {AuditLogStore.Checkpoints} c where c.size = $1", connection);
        command.Parameters.AddWithValue(size);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ((byte[])reader[0], reader.GetString(1)) : null;
    }
}
