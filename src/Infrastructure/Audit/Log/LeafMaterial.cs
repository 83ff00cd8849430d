using Npgsql;
using NpgsqlTypes;
using Npq.Application.Audit.Log;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// The leaf input of each event, and the data it commits to (ADR 0040): the event's canonical data in the
/// plain form, or, for an event sealed in the committed form, its data with each personal value replaced by
/// the commitment under its person's key (or, once erased, the commitment the erasure recorded). A plain-form
/// event erased since keeps the <c>data_sha256</c> its leaf holds, which its data no longer has. Loaded once
/// per run of events: one batch for the keys and what was erased.
/// </summary>
public sealed class LeafMaterial
{
    /// <summary>What erasures changed: per event, the commitment of each member erased; per plain-form event erased, the hash its leaf holds.</summary>
    public sealed record Erasures(Dictionary<long, Dictionary<string, string>> Values, Dictionary<long, string> Plain)
    {
        public static Erasures None() => new([], []);
    }

    private readonly Dictionary<Guid, byte[]> _keys;
    private readonly Erasures _erased;

    private LeafMaterial(Dictionary<Guid, byte[]> keys, Erasures erased) => (_keys, _erased) = (keys, erased);

    /// <summary>Whether an event is sealed in the committed form: it holds personal data and names its person.</summary>
    public static bool Committed(StoredEvent e) => PersonalData.Holds(e.Type) && PersonalData.PersonOf(e) is not null;

    /// <param name="events">The run of events, each with whether it is (to be) sealed in the committed form.</param>
    /// <param name="createKeys">The sealer's: a person without a key gets one, in its transaction.</param>
    /// <param name="erasedInLog">The verifier's: what was erased as the log's own erasure events record it, not as the tables say.</param>
    public static async Task<LeafMaterial> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<(StoredEvent Event, bool Committed)> events, bool createKeys,
        CancellationToken cancellationToken, Erasures? erasedInLog = null)
    {
        var keys = new Dictionary<Guid, byte[]>();
        var erased = erasedInLog ?? Erasures.None();
        var committed = events.Where(e => e.Committed).Select(e => e.Event).ToList();
        var plain = events.Where(e => !e.Committed && PersonalData.Holds(e.Event.Type)).Select(e => e.Event.Sequence).ToArray();
        if (committed.Count == 0 && (plain.Length == 0 || erasedInLog is not null))
            return new LeafMaterial(keys, erased);
        var people = committed.Select(PersonalData.PersonOf).OfType<Guid>().Distinct().ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction);
        // The keys there are, and (for the sealer) one made for each person without: the statement's snapshot
        // does not see the rows its own insert adds, so those come from the insert's returning.
        var read = new NpgsqlBatchCommand(createKeys
            ? $"""
              with created as (insert into {AuditLogStore.PersonKeys} (participant_id, key) select * from unnest($1::uuid[], $2::bytea[]) on conflict do nothing returning participant_id, key)
              select participant_id, key from created union all select participant_id, key from {AuditLogStore.PersonKeys} where participant_id = any($1)
              """
            : $"select participant_id, key from {AuditLogStore.PersonKeys} where participant_id = any($1)");
        read.Parameters.Add(new NpgsqlParameter { Value = people, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        if (createKeys)
            read.Parameters.Add(new NpgsqlParameter { Value = people.Select(_ => PersonalData.NewKey()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        batch.BatchCommands.Add(read);
        // With the log's record given, these read nothing: the batch keeps one shape.
        var values = new NpgsqlBatchCommand($"select sequence, member, commitment from {AuditLogStore.ErasedValues} where sequence = any($1) and not $2");
        values.Parameters.Add(new NpgsqlParameter { Value = committed.Select(e => e.Sequence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        values.Parameters.Add(new NpgsqlParameter { Value = erasedInLog is not null, NpgsqlDbType = NpgsqlDbType.Boolean });
        batch.BatchCommands.Add(values);
        var plainErased = new NpgsqlBatchCommand($"select sequence, data_sha256 from {AuditLogStore.ErasedPlainEvents} where sequence = any($1) and not $2");
        plainErased.Parameters.Add(new NpgsqlParameter { Value = plain, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        plainErased.Parameters.Add(new NpgsqlParameter { Value = erasedInLog is not null, NpgsqlDbType = NpgsqlDbType.Boolean });
        batch.BatchCommands.Add(plainErased);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            keys[reader.GetGuid(0)] = (byte[])reader[1];
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!erased.Values.TryGetValue(reader.GetInt64(0), out var members))
                erased.Values[reader.GetInt64(0)] = members = new Dictionary<string, string>(StringComparer.Ordinal);
            members[reader.GetString(1)] = reader.GetString(2);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            erased.Plain[reader.GetInt64(0)] = reader.GetString(1);
        return new LeafMaterial(keys, erased);
    }

    /// <summary>Whether the event was sealed in the plain form and its personal values erased since: its data no longer matches its leaf, by design.</summary>
    public bool ErasedPlain(StoredEvent e) => _erased.Plain.ContainsKey(e.Sequence);

    /// <summary>
    /// The leaf input and the data it commits to. A committed-form event whose person's key is gone while a
    /// value remains gets the plain data, which will not match its leaf; the sealer (<paramref name="strict"/>) refuses instead.
    /// </summary>
    public (byte[] Input, byte[] Data) Of(StoredEvent e, bool committed, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!committed)
            return (LogLeaf.Input(e, erasedDataSha256: _erased.Plain.GetValueOrDefault(e.Sequence)), CanonicalJson.Canonicalise(e.Data));
        try
        {
            var data = PersonalData.Committed(e, person => _keys.GetValueOrDefault(person), _erased.Values.GetValueOrDefault(e.Sequence));
            return (LogLeaf.Input(e, data), data);
        }
        catch (InvalidOperationException) when (!strict)
        {
            var plain = CanonicalJson.Canonicalise(e.Data);
            return (LogLeaf.Input(e, plain), plain);
        }
    }
}
