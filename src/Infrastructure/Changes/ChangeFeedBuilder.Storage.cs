using System.Text.Json;
using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Domain.NpqApplications;
using Npq.Domain.Statements;
using Npq.Infrastructure.Audit.Log;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Changes;

/// <summary>The change feed builder's reads and writes of its own tables (<c>feed_resources</c>, <c>feed_items</c>, <c>feed_heads</c>).</summary>
public sealed partial class ChangeFeedBuilder
{
    /// <summary>The owners of what the batch's events touch: their streams, and the applications of declarations among them.</summary>
    private static async Task<Dictionary<Guid, Resource>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<StoredEvent> events, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(connection, transaction, "resource_id = any($1)", events.Select(e => e.StreamId).Distinct().ToArray(), cancellationToken);

        // Every application of the people the batch touches: a change to one may change the others' JSON.
        var people = found.Values.Where(r => r.Kind == "application" && r.ParticipantId is not null).Select(r => r.ParticipantId!.Value)
            .Concat(events.Where(e => EventTypeOf(e.Type) is { } type && (type == typeof(ApplicationRegistered) || type == typeof(ApplicationParticipantChanged) || PersonEvents.Contains(type)))
                .SelectMany(e => ParticipantsNamedIn(e.Data)))
            .Distinct().ToArray();
        if (people.Length > 0)
        {
            foreach (var (id, resource) in await QueryAsync(connection, transaction, "kind = 'application' and participant_id = any($1)", people, cancellationToken))
                found[id] = resource;
        }

        var applications = found.Values.Where(r => r.ApplicationId is not null).Select(r => r.ApplicationId!.Value).Where(id => !found.ContainsKey(id)).Distinct().ToArray();
        if (applications.Length > 0)
        {
            foreach (var (id, resource) in await QueryAsync(connection, transaction, "resource_id = any($1)", applications, cancellationToken))
                found[id] = resource;
        }

        return found;
    }

    private static IEnumerable<Guid> ParticipantsNamedIn(string data)
    {
        using var document = JsonDocument.Parse(data);
        foreach (var name in new[] { "ParticipantId", "FromParticipantId", "ToParticipantId" })
        {
            if (Id(document.RootElement, name) is var id && id != Guid.Empty)
                yield return id;
        }
    }

    private static async Task<IReadOnlyList<Resource>> DeclarationsOfAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid application, Dictionary<Guid, Resource> resources, CancellationToken cancellationToken)
    {
        var stored = await QueryAsync(connection, transaction, "kind = 'declaration' and application_id = any($1)", [application], cancellationToken);
        foreach (var resource in resources.Values.Where(r => r.Kind == "declaration" && r.ApplicationId == application))
            stored[resource.Id] = resource; // made earlier in this batch
        return stored.Values.ToList();
    }

    private static async Task<IEnumerable<Guid>> ProvidersOfAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] participants, Dictionary<Guid, Resource> resources, CancellationToken cancellationToken)
    {
        var stored = await QueryAsync(connection, transaction, "kind = 'application' and participant_id = any($1)", participants, cancellationToken);
        foreach (var resource in resources.Values.Where(r => r.Kind == "application" && r.ParticipantId is { } p && participants.Contains(p)))
            stored[resource.Id] = resource;
        return stored.Values.Select(r => r.ProviderId).Distinct();
    }

    private static async Task<Dictionary<Guid, Resource>> QueryAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string where, Guid[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select resource_id, kind, provider_id, participant_id, application_id from {ChangeFeedStore.Resources} where {where}", connection, transaction);
        command.Parameters.AddWithValue(ids);
        var found = new Dictionary<Guid, Resource>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetGuid(0)] = new Resource(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetGuid(4));
        }

        return found;
    }

    private static async Task SaveResourcesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ICollection<Resource> changed, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
            return;
        await using var command = new NpgsqlCommand(
            $"""
            insert into {ChangeFeedStore.Resources} (resource_id, kind, provider_id, participant_id, application_id)
            select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[])
            on conflict (resource_id) do update set provider_id = excluded.provider_id, participant_id = excluded.participant_id
            """, connection, transaction);
        command.Parameters.AddWithValue(changed.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue(changed.Select(r => r.Kind).ToArray());
        command.Parameters.AddWithValue(changed.Select(r => r.ProviderId).ToArray());
        command.Parameters.AddWithValue(changed.Select(r => r.ParticipantId).ToArray());
        command.Parameters.AddWithValue(changed.Select(r => r.ApplicationId).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Gives each item the next position of its provider's feed and stores items and heads.</summary>
    private static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<(Guid Provider, ChangeFeedStore.Item Item)> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
            return;
        var providers = items.Select(i => i.Provider).Where(p => p != Guid.Empty).Distinct().Order().ToArray();
        var heads = providers.ToDictionary(p => p, _ => 0L);
        await using (var command = new NpgsqlCommand($"select provider_id, position from {ChangeFeedStore.Heads} where provider_id = any($1) order by provider_id for update", connection, transaction))
        {
            command.Parameters.AddWithValue(providers);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                heads[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        var positioned = new List<(Guid, long, ChangeFeedStore.Item)>(items.Count);
        foreach (var (provider, item) in items.Where(i => i.Provider != Guid.Empty))
            positioned.Add((provider, heads[provider] = heads[provider] + 1, item));
        await ChangeFeedStore.WriteItemsAsync(connection, positioned, cancellationToken);

        await using var update = new NpgsqlCommand(
            $"""
            insert into {ChangeFeedStore.Heads} (provider_id, position) select * from unnest($1::uuid[], $2::bigint[])
            on conflict (provider_id) do update set position = excluded.position
            """, connection, transaction);
        update.Parameters.AddWithValue(heads.Keys.ToArray());
        update.Parameters.AddWithValue(heads.Values.ToArray());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }
}
