using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Changes;

/// <summary>
/// Issue 19: a CRM that follows <c>/api/v3/changes</c> from the beginning holds exactly what the list
/// endpoints hold, under concurrent writers and changes made by others; a transaction still open holds
/// the feed back and is then delivered in order; no provider sees another's changes; cursors cannot be forged.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class ChangeFeedTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Every type an item can have: named from the reader's own view, never after an event.</summary>
    public static readonly string[] ChangeFeedTypes =
        new[] { "application", "declaration", "statement", "participant" }
            .SelectMany(r => new[] { r + "_created", r + "_updated", r + "_removed" }).ToArray();

    [Fact]
    public async Task A_crm_following_the_feed_holds_what_the_list_endpoints_hold_under_concurrent_writers()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var partner = await a.AddDeliveryPartnerAsync($"Partner of {a.Name}", 2024, 2025);
        await a.OpenStatementAsync("2025", Today.AddDays(30));
        await b.OpenStatementAsync("2025", Today.AddDays(30));

        // Each provider's CRM follows its feed while the writers run, reading every changed resource as it goes.
        using var stop = new CancellationTokenSource();
        var crmOfA = FollowContinuouslyAsync(a, stop.Token);
        var crmOfB = FollowContinuouslyAsync(b, stop.Token);

        // Eight writers at once: registrations for both, accepts, rejects, and people who applied to both
        // (A's accept rejects their application at B: a change B sees that B did not make).
        var registeredAtA = new System.Collections.Concurrent.ConcurrentBag<RegisteredApplication>();
        var registeredAtB = new System.Collections.Concurrent.ConcurrentBag<RegisteredApplication>();
        var pairs = new System.Collections.Concurrent.ConcurrentBag<(RegisteredApplication AtA, RegisteredApplication AtB, int I)>();
        await Parallel.ForAsync(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var atA = await a.RegisterAsync(r => r["cohort"] = "2023");
            registeredAtA.Add(atA);
            // Even: the same person at B for the same course; 1 in 4: the same person at B for another course.
            var atB = await b.RegisterAsync(r =>
            {
                r["cohort"] = "2023";
                if (i % 2 == 0 || i % 4 == 1)
                    r.AsPersonOf(atA);
                if (i % 4 == 1)
                    r["course_identifier"] = "npq-headship";
            });
            registeredAtB.Add(atB);
            pairs.Add((atA, atB, i));
        });
        var declared = await a.AcceptedApplicationAsync("2025");

        // The CRMs have read everything as it stands; now change it under them, eight writers at once.
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        await Task.Delay(500);
        await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (pair, _) =>
        {
            if (pair.I % 2 == 0)
                (await a.AcceptAsync(pair.AtA.Id)).ShouldBeOk(); // rejects the same person's application at B
            else
                (await b.RejectAsync(pair.AtB.Id)).ShouldBeOk(); // 1 in 4: moves the same person's application at A (§1.11)
        });
        (await a.DeclareAsync(declared, "started", "2025-11-01T10:00:00Z", customise: d => d["delivery_partner_id"] = partner.ToString())).ShouldBeOk();
        var moved = pairs.First(p => p.I % 2 == 0).AtA; // an accepted application, with its participant
        var admin = await fixture.AdminAsync();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{moved.Id}/transfer", new JsonObject { ["lead_provider_id"] = b.Id.ToString() }))
            .ShouldBeOk();
        // DfE's operations on people and applications (issue 26) reach both providers' feeds.
        var person = pairs.First(p => p.I % 2 == 1).AtA; // a person with an application at A and at B
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{person.ParticipantId}/change-email", new JsonObject { ["email"] = null })).ShouldBeOk();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{person.ParticipantId}/change-name", new JsonObject { ["full_name"] = "Renamed Person" }))
            .ShouldBeOk();
        var reverted = pairs.Where(p => p.I % 2 == 0).Skip(1).First().AtA;
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{reverted.Id}/revert-to-pending")).ShouldBeOk();

        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        await stop.CancelAsync();
        var copies = new Dictionary<TestProvider, (List<JsonElement> Items, Dictionary<(string Type, Guid Id), string> Copy)>
        {
            [a] = await crmOfA,
            [b] = await crmOfB,
        };
        foreach (var provider in new[] { a, b })
        {
            var (items, copy) = copies[provider];
            items.Select(i => i.GetProperty("position").GetInt64()).ShouldBe(Enumerable.Range(1, items.Count).Select(i => (long)i)); // no gaps, no repeats

            Same(await ListAsync(provider, "/api/v3/npq-applications"), copy, "npq-application");
            Same(await ListAsync(provider, "/api/v3/participant-declarations"), copy, "participant-declaration");
            Same(await ListAsync(provider, "/api/v3/statements"), copy, "statement");
            Same(await ListAsync(provider, "/api/v3/participants/npq"), copy, "participant");
            string[] types = provider == a ? ["npq-application", "participant", "participant-declaration", "statement"] : ["npq-application", "participant", "statement"];
            copy.Keys.Select(k => k.Type).Distinct().Order().ShouldBe(types); // B holds the transferred, accepted application's participant
        }

        // Each feed holds nothing of the other provider's, apart from the transferred application.
        var (feedOfA, _) = await ChangeFeedFollowing.FollowAsync(a, cursor: null, limit: 7);
        var (feedOfB, _) = await ChangeFeedFollowing.FollowAsync(b, cursor: null, limit: 7);
        var resourcesOfA = feedOfA.Select(i => i.GetProperty("resource_id").GetGuid()).ToHashSet();
        var resourcesOfB = feedOfB.Select(i => i.GetProperty("resource_id").GetGuid()).ToHashSet();
        registeredAtB.Select(r => r.Id).ShouldAllBe(id => !resourcesOfA.Contains(id));
        registeredAtA.Select(r => r.Id).Where(id => id != moved.Id).ShouldAllBe(id => !resourcesOfB.Contains(id));
        // A's accept rejected B's application: B sees its own application updated, named from B's side (ADR 0024).
        feedOfB.ShouldContain(i => i.GetProperty("type").GetString() == "application_updated"
                                   && registeredAtB.Any(r => r.Id == i.GetProperty("resource_id").GetGuid()));
        feedOfA.Last(i => i.GetProperty("resource_id").GetGuid() == moved.Id).GetProperty("type").GetString().ShouldBe("application_removed");
        foreach (var item in feedOfA.Concat(feedOfB))
            item.GetProperty("type").GetString().ShouldBeOneOf(ChangeFeedTypes);
        feedOfA.Select(i => i.GetProperty("id").GetGuid()).ShouldBeUnique();
        feedOfA.Select(i => i.GetProperty("id").GetGuid()).Intersect(feedOfB.Select(i => i.GetProperty("id").GetGuid())).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_transaction_still_open_holds_the_feed_back_and_is_delivered_in_order_when_it_commits()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.RegisterAsync();
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (_, start) = await ChangeFeedFollowing.FollowAsync(provider, "latest", limit: 7);

        // A registration whose transaction stays open, then one that commits after it.
        var held = Guid.NewGuid();
        var person = Guid.NewGuid();
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var session = store.LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            var at = DateTimeOffset.UtcNow;
            session.Events.StartStream(person, new ParticipantRegistered(person, "Held Open", $"held.{person:N}@example.com", null, false, new DateOnly(1980, 1, 1), null, at));
            session.Events.StartStream(held, new ApplicationRegistered(held, person, provider.Id, "npq-headship", 2025, "a",
                new RegistrationAnswers(true, "United Kingdom of Great Britain and Northern Ireland", "GBR", "a_school", true, false, null, "100001", null,
                    null, null, null, null, false, null, false, null, null, null, null, "england"), true, "funded", false, null, at));
            await session.SaveChangesAsync();
        }

        var later = await provider.RegisterAsync();
        await Task.Delay(TimeSpan.FromSeconds(4)); // past the daemon's stale-sequence threshold
        var (waiting, _) = await ChangeFeedFollowing.FollowAsync(provider, start, limit: 7);
        waiting.ShouldBeEmpty(); // the later registration is not delivered before the one still committing

        await transaction.CommitAsync();
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (delivered, _) = await ChangeFeedFollowing.FollowAsync(provider, start, limit: 7);
        delivered.Select(i => i.GetProperty("resource_id").GetGuid()).ShouldBe([held, later.Id]);
        delivered.Select(i => i.GetProperty("position").GetInt64()).ShouldBe([delivered[0].GetProperty("position").GetInt64(), delivered[0].GetProperty("position").GetInt64() + 1]);
    }

    [Fact]
    public async Task Cursors_cannot_be_forged_or_borrowed_and_latest_starts_from_now()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        await a.RegisterAsync();
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (items, cursor) = await ChangeFeedFollowing.FollowAsync(a, cursor: null, limit: 7);
        items.Count.ShouldBe(1);

        var bytes = Convert.FromBase64String(cursor.Replace('-', '+').Replace('_', '/') + "==="[..((4 - (cursor.Length % 4)) % 4)]);
        bytes[8] ^= 1; // another position, the same signature
        var forged = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        foreach (var bad in new[] { forged, "not-a-cursor", cursor + "A", "AQAAAAAAAAAA" })
        {
            var (status, body, _) = await a.GetAsync($"/api/v3/changes?cursor={Uri.EscapeDataString(bad)}");
            status.ShouldBe(HttpStatusCode.BadRequest, bad);
            body.GetProperty("errors")[0].GetProperty("detail").GetString()!.ShouldContain("cursor");
        }

        (await b.GetAsync($"/api/v3/changes?cursor={cursor}")).Status.ShouldBe(HttpStatusCode.BadRequest); // another provider's
        (await a.GetAsync("/api/v3/changes?limit=0")).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await a.GetAsync("/api/v3/changes?limit=1001")).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await a.GetAsync("/api/v1/changes")).Status.ShouldBe(HttpStatusCode.NotFound); // a v3 addition
        using (var anonymous = fixture.Anonymous())
            (await anonymous.GetAsync("/api/v3/changes")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var latest = (await a.GetAsync("/api/v3/changes?cursor=latest")).ShouldBeOkBody();
        latest.GetProperty("data").GetArrayLength().ShouldBe(0);
        latest.GetProperty("has_more").GetBoolean().ShouldBeFalse();
        latest.GetProperty("next_cursor").GetString().ShouldBe(cursor); // the head is where the feed was followed to
        (await b.GetAsync("/api/v3/changes")).ShouldBeOkBody().GetProperty("data").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_cursor_ahead_of_a_feed_restored_to_an_earlier_moment_is_gone_instead_of_skipping_what_came_after()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.RegisterAsync();
        await provider.RegisterAsync();
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (items, cursor) = await ChangeFeedFollowing.FollowAsync(provider, cursor: null);
        items.Count.ShouldBeGreaterThan(1);
        var first = items[0].GetProperty("position").GetInt64();

        // The database as a point-in-time restore leaves it: the provider's feed as it stood after its first item.
        await using (var connection = new NpgsqlConnection(fixture.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var rollback = new NpgsqlCommand(
                "delete from npq.feed_items where provider_id = @provider and position > @first; update npq.feed_heads set position = @first where provider_id = @provider",
                connection);
            rollback.Parameters.AddWithValue("provider", provider.Id);
            rollback.Parameters.AddWithValue("first", first);
            await rollback.ExecuteNonQueryAsync();
        }

        var (status, body, _) = await provider.GetAsync($"/api/v3/changes?cursor={cursor}");
        status.ShouldBe(HttpStatusCode.Gone);
        body.GetProperty("errors")[0].GetProperty("detail").GetString()!.ShouldContain("restored to an earlier moment");

        // Starting again from the beginning works, and leads to a cursor that works.
        var (again, fresh) = await ChangeFeedFollowing.FollowAsync(provider, cursor: null);
        again.Select(i => i.GetProperty("position").GetInt64()).ShouldBe([first]);
        (await provider.GetAsync($"/api/v3/changes?cursor={fresh}")).Status.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>The CRM's copy of one resource type holds the same ids, and the same JSON for each, as the list endpoint.</summary>
    private static void Same(Dictionary<Guid, string> listed, Dictionary<(string Type, Guid Id), string> copy, string type)
    {
        var held = copy.Where(r => r.Key.Type == type).ToDictionary(r => r.Key.Id, r => r.Value);
        held.Keys.Order().ShouldBe(listed.Keys.Order(), $"{type}: the ids the feed led to");
        listed.Where(l => held[l.Key] != l.Value).Select(l => l.Key).ShouldBeEmpty($"{type}: resources whose JSON differs");
    }

    /// <summary>
    /// A CRM's sync loop: follow the feed, read each changed resource at once, store the cursor; after
    /// <paramref name="stop"/>, one last pass. Returns every item seen and the copy it holds.
    /// </summary>
    private static async Task<(List<JsonElement> Items, Dictionary<(string Type, Guid Id), string> Copy)> FollowContinuouslyAsync(TestProvider provider, CancellationToken stop)
    {
        var seen = new List<JsonElement>();
        var copy = new Dictionary<(string Type, Guid Id), string>();
        string? cursor = null;
        while (true)
        {
            var last = stop.IsCancellationRequested;
            var (items, next) = await ChangeFeedFollowing.FollowAsync(provider, cursor, limit: 7);
            seen.AddRange(items);
            await ApplyAsync(provider, items, copy);
            cursor = next;
            if (last)
                return (seen, copy);
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>What a CRM does with the feed: read each changed resource (and its participant) again; keep it, or drop it on 404.</summary>
    private static async Task<Dictionary<(string Type, Guid Id), string>> ApplyAsync(
        TestProvider provider, IEnumerable<JsonElement> items, Dictionary<(string Type, Guid Id), string> copy)
    {
        foreach (var item in items)
        {
            var links = item.GetProperty("links");
            await ReadAsync(item.GetProperty("resource_type").GetString()!, item.GetProperty("resource_id").GetGuid(), links.GetProperty("self").GetString()!);
            if (links.GetProperty("participant").GetString() is { } participant)
                await ReadAsync("participant", item.GetProperty("participant_id").GetGuid(), participant);
        }

        return copy;

        async Task ReadAsync(string type, Guid id, string link)
        {
            var (status, body, _) = await provider.GetAsync(link);
            if (status == HttpStatusCode.OK)
                copy[(type, id)] = body.GetProperty("data").GetRawText();
            else if (status == HttpStatusCode.NotFound)
                copy.Remove((type, id));
            else
                throw new InvalidOperationException($"{link}: {status}");
        }
    }

    private static async Task<Dictionary<Guid, string>> ListAsync(TestProvider provider, string path)
    {
        var all = new Dictionary<Guid, string>();
        for (var page = 1; ; page++)
        {
            var data = (await provider.GetAsync($"{path}?page[per_page]=100&page[page]={page}")).ShouldBeOkBody().GetProperty("data");
            foreach (var item in data.EnumerateArray())
                all[item.GetProperty("id").GetGuid()] = item.GetRawText();
            if (data.GetArrayLength() < 100)
                return all;
        }
    }
}
