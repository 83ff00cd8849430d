using System.Text.Json;
using JasperFx.Events;
using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;
using Npq.Domain.Statements;
using Npq.Infrastructure.Audit.Log;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Changes;

/// <summary>
/// Fills the change feed (issue 19, ADR 0023; item rule ADR 0024) from the event log, in sequence order
/// and only below the daemon's high-water mark (it runs from a Marten subscription), so a transaction
/// still committing holds the feed back rather than being passed. Events only say which resources a
/// provider might see change: the application's owner (both owners for a transfer, and the new owner
/// for the application's declarations), a declaration's creator and its application's owner, a
/// statement's provider, and the owners of the person's other applications. An item is written only
/// when what that provider can read of the resource changed: the builder compares a fingerprint of the
/// provider's view now with the one it last fed, and names the item from the provider's own view
/// (<c>application_created</c>, <c>application_updated</c>, <c>application_removed</c>, …) with the
/// resource's own <c>updated_at</c>, never another provider's event, id or time. Each batch is one
/// transaction that locks the builder's state and the providers' heads, so positions are contiguous and
/// nothing is written twice.
/// </summary>
public sealed partial class ChangeFeedBuilder(ChangeFeedStore store)
{
    private const int BatchSize = 5_000;

    private sealed record Resource(Guid Id, string Kind, Guid ProviderId, Guid? ParticipantId, Guid? ApplicationId);

    public async Task BuildUpToAsync(long ceiling, CancellationToken cancellationToken)
    {
        while (await BatchAsync(ceiling, cancellationToken))
        {
        }
    }

    /// <summary>One batch; true when there may be more below the ceiling.</summary>
    private async Task<bool> BatchAsync(long ceiling, CancellationToken cancellationToken)
    {
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand($"insert into {ChangeFeedStore.State} (id, last_sequence) values (1, 0) on conflict (id) do nothing", connection, transaction))
            await insert.ExecuteNonQueryAsync(cancellationToken);
        long lastSequence;
        await using (var select = new NpgsqlCommand($"select last_sequence from {ChangeFeedStore.State} where id = 1 for update", connection, transaction))
            lastSequence = (long)(await select.ExecuteScalarAsync(cancellationToken))!;

        var events = await AuditLogStore.LateEventsAsync(connection, transaction, ChangeFeedStore.Gaps, cancellationToken);
        var fresh = lastSequence >= ceiling ? [] : await AuditLogStore.EventsAsync(connection, transaction, lastSequence, ceiling, BatchSize, cancellationToken);
        var more = fresh.Count == BatchSize;
        var last = more ? fresh[^1].Sequence : Math.Max(lastSequence, ceiling);
        await AuditLogStore.RecordGapsAsync(connection, transaction, ChangeFeedStore.Gaps, lastSequence, fresh, last, cancellationToken);
        events.AddRange(fresh);

        if (events.Count > 0)
        {
            var resources = await LoadAsync(connection, transaction, events, cancellationToken);
            var applicationsOf = new Dictionary<Guid, HashSet<Guid>>();
            foreach (var application in resources.Values.Where(r => r.Kind == "application" && r.ParticipantId is not null))
                ApplicationsOf(applicationsOf, application.ParticipantId!.Value).Add(application.Id);
            var changed = new Dictionary<Guid, Resource>();
            var candidates = new List<ChangeFeedViews.Candidate>();
            foreach (var e in events)
                await ApplyAsync(connection, transaction, e, resources, applicationsOf, changed, candidates, cancellationToken);
            await SaveResourcesAsync(connection, transaction, changed.Values, cancellationToken);
            var items = await ChangeFeedViews.CompareAsync(connection, transaction, candidates.DistinctBy(c => (c.Provider, c.ResourceId)).ToList(), cancellationToken);
            await AppendAsync(connection, transaction, items, cancellationToken);
        }

        await using (var update = new NpgsqlCommand($"update {ChangeFeedStore.State} set last_sequence = $1 where id = 1", connection, transaction))
        {
            update.Parameters.AddWithValue(Math.Max(last, lastSequence));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return more;
    }

    private static HashSet<Guid> ApplicationsOf(Dictionary<Guid, HashSet<Guid>> index, Guid participant) =>
        index.TryGetValue(participant, out var set) ? set : index[participant] = [];

    private static async Task ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StoredEvent e, Dictionary<Guid, Resource> resources,
        Dictionary<Guid, HashSet<Guid>> applicationsOf, Dictionary<Guid, Resource> changed, List<ChangeFeedViews.Candidate> candidates,
        CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(e.Data);
        var data = document.RootElement;
        var before = candidates.Count;
        void Add(Guid provider, string resourceType, Guid resourceId, Guid? participant) =>
            candidates.Add(new ChangeFeedViews.Candidate(provider, resourceType, resourceId, participant, e.Sequence, e.Timestamp));
        void Keep(Resource resource)
        {
            if (resource.Kind == "application")
            {
                if (resources.TryGetValue(resource.Id, out var previous) && previous.ParticipantId is { } was)
                    ApplicationsOf(applicationsOf, was).Remove(resource.Id);
                if (resource.ParticipantId is { } now)
                    ApplicationsOf(applicationsOf, now).Add(resource.Id);
            }

            resources[resource.Id] = changed[resource.Id] = resource;
        }

        switch (EventTypeOf(e.Type))
        {
            case var type when type == typeof(ApplicationRegistered):
                var registered = new Resource(e.StreamId, "application", Id(data, "LeadProviderId"), Id(data, "ParticipantId"), null);
                Keep(registered);
                Add(registered.ProviderId, "npq-application", e.StreamId, registered.ParticipantId);
                break;
            case var type when type == typeof(ApplicationTransferred):
                if (!resources.TryGetValue(e.StreamId, out var moved))
                    break;
                var to = Id(data, "ToLeadProviderId");
                Add(moved.ProviderId, "npq-application", e.StreamId, moved.ParticipantId); // out of their hands
                if (moved.ParticipantId is { } movedPerson)
                    Add(moved.ProviderId, "participant", movedPerson, movedPerson); // and the person too, if that was their last enrolment
                Keep(moved with { ProviderId = to });
                Add(to, "npq-application", e.StreamId, moved.ParticipantId);
                foreach (var declaration in await DeclarationsOfAsync(connection, transaction, e.StreamId, resources, cancellationToken))
                    Add(to, "participant-declaration", declaration.Id, declaration.ParticipantId);
                break;
            case var type when type == typeof(ApplicationParticipantChanged):
                if (!resources.TryGetValue(e.StreamId, out var application))
                    break;
                Keep(application with { ParticipantId = Id(data, "ToParticipantId") });
                Add(application.ProviderId, "npq-application", e.StreamId, Id(data, "ToParticipantId"));
                break;
            case var type when type == typeof(ParticipantIdChanged):
                var people = new[] { Id(data, "FromParticipantId"), Id(data, "ToParticipantId") };
                foreach (var provider in await ProvidersOfAsync(connection, transaction, people, resources, cancellationToken))
                {
                    Add(provider, "participant", Id(data, "ToParticipantId"), Id(data, "ToParticipantId"));
                    Add(provider, "participant", Id(data, "FromParticipantId"), Id(data, "FromParticipantId")); // retired: removed for its readers
                }
                break;
            case { } type when PersonEvents.Contains(type):
                // DfE changed the person's own facts: every application of theirs, and the person as each
                // provider reads them, may show it (email, name, TRN).
                foreach (var held in ApplicationsOf(applicationsOf, e.StreamId).Select(id => resources[id]))
                {
                    Add(held.ProviderId, "npq-application", held.Id, e.StreamId);
                    Add(held.ProviderId, "participant", e.StreamId, e.StreamId);
                }

                break;
            case var type when type == typeof(DeclarationSubmitted):
                var submitted = new Resource(e.StreamId, "declaration", Id(data, "LeadProviderId"), Id(data, "ParticipantId"), Id(data, "ApplicationId"));
                Keep(submitted);
                foreach (var provider in DeclarationAudience(submitted, resources))
                    Add(provider, "participant-declaration", e.StreamId, submitted.ParticipantId);
                break;
            case var type when type == typeof(StatementOpened):
                var opened = new Resource(e.StreamId, "statement", Id(data, "LeadProviderId"), null, null);
                Keep(opened);
                Add(opened.ProviderId, "statement", e.StreamId, null);
                break;
            default:
                if (!resources.TryGetValue(e.StreamId, out var resource))
                    break; // a participant's registration, or a stream no provider sees
                switch (resource.Kind)
                {
                    case "application":
                        Add(resource.ProviderId, "npq-application", resource.Id, resource.ParticipantId);
                        break;
                    case "declaration":
                        foreach (var provider in DeclarationAudience(resource, resources))
                            Add(provider, "participant-declaration", resource.Id, resource.ParticipantId);
                        break;
                    case "statement":
                        Add(resource.ProviderId, "statement", resource.Id, null);
                        break;
                }

                break;
        }

        // A change to one of a person's applications may move the person's other applications too, at any
        // provider (their updated_at on an accept or reject, §1.11; their funding facts, §4.5), and the
        // person's record as each provider reads it (its updated_at covers every application, §1.11):
        // each of those is a candidate for its provider, and becomes an item only if that provider's
        // view of it changed (ChangeFeedViews).
        if (resources.TryGetValue(e.StreamId, out var changedApplication) && changedApplication.Kind == "application"
            && changedApplication.ParticipantId is { } person)
        {
            var already = candidates.Skip(before).Select(c => (c.Provider, c.ResourceId)).ToHashSet();
            foreach (var held in ApplicationsOf(applicationsOf, person).Select(id => resources[id]))
            {
                if (held.Id != e.StreamId && already.Add((held.ProviderId, held.Id)))
                    Add(held.ProviderId, "npq-application", held.Id, person);
                if (already.Add((held.ProviderId, person)))
                    Add(held.ProviderId, "participant", person, person);
            }
        }
    }

    /// <summary>Events on a person's own stream that change what providers read of them.</summary>
    private static readonly HashSet<Type> PersonEvents = [typeof(ParticipantEmailChanged), typeof(ParticipantNameChanged), typeof(ParticipantTrnVerified), typeof(PersonalDataErased)];

    /// <summary>The event type Marten stored under a name (the module lists registered in <see cref="MartenSetup.EventTypes"/>).</summary>
    private static readonly Dictionary<string, Type> EventTypesByName = MartenSetup.EventTypes.ToDictionary(type => type.GetEventTypeName());

    private static Type? EventTypeOf(string name) => EventTypesByName.GetValueOrDefault(name);

    /// <summary>A declaration is seen by the provider that made it and by its application's owner (v3, after a transfer).</summary>
    private static IEnumerable<Guid> DeclarationAudience(Resource declaration, Dictionary<Guid, Resource> resources)
    {
        yield return declaration.ProviderId;
        if (declaration.ApplicationId is { } application && resources.TryGetValue(application, out var owner) && owner.ProviderId != declaration.ProviderId)
            yield return owner.ProviderId;
    }

    private static Guid Id(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id) ? id : Guid.Empty;
}
