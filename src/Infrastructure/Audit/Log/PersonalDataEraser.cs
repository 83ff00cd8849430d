using System.Text.Json.Nodes;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Npq.Application.Audit.Log;
using Npq.Application.Common.Errors;
using Npq.Application.Participants.ErasePersonalData;
using Npq.Domain.Participants;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// The sealed log's side of an erasure (ADR 0040), in the erasing session's transaction: the person's
/// events, all of them sealed in the committed form, get their personal values nulled; the commitments their
/// leaves hold are recorded (returned for the erasure's event, and in <c>erased_values</c> to serve entry
/// bundles); the person's key is deleted, so no commitment can be guessed back; and the responses kept for
/// idempotent retries that name the person are dropped. The erasure is noted outside the database first
/// (<see cref="ErasureNotes"/>), so a restore of an older backup erases the person again.
/// </summary>
public sealed class PersonalDataEraser(ErasureNotes notes) : IPersonalDataEraser
{
    public async Task<(IReadOnlyList<ErasedValue> Values, IReadOnlyList<ErasedPlainEvent> SealedPlain)> QueueErasureAsync(
        IDocumentSession session, IReadOnlyCollection<Guid> people, IReadOnlyCollection<Guid> applications, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var connection = (NpgsqlConnection)session.Connection!;
        var events = new List<(StoredEvent Event, short? Form, byte[]? Leaf)>();
        await using (var command = new NpgsqlCommand(
                         $"""
                         select e.seq_id, e.id, e.stream_id, e.version, e.type, e.timestamp, e.data::text, e.headers::text, e.correlation_id, e.causation_id, l.form, l.hash
                         from {MartenSetup.Schema}.mt_events e left join {AuditLogStore.Leaves} l on l.sequence = e.seq_id
                         where (e.stream_id = any($1) or e.stream_id = any($2)) and e.type = any($3) order by e.seq_id
                         """, connection))
        {
            command.Parameters.AddWithValue(people.ToArray());
            command.Parameters.AddWithValue(applications.ToArray());
            command.Parameters.AddWithValue(PersonalData.Types.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var e = AuditLogStore.Read(reader);
                if (PersonalData.PersonOf(e) is { } person && people.Contains(person))
                    events.Add((e, reader.IsDBNull(10) ? null : reader.GetInt16(10), reader.IsDBNull(11) ? null : (byte[])reader[11]));
            }
        }

        if (events.Any(e => e.Form is null))
            throw new ConflictException("Not sealed yet", "Some of the participant's latest changes are not sealed into the log yet: try again in a few seconds");
        // An event sealed in the plain form keeps the hash its leaf holds, recorded in the erasure: its leaf
        // still verifies, its data no longer can. It must match its leaf now, or the erasure would hide an edit.
        var sealedPlain = new List<ErasedPlainEvent>();
        foreach (var (e, _, leaf) in events.Where(e => e.Form == 0 && HasValues(e.Event)))
        {
            if (!MerkleTree.LeafHash(LogLeaf.Input(e)).AsSpan().SequenceEqual(leaf))
                throw new ConflictException("Does not match its leaf", $"Event {e.Sequence} no longer matches what was sealed: run `audit verify` before erasing");
            sealedPlain.Add(new ErasedPlainEvent(e.Sequence, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(CanonicalJson.Canonicalise(e.Data)))));
        }

        var keys = new Dictionary<Guid, byte[]>();
        await using (var command = new NpgsqlCommand($"select participant_id, key from {AuditLogStore.PersonKeys} where participant_id = any($1)", connection))
        {
            command.Parameters.AddWithValue(people.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                keys[reader.GetGuid(0)] = (byte[])reader[1];
        }

        var values = new List<ErasedValue>();
        foreach (var (e, form, _) in events)
        {
            var data = JsonNode.Parse(e.Data)!.AsObject();
            var erased = PersonalData.MembersOf(e.Type).Where(m => data[m] is not null).ToList();
            if (erased.Count == 0)
                continue; // null already (erased before, or never given)
            if (form == 0)
            {
                values.AddRange(erased.Select(m => new ErasedValue(e.Sequence, m, null)));
            }
            else
            {
                var key = keys.GetValueOrDefault(PersonalData.PersonOf(e)!.Value)
                          ?? throw new ConflictException("No key", $"Event {e.Sequence} holds personal data its person has no key for: run `audit verify`");
                values.AddRange(erased.Select(m => new ErasedValue(e.Sequence, m, PersonalData.Commitment(key, e.Id, m, data[m]!))));
            }

            session.QueueSqlCommand($"update {MartenSetup.Schema}.mt_events set data = ?::jsonb where seq_id = ?", PersonalData.Erased(e), e.Sequence);
        }

        if (values.Count == 0)
            return (values, sealedPlain);
        foreach (var person in people)
            notes.Keep(person);
        foreach (var value in values.Where(v => v.Commitment is not null))
        {
            session.QueueSqlCommand($"insert into {AuditLogStore.ErasedValues} (sequence, member, commitment) values (?, ?, ?) on conflict do nothing",
                value.Sequence, value.Path, value.Commitment!);
        }

        foreach (var plain in sealedPlain)
            session.QueueSqlCommand($"insert into {AuditLogStore.ErasedPlainEvents} (sequence, data_sha256) values (?, ?) on conflict do nothing", plain.Sequence, plain.DataSha256);

        session.QueueSqlCommand($"delete from {AuditLogStore.PersonKeys} where participant_id = any(?)", people.ToArray());
        // Copies elsewhere: responses kept for idempotent retries, and messages (the participant's emails) kept
        // by Wolverine's inbox, outbox and dead letters, all of which name the person or an application of theirs.
        var ids = people.Concat(applications).Select(id => id.ToString("D")).ToArray();
        foreach (var table in (string[])[Idempotency.IdempotencyStore.TableName, .. Messages.Select(t => $"{MartenSetup.Schema}_messages.{t}")])
            session.QueueSqlCommand($"delete from {table} where exists (select 1 from unnest(?::text[]) id where position(convert_to(id, 'UTF8') in body) > 0)", (object)ids);
        return (values, sealedPlain);
    }

    private static readonly string[] Messages = ["wolverine_incoming_envelopes", "wolverine_outgoing_envelopes", "wolverine_dead_letters"];

    private static bool HasValues(StoredEvent e)
    {
        var data = JsonNode.Parse(e.Data)!.AsObject();
        return PersonalData.MembersOf(e.Type).Any(m => data[m] is not null);
    }
}
