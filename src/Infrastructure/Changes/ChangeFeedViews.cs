using Npgsql;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Changes;

/// <summary>
/// The change feed's item rule (ADR 0024): a candidate becomes an item only when what its provider can
/// read of the resource is not what the feed last gave that provider. What a provider reads is its
/// read model, visible to it or not; the comparison is an MD5 of the stored view's JSON (PostgreSQL's
/// <c>jsonb</c> text is canonical) without the fields no version shows, kept per provider and resource
/// in <see cref="ChangeFeedStore.Seen"/>. The item is named from that provider's side alone
/// (<c>{resource}_created</c>, <c>_updated</c> or <c>_removed</c>) and dated with the view's own
/// <c>updated_at</c> (a removal with the time it left the reader's hands): nothing of the event that
/// caused it reaches the item.
/// </summary>
internal static class ChangeFeedViews
{
    /// <summary>A resource a provider may see changed (the builder's reading of the events), before its view is compared.</summary>
    public sealed record Candidate(Guid Provider, string ResourceType, Guid ResourceId, Guid? ParticipantId, long Sequence, DateTimeOffset At);

    private sealed record View(byte[] Fingerprint, DateTimeOffset UpdatedAt, Guid? Owner, Guid? SecondOwner, Guid? ParticipantId, string[]? Readers)
    {
        /// <summary>An application or statement is its owner's; a declaration its creator's and its application's owner's; a participant is read by the providers with an enrolment.</summary>
        public bool VisibleTo(Guid provider) =>
            Owner == provider || SecondOwner == provider || (Readers is not null && Readers.Contains(provider.ToString()));
    }

    /// <summary>
    /// One query per resource type a candidate names, and one for the fingerprints last fed. Columns:
    /// id, fingerprint, updated_at, owner, second owner, participant, readers.
    /// </summary>
    private static readonly Dictionary<string, string> ViewQueries = new()
    {
        ["npq-application"] = $"select id, {Fingerprint("data - 'ApplicationUpdatedAt' - 'ParticipantUpdatedAt'")}, updated_at, lead_provider_id, null::uuid, participant_id, null::text[] from {MartenSetup.Schema}.mt_doc_applicationview where id = any($1)",
        ["participant-declaration"] = $"select id, {Fingerprint("data")}, updated_at, lead_provider_id, owner_provider_id, participant_id, null::text[] from {MartenSetup.Schema}.mt_doc_declarationview where id = any($1)",
        ["statement"] = $"select id, {Fingerprint("data")}, (data ->> 'UpdatedAt')::timestamptz, lead_provider_id, null::uuid, null::uuid, null::text[] from {MartenSetup.Schema}.mt_doc_statementview where id = any($1)",
        // Which providers hold the person's applications (and the ids of those) is not part of what one provider reads.
        ["participant"] = $"select id, {Fingerprint("data - 'ApplicationIds' - 'EnrolmentKeys'")}, updated_at, null::uuid, null::uuid, id, array(select jsonb_array_elements_text(data -> 'EnrolmentKeys')) from {MartenSetup.Schema}.mt_doc_participantview where id = any($1)",
    };

    /// <summary>
    /// MD5 of the view's JSON with every time cut to the second, as every version shows times
    /// (<c>2026-12-05T12:06:03Z</c>): two states that differ only below the second read the same, and
    /// make no item (issue 27: the stored views keep ticks).
    /// </summary>
    private static string Fingerprint(string json) =>
        $@"decode(md5(regexp_replace(({json})::text, '(T\d\d:\d\d:\d\d)\.\d+', '\1', 'g')), 'hex')";

    private static readonly Dictionary<string, string> Names = new()
    {
        ["npq-application"] = "application",
        ["participant-declaration"] = "declaration",
        ["statement"] = "statement",
        ["participant"] = "participant",
    };

    /// <summary>The items the candidates make, in the candidates' order, with the fingerprints recorded.</summary>
    public static async Task<IReadOnlyList<(Guid Provider, ChangeFeedStore.Item Item)>> CompareAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Candidate> candidates, CancellationToken cancellationToken)
    {
        var items = new List<(Guid, ChangeFeedStore.Item)>();
        if (candidates.Count == 0)
            return items;

        var types = candidates.GroupBy(c => c.ResourceType).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var type in types)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(ViewQueries[type.Key]) { Parameters = { new() { Value = type.Select(c => c.ResourceId).Distinct().ToArray() } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"select s.provider_id, s.resource_id, s.fingerprint from {ChangeFeedStore.Seen} s join unnest($1::uuid[], $2::uuid[]) c(p, r) on s.provider_id = c.p and s.resource_id = c.r")
        {
            Parameters = { new() { Value = candidates.Select(c => c.Provider).ToArray() }, new() { Value = candidates.Select(c => c.ResourceId).ToArray() } },
        });

        var views = new Dictionary<(string, Guid), View>();
        var seen = new Dictionary<(Guid, Guid), byte[]>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            foreach (var type in types)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    views[(type.Key, reader.GetGuid(0))] = new View(
                        reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<DateTimeOffset>(2),
                        reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.IsDBNull(5) ? null : reader.GetGuid(5),
                        reader.IsDBNull(6) ? null : reader.GetFieldValue<string[]>(6));
                }

                await reader.NextResultAsync(cancellationToken);
            }

            while (await reader.ReadAsync(cancellationToken))
                seen[(reader.GetGuid(0), reader.GetGuid(1))] = reader.GetFieldValue<byte[]>(2);
        }

        var fed = new List<(Guid Provider, Guid Resource, byte[]? Fingerprint)>();
        foreach (var candidate in candidates)
        {
            var name = Names[candidate.ResourceType];
            seen.TryGetValue((candidate.Provider, candidate.ResourceId), out var last);
            var visible = views.TryGetValue((candidate.ResourceType, candidate.ResourceId), out var view) && view.VisibleTo(candidate.Provider);
            string type;
            if (visible && last is null)
                type = name + "_created";
            else if (visible && !last!.AsSpan().SequenceEqual(view!.Fingerprint))
                type = name + "_updated";
            else if (!visible && last is not null)
                type = name + "_removed";
            else
                continue;

            // A removal says only what the reader knew, and when the resource left its hands: nothing of
            // the view as its new holder has it.
            items.Add((candidate.Provider, visible
                ? new ChangeFeedStore.Item(candidate.Sequence, type, candidate.ResourceType, candidate.ResourceId, view!.ParticipantId ?? candidate.ParticipantId, view.UpdatedAt)
                : new ChangeFeedStore.Item(candidate.Sequence, type, candidate.ResourceType, candidate.ResourceId, candidate.ParticipantId, candidate.At)));
            fed.Add((candidate.Provider, candidate.ResourceId, visible ? view!.Fingerprint : null));
        }

        await RecordAsync(connection, transaction, fed, cancellationToken);
        return items;
    }

    private static async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<(Guid Provider, Guid Resource, byte[]? Fingerprint)> fed, CancellationToken cancellationToken)
    {
        if (fed.Count == 0)
            return;
        var kept = fed.Where(f => f.Fingerprint is not null).ToList();
        var gone = fed.Where(f => f.Fingerprint is null).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    $"""
                    insert into {ChangeFeedStore.Seen} (provider_id, resource_id, fingerprint)
                    select * from unnest($1::uuid[], $2::uuid[], $3::bytea[])
                    on conflict (provider_id, resource_id) do update set fingerprint = excluded.fingerprint
                    """)
                {
                    Parameters =
                    {
                        new() { Value = kept.Select(f => f.Provider).ToArray() },
                        new() { Value = kept.Select(f => f.Resource).ToArray() },
                        new() { Value = kept.Select(f => f.Fingerprint!).ToArray() },
                    },
                },
                new NpgsqlBatchCommand(
                    $"delete from {ChangeFeedStore.Seen} s using unnest($1::uuid[], $2::uuid[]) g(p, r) where s.provider_id = g.p and s.resource_id = g.r")
                {
                    Parameters = { new() { Value = gone.Select(f => f.Provider).ToArray() }, new() { Value = gone.Select(f => f.Resource).ToArray() } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
