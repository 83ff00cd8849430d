using System.Diagnostics;
using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// <c>audit verify</c> (issue 18, ADR 0022): recomputes every leaf and every root from <c>mt_events</c>
/// alone, checks each checkpoint's signature with the public key alone, and checks that the log
/// extends every checkpoint, in the database and in the second place. The stored leaves are used
/// only to say which event an edit touched; nothing stored is trusted for the verdict.
/// </summary>
public sealed partial class LogVerifier(AuditLogStore store)
{
    private const int Chunk = 10_000;

    /// <summary>What the verifier can find, each with its exit code.</summary>
    public enum Attack
    {
        EditedEvent = 10,
        DeletedEvent = 11,
        SwappedEvents = 12,
        TruncatedLog = 13,
        RolledBack = 14,
        ForeignSignature = 15,
        RootMismatch = 16,
    }

    public sealed record Finding(Attack Kind, string Detail);

    public sealed record Report(
        long Events, long Sealed, long Checkpoints, long LastCheckpoint, long UnsignedTail, double Seconds, IReadOnlyList<Finding> Findings)
    {
        /// <summary>The lawful restores the log records (ADR 0033), each with the copies of abandoned checkpoints it explains: not findings.</summary>
        public IReadOnlyList<RestoreSeen> Restores { get; init; } = [];

        /// <summary>
        /// Events sealed in the plain form whose personal values an erasure recorded in the log removed (ADR 0040):
        /// their leaves verify through the hash the erasure kept, but their data can no longer be checked.
        /// </summary>
        public long ErasedBeforeCommitments { get; init; }

        public bool Ok => Findings.Count == 0;

        /// <summary>0, or the code of the most telling finding (the order of <see cref="Attack"/> from the signature down).</summary>
        public int ExitCode => Findings.Count == 0 ? 0
            : (int)Findings.Select(f => f.Kind).OrderByDescending(k => k == Attack.ForeignSignature).ThenByDescending(k => k == Attack.RolledBack)
                .ThenByDescending(k => k == Attack.TruncatedLog).ThenBy(k => (int)k).First();
    }

    private sealed record Signed(long Size, byte[] Root, string Where);

    /// <param name="retired">The log's earlier keys (ADR 0032), each with the largest tree size it may have signed, if bounded.</param>
    public async Task<Report> VerifyAsync(string verifierKey, string? checkpointDirectory, CancellationToken cancellationToken, IReadOnlyList<RetiredKey>? retired = null)
    {
        var watch = Stopwatch.StartNew();
        var current = Checkpoint.ParseVerifierKey(verifierKey) ?? throw new ArgumentException("The key must be a C2SP Ed25519 verifier key (name+id+base64).");
        var key = new Keys(current, [.. (retired ?? []).Select(r => (Checkpoint.ParseVerifierKey(r.VerifierKey)
            ?? throw new ArgumentException($"A retired key must be a C2SP Ed25519 verifier key (name+id+base64): {r.VerifierKey}"), r.LastCheckpoint))]);
        var findings = new List<Finding>();
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);

        // 1. Checkpoints, in the database and in the second place: only those signed by the key count.
        var inDatabase = new List<Signed>();
        await using (var command = new NpgsqlCommand($"select size, note from {AuditLogStore.Checkpoints} order by size", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (Check(reader.GetString(1), key, $"checkpoint {reader.GetInt64(0)} in the database", findings) is { } signed)
                    inDatabase.Add(signed);
            }
        }

        var signedElsewhere = new List<Signed>();
        if (checkpointDirectory is { Length: > 0 } && Directory.Exists(checkpointDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(checkpointDirectory, "checkpoint-*.txt").Order(StringComparer.Ordinal))
            {
                if (Check(await File.ReadAllTextAsync(file, cancellationToken), key, Path.GetFileName(file), findings) is { } signed)
                    signedElsewhere.Add(signed);
            }
        }

        // Restores the log records, signed by the log's key: the copies of the checkpoints each gave up are
        // explained, not a rollback; the history each says the log continues is checked in the pass below.
        var restores = await RestoresAsync(connection, key, findings, cancellationToken);
        var explained = signedElsewhere.Where(c => restores.Any(r => r.Abandons(c.Size, c.Root))).ToList();
        var elsewhere = signedElsewhere.Except(explained).ToList();
        var rootsWanted = restores.Select(r => r.Note.RestoredSize).ToHashSet();
        var rootsAt = new Dictionary<long, byte[]> { [0] = System.Security.Cryptography.SHA256.HashData([]) };
        var erased = await ErasedInLogAsync(connection, cancellationToken);

        // 2. The log in leaf order (sequence order, and late commits after): each leaf's event recomputed
        // from mt_events; the stored leaf is only compared, to name what changed.
        var due = inDatabase.Concat(elsewhere).GroupBy(c => c.Size).OrderBy(g => g.Key).ToList();
        var frontier = new MerkleTree.Frontier();
        var mismatched = new List<(long Index, StoredEvent Event, Guid? StoredEventId)>();
        var storedById = new Dictionary<Guid, long>();
        var deleted = new List<(long Index, long Sequence, Guid EventId)>();
        long sealedCount = 0, maxSealedSequence = 0, erasedPlain = 0;
        var dueAt = 0;
        while (true)
        {
            var rows = await LeafRowsAsync(connection, frontier.Size, cancellationToken);
            if (rows.Count == 0 || rows[0].Index != frontier.Size)
                break; // the end of the leaves, or leaves removed from the sealer's own tables: the roots will tell
            var material = await LeafMaterial.LoadAsync(connection, null, [.. rows.Where(r => r.Event is not null).Select(r => (r.Event!, r.Committed))],
                createKeys: false, cancellationToken, erased);
            foreach (var (index, sequence, eventId, stored, e, committed) in rows)
            {
                if (index != frontier.Size)
                    break;
                maxSealedSequence = Math.Max(maxSealedSequence, sequence);
                byte[] hash;
                if (e is null)
                {
                    deleted.Add((index, sequence, eventId));
                    hash = stored; // already reported; later checkpoints stay comparable
                }
                else
                {
                    sealedCount++;
                    if (!committed && material.ErasedPlain(e))
                        erasedPlain++;
                    hash = MerkleTree.LeafHash(material.Of(e, committed).Input);
                    if (!stored.AsSpan().SequenceEqual(hash))
                    {
                        mismatched.Add((index, e, eventId));
                        storedById[eventId] = index;
                    }
                }

                frontier.Append(hash);
                if (rootsWanted.Contains(frontier.Size))
                    rootsAt[frontier.Size] = frontier.Root();
                while (dueAt < due.Count && due[dueAt].Key == frontier.Size)
                {
                    var root = frontier.Root();
                    foreach (var checkpoint in due[dueAt].Where(c => !c.Root.AsSpan().SequenceEqual(root)))
                    {
                        findings.Add(new Finding(Attack.RootMismatch,
                            $"the first {checkpoint.Size} leaves of the log do not have the root {checkpoint.Where} signed"));
                    }

                    dueAt++;
                }
            }
        }

        // Events no leaf covers: after the last sealed one they wait for the sealer; before it, they were put in.
        long events = sealedCount, unsealed = 0;
        await using (var command = new NpgsqlCommand(
                         $"select e.seq_id, e.id from {MartenSetup.Schema}.mt_events e where not exists (select 1 from {AuditLogStore.Leaves} l where l.sequence = e.seq_id) order by e.seq_id",
                         connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                events++;
                if (reader.GetInt64(0) > maxSealedSequence)
                    unsealed++;
                else
                    findings.Add(new Finding(Attack.EditedEvent, $"event {reader.GetInt64(0)} (id {reader.GetGuid(1)}) is in the log but was never sealed: it was put in"));
            }
        }

        // A run of deleted events that ends the log is a cut tail; elsewhere each is a deletion.
        var size = frontier.Size;
        var cut = 0;
        for (var i = deleted.Count - 1; i >= 0 && deleted[i].Index == size - 1 - cut; i--)
            cut++;
        var end = size - cut;

        // 3. Name the edits: two events whose stored leaves each match the other's place are a swap.
        var swapped = new HashSet<long>();
        foreach (var (index, e, storedId) in mismatched)
        {
            if (swapped.Contains(index))
                continue;
            if (storedById.TryGetValue(e.Id, out var otherIndex) && otherIndex != index
                && mismatched.FirstOrDefault(m => m.Index == otherIndex) is { Event: { } other } && other.Id == storedId)
            {
                findings.Add(new Finding(Attack.SwappedEvents, $"events {e.Sequence} and {other.Sequence} have traded places (leaves {index} and {otherIndex})"));
                swapped.Add(index);
                swapped.Add(otherIndex);
            }
        }

        foreach (var (index, e, _) in mismatched.Where(m => !swapped.Contains(m.Index)))
            findings.Add(new Finding(Attack.EditedEvent, $"event {e.Sequence} (id {e.Id}, type {e.Type}) differs from what was sealed at leaf {index}"));

        // 4. Checkpoints beyond the end of the log: truncated (its own checkpoints say so) or an older backup (only the copies elsewhere say so).
        var lastInDatabase = inDatabase.Count > 0 ? inDatabase.Max(c => c.Size) : 0;
        var lastElsewhere = elsewhere.Count > 0 ? elsewhere.Max(c => c.Size) : 0;
        if (lastInDatabase > end)
            findings.Add(new Finding(Attack.TruncatedLog, $"the log ends after {end} sealed events; checkpoint {lastInDatabase} in the database signed {lastInDatabase}"));
        else if (lastElsewhere > end)
            findings.Add(new Finding(Attack.RolledBack, $"the log ends after {end} sealed events; the checkpoint kept outside the database signed {lastElsewhere}: the database is an older copy"));
        foreach (var (index, sequence, eventId) in deleted.Take(deleted.Count - (lastInDatabase > end || lastElsewhere > end ? cut : 0)))
            findings.Add(new Finding(Attack.DeletedEvent, $"event {sequence} (leaf {index}, id {eventId}) was sealed and is no longer in the log"));
        foreach (var copy in elsewhere.Where(c => c.Size <= end && inDatabase.All(d => d.Size != c.Size)))
        {
            if (lastInDatabase > copy.Size)
                continue; // a copy the database no longer lists is fine as long as the log extends it (checked above)
            findings.Add(new Finding(Attack.RolledBack, $"{copy.Where} is not among the database's checkpoints, which end at {lastInDatabase}: the database is an older copy"));
        }

        foreach (var restore in restores.Where(r => !rootsAt.TryGetValue(r.Note.RestoredSize, out var root) || !root.AsSpan().SequenceEqual(r.Note.RestoredRoot)))
        {
            findings.Add(new Finding(Attack.RootMismatch,
                $"the restore of epoch {restore.Note.Epoch} says the log goes on from its first {restore.Note.RestoredSize} leaves with a root they do not have"));
        }

        // Root mismatches explained by a named edit, deletion or swap are not reported twice.
        if (findings.Any(f => f.Kind is Attack.EditedEvent or Attack.DeletedEvent or Attack.SwappedEvents or Attack.TruncatedLog or Attack.RolledBack))
            findings.RemoveAll(f => f.Kind == Attack.RootMismatch);

        var last = Math.Max(lastInDatabase, lastElsewhere);
        return new Report(events, sealedCount, inDatabase.Count, last, Math.Max(0, size - last) + unsealed, watch.Elapsed.TotalSeconds, findings)
        {
            ErasedBeforeCommitments = erasedPlain,
            Restores = [.. restores.Select(r => new RestoreSeen(r.Note.Epoch, r.Note.At, r.Note.Reason, r.Note.RestoredSize, r.Note.Abandoned.Count,
                explained.Count(c => r.Abandons(c.Size, c.Root))))],
        };
    }

    /// <summary>The log's key, and its retired keys with the largest tree size each may have signed (null: unbounded).</summary>
    private sealed record Keys((string KeyName, byte[] PublicKey) Current, IReadOnlyList<((string KeyName, byte[] PublicKey) Key, long? LastCheckpoint)> Retired);

    private static Signed? Check(string note, Keys keys, string where, List<Finding> findings)
    {
        if (Checkpoint.Parse(note) is not { } parsed)
        {
            findings.Add(new Finding(Attack.ForeignSignature, $"{where} is not a signed checkpoint"));
            return null;
        }

        var size = parsed.Checkpoint.Size;
        if (SignedBy(keys, parsed.Body, parsed.Signatures, size))
            return new Signed(size, parsed.Checkpoint.Root, where);

        findings.Add(keys.Retired.Any(r => SignedBy(r.Key, parsed.Body, parsed.Signatures))
            ? new Finding(Attack.ForeignSignature, $"{where} (size {size}) is signed by a retired key after its last checkpoint")
            : new Finding(Attack.ForeignSignature, $"{where} (size {size}) is not signed by the log's key"));
        return null;
    }

    private static async Task<List<(long Index, long Sequence, Guid EventId, byte[] Hash, StoredEvent? Event, bool Committed)>> LeafRowsAsync(
        NpgsqlConnection connection, long from, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select e.seq_id, e.id, e.stream_id, e.version, e.type, e.timestamp, e.data::text, e.headers::text, e.correlation_id, e.causation_id,
                   l.idx, l.sequence, l.event_id, l.hash, l.form
            from {AuditLogStore.Leaves} l left join {MartenSetup.Schema}.mt_events e on e.seq_id = l.sequence
            where l.idx >= $1 order by l.idx limit $2
            """, connection);
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(Chunk);
        var list = new List<(long, long, Guid, byte[], StoredEvent?, bool)>(Chunk);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var e = reader.IsDBNull(0) ? null : AuditLogStore.Read(reader);
            list.Add((reader.GetInt64(10), reader.GetInt64(11), reader.GetGuid(12), (byte[])reader[13], e, reader.GetInt16(14) == 1));
        }

        return list;
    }
}
