using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Infrastructure.Persistence;
using Weasel.Core;
using Weasel.Postgresql.Tables;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// The sealed log's tables (ADR 0022, 0041), beside Marten's in the same schema: the leaves (one per event,
/// in log order, with the event's global sequence), the completed inner nodes of the Merkle tree, the
/// sealer's state and the signed checkpoints. Its own connection pool, with durable commits.
/// </summary>
public sealed class AuditLogStore(string connectionString) : IDisposable
{
    public const string Leaves = MartenSetup.Schema + ".audit_log_leaves";
    public const string Nodes = MartenSetup.Schema + ".audit_log_nodes";
    public const string State = MartenSetup.Schema + ".audit_log_state";
    public const string Checkpoints = MartenSetup.Schema + ".audit_log_checkpoints";
    public const string Gaps = MartenSetup.Schema + ".audit_log_gaps";
    public const string Witnesses = MartenSetup.Schema + ".audit_log_witnesses";
    public const string Cosignatures = MartenSetup.Schema + ".audit_log_cosignatures";
    public const string PersonKeys = MartenSetup.Schema + ".person_keys";
    public const string ErasedValues = MartenSetup.Schema + ".erased_values";
    public const string ErasedPlainEvents = MartenSetup.Schema + ".erased_plain_events";

    /// <summary>A checkpoint row's note (alias <c>c</c>) with its witnesses' cosignature lines after the log's signature.</summary>
    public const string NoteWithCosignatures =
        $"c.note || coalesce((select string_agg(w.line || E'\\n', '' order by w.witness) from {Cosignatures} w where w.size = c.size), '')";

    /// <summary>How many missing sequence numbers in a row are remembered (a jump wider than this is not a transaction in flight).</summary>
    public const int MaximumGap = 1_000;

    /// <summary>How long a missing sequence number is watched for a late commit.</summary>
    public static readonly TimeSpan WatchGapsFor = TimeSpan.FromHours(1);

    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(connectionString);

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var leaves = new Table(Leaves);
        leaves.AddColumn<long>("idx").AsPrimaryKey();
        leaves.AddColumn<long>("sequence").NotNull();
        leaves.AddColumn<Guid>("event_id").NotNull(); // not part of the proof: it names an event a verifier finds moved
        leaves.AddColumn("hash", "bytea").NotNull();
        // 1: sealed in the committed form (ADR 0040): data_sha256 is of the data with personal values committed to.
        leaves.AddColumn<short>("form").NotNull().DefaultValueByExpression("0");
        leaves.Indexes.Add(new IndexDefinition("ux_audit_log_leaves_sequence") { Columns = ["sequence"], IsUnique = true });
        yield return leaves;

        var nodes = new Table(Nodes);
        nodes.AddColumn<short>("level").AsPrimaryKey();
        nodes.AddColumn<long>("idx").AsPrimaryKey();
        nodes.AddColumn("hash", "bytea").NotNull();
        yield return nodes;

        var state = new Table(State);
        state.AddColumn<int>("id").AsPrimaryKey();
        state.AddColumn<long>("size").NotNull();
        state.AddColumn<long>("last_sequence").NotNull();
        state.AddColumn<long>("checkpoint_size").NotNull();
        state.AddColumn("checkpoint_at", "timestamptz");
        yield return state;

        yield return GapTable(Gaps);

        var checkpoints = new Table(Checkpoints);
        checkpoints.AddColumn<long>("size").AsPrimaryKey();
        checkpoints.AddColumn("root", "bytea").NotNull();
        checkpoints.AddColumn("at", "timestamptz").NotNull();
        checkpoints.AddColumn<string>("note").NotNull();
        yield return checkpoints;

        // What the log knows of each witness (ADR 0039): the size it last cosigned, and its last refusal.
        var witnesses = new Table(Witnesses);
        witnesses.AddColumn<string>("name").AsPrimaryKey();
        witnesses.AddColumn<long>("size").NotNull();
        witnesses.AddColumn("refusal", "text");
        witnesses.AddColumn("refused_at", "timestamptz");
        witnesses.AddColumn("updated_at", "timestamptz").NotNull();
        yield return witnesses;

        var cosignatures = new Table(Cosignatures);
        cosignatures.AddColumn<long>("size").AsPrimaryKey();
        cosignatures.AddColumn<string>("witness").AsPrimaryKey();
        cosignatures.AddColumn<string>("line").NotNull();
        cosignatures.AddColumn("cosigned_at", "timestamptz").NotNull();
        yield return cosignatures;

        // Each person's key for the commitments to their personal values (ADR 0040); an erasure deletes it.
        var keys = new Table(PersonKeys);
        keys.AddColumn<Guid>("participant_id").AsPrimaryKey();
        keys.AddColumn("key", "bytea").NotNull();
        keys.AddColumn("created_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        yield return keys;

        // The values erased, by event and member, with the commitment the leaf holds: what PersonalDataErased events record, to look up by event.
        var erased = new Table(ErasedValues);
        erased.AddColumn<long>("sequence").AsPrimaryKey();
        erased.AddColumn<string>("member").AsPrimaryKey();
        erased.AddColumn<string>("commitment").NotNull();
        yield return erased;

        // Events sealed in the plain form whose personal values were erased since: the data_sha256 their leaves hold.
        var plain = new Table(ErasedPlainEvents);
        plain.AddColumn<long>("sequence").AsPrimaryKey();
        plain.AddColumn<string>("data_sha256").NotNull();
        yield return plain;
    }

    /// <summary>
    /// Sequence numbers a reader passed without an event: a rolled-back transaction's, or one still
    /// committing when the daemon gave up waiting (its stale-sequence threshold). Watched for an hour.
    /// </summary>
    public static Table GapTable(string name)
    {
        var gaps = new Table(name);
        gaps.AddColumn<long>("sequence").AsPrimaryKey();
        gaps.AddColumn("recorded_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        return gaps;
    }

    /// <summary>The events that have since appeared at sequence numbers recorded as gaps; their gaps are cleared, and old gaps forgotten.</summary>
    public static async Task<List<StoredEvent>> LateEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string gaps, CancellationToken cancellationToken)
    {
        await using (var forget = new NpgsqlCommand($"delete from {gaps} where recorded_at < now() - $1", connection, transaction))
        {
            forget.Parameters.AddWithValue(WatchGapsFor);
            await forget.ExecuteNonQueryAsync(cancellationToken);
        }

        var late = new List<StoredEvent>();
        await using (var command = new NpgsqlCommand(
                         $"""
                         select e.seq_id, e.id, e.stream_id, e.version, e.type, e.timestamp, e.data::text, e.headers::text, e.correlation_id, e.causation_id
                         from {gaps} g join {MartenSetup.Schema}.mt_events e on e.seq_id = g.sequence order by e.seq_id
                         """, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                late.Add(Read(reader));
        }

        if (late.Count > 0)
        {
            await using var clear = new NpgsqlCommand($"delete from {gaps} where sequence = any($1)", connection, transaction);
            clear.Parameters.AddWithValue(late.Select(e => e.Sequence).ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        return late;
    }

    /// <summary>Records the sequence numbers in (<paramref name="after"/>, <paramref name="upTo"/>] that <paramref name="events"/> skip.</summary>
    public static async Task RecordGapsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string gaps, long after, IReadOnlyList<StoredEvent> events, long upTo, CancellationToken cancellationToken)
    {
        var missing = new List<long>();
        var previous = after;
        foreach (var sequence in events.Select(e => e.Sequence).Append(upTo + 1))
        {
            for (var s = previous + 1; s < sequence && s - previous <= MaximumGap; s++)
                missing.Add(s);
            previous = Math.Max(previous, sequence);
        }

        if (missing.Count == 0 || after == 0 && events.Count == 0)
            return;
        await using var insert = new NpgsqlCommand($"insert into {gaps} (sequence) select unnest($1::bigint[]) on conflict do nothing", connection, transaction);
        insert.Parameters.AddWithValue(missing.ToArray());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The hashes of the given nodes (level 0: leaves), in one round trip.</summary>
    public static async Task<Dictionary<(int Level, long Index), byte[]>> NodesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IEnumerable<(int Level, long Index)> wanted, CancellationToken cancellationToken)
    {
        var list = wanted.Distinct().ToList();
        var found = new Dictionary<(int, long), byte[]>();
        if (list.Count == 0)
            return found;
        var leafIds = list.Where(n => n.Level == 0).Select(n => n.Index).ToArray();
        var levels = list.Where(n => n.Level > 0).Select(n => (short)n.Level).ToArray();
        var indexes = list.Where(n => n.Level > 0).Select(n => n.Index).ToArray();
        await using var command = new NpgsqlCommand(
            $"""
            select 0::smallint, idx, hash from {Leaves} where idx = any($1)
            union all
            select n.level, n.idx, n.hash from {Nodes} n join unnest($2::smallint[], $3::bigint[]) w(level, idx) on n.level = w.level and n.idx = w.idx
            """, connection, transaction);
        command.Parameters.AddWithValue(leafIds);
        command.Parameters.AddWithValue(levels);
        command.Parameters.AddWithValue(indexes);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found[(reader.GetInt16(0), reader.GetInt64(1))] = (byte[])reader[2];
        return found;
    }

    /// <summary>MTH of the first <paramref name="size"/> leaves from the stored nodes.</summary>
    public static async Task<byte[]> RootAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long size, CancellationToken cancellationToken)
    {
        if (size == 0)
            return System.Security.Cryptography.SHA256.HashData([]);
        var wanted = new List<(int, long)>();
        MerkleTree.NodesOf(0, size, wanted);
        var nodes = await NodesAsync(connection, transaction, wanted, cancellationToken);
        return MerkleTree.Hash(0, size, (level, index) => nodes[(level, index)]);
    }

    /// <summary>The hashes of the given ranges of leaves (a proof), from the stored nodes in one round trip.</summary>
    public static async Task<IReadOnlyList<byte[]>> HashesAsync(
        NpgsqlConnection connection, IReadOnlyList<(long Start, long End)> ranges, CancellationToken cancellationToken)
    {
        var wanted = new List<(int, long)>();
        foreach (var (start, end) in ranges)
            MerkleTree.NodesOf(start, end, wanted);
        var nodes = await NodesAsync(connection, null, wanted, cancellationToken);
        return ranges.Select(r => MerkleTree.Hash(r.Start, r.End, (level, index) => nodes[(level, index)])).ToList();
    }

    /// <summary>The rows of <c>mt_events</c> after <paramref name="after"/> up to <paramref name="upTo"/>, in sequence order.</summary>
    public static async Task<List<StoredEvent>> EventsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, long after, long upTo, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select seq_id, id, stream_id, version, type, timestamp, data::text, headers::text, correlation_id, causation_id
            from {MartenSetup.Schema}.mt_events where seq_id > $1 and seq_id <= $2 order by seq_id limit $3
            """, connection, transaction);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(upTo);
        command.Parameters.AddWithValue(limit);
        var events = new List<StoredEvent>(Math.Min(limit, 10_000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            events.Add(Read(reader));
        return events;
    }

    public static StoredEvent Read(NpgsqlDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new StoredEvent(
            reader.GetInt64(0), reader.GetGuid(1), reader.IsDBNull(2) ? Guid.Empty : reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4),
            new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9));
    }

    public void Dispose() => Source.Dispose();
}
