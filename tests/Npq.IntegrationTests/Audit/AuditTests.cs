using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Infrastructure.Audit;
using Npq.Infrastructure.Tokens;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Audit;

/// <summary>CONTRACT B7: the event log, state as of a moment, and proof that read models equal a replay.</summary>
[Collection(ApiTests.Name)]
public sealed class AuditTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private async Task<HttpClient> AuditorAsync()
    {
        var (token, _) = await fixture.IssueTokenAsync(TokenKind.Auditor);
        return fixture.WithToken(token);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task After_a_full_scenario_the_read_models_equal_a_replay_and_a_corrupted_row_is_caught()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        await a.OpenStatementAsync("2023", Today.AddDays(30));
        var atA = await a.RegisterAsync(r => r["cohort"] = "2023");
        await b.RegisterAsync(r => { r["cohort"] = "2023"; r.AsPersonOf(atA); });
        (await a.AcceptAsync(atA.Id)).ShouldBeOk(); // auto-rejects the application at B
        var declared = (await a.DeclareAsync(atA, "started", "2023-11-01T10:00:00Z")).Body.GetProperty("data").GetProperty("id").GetGuid();
        (await a.DeclareAsync(atA, "retained-1", "2023-12-01T10:00:00Z")).ShouldBeOk();
        (await a.VoidAsync(declared)).ShouldBeOk();
        (await a.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{atA.ParticipantId}/withdraw",
            new JsonObject { ["course_identifier"] = "npq-senior-leadership", ["reason"] = "other" })).ShouldBeOk();

        var verifier = fixture.Services.GetRequiredService<ProjectionVerifier>();
        var report = await verifier.VerifyAsync(CancellationToken.None);
        report.ReadModels.Where(m => !m.Matches).Select(m => $"{m.Name}: {string.Join(",", m.Divergent)}").ShouldBeEmpty();
        report.Ok.ShouldBeTrue();

        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.QueueSqlCommand("update npq.mt_doc_applicationview set data = jsonb_set(data, '{Status}', '\"Pending\"') where id = ?", atA.Id);
            await session.SaveChangesAsync();
        }

        var corrupted = await verifier.VerifyAsync(CancellationToken.None);
        corrupted.Ok.ShouldBeFalse();
        corrupted.ReadModels.Single(m => m.Name == "npq_applications").Divergent.ShouldBe([atA.Id.ToString()]);

        var rebuilt = await verifier.RebuildAsync(CancellationToken.None);
        rebuilt.ReadModels.Single(m => m.Name == "npq_applications").Live.ShouldBeGreaterThan(0);
        var after = await verifier.VerifyAsync(CancellationToken.None);
        after.ReadModels.Where(m => !m.Matches).Select(m => $"{m.Name}: {string.Join(",", m.Divergent)}").ShouldBeEmpty();
        (await a.GetAsync($"/api/v3/npq-applications/{atA.Id}")).ShouldBeOk().GetProperty("status").GetString().ShouldBe("accepted");
    }

    [Fact]
    public async Task State_as_of_a_moment_before_and_after_the_accept_and_by_version()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(r => r["cohort"] = "2023");
        await Task.Delay(1100);
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(1100);
        (await provider.AcceptAsync(application.Id)).ShouldBeOk();
        using var auditor = await AuditorAsync();
        var at = between.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

        var before = await GetJsonAsync(auditor, $"/api/audit/npq-applications/{application.Id}?as_of={at}");
        before.GetProperty("data").GetProperty("attributes").GetProperty("status").GetString().ShouldBe("pending");
        var after = await GetJsonAsync(auditor, $"/api/audit/npq-applications/{application.Id}?as_of={DateTime.UtcNow.AddSeconds(5):yyyy-MM-dd'T'HH:mm:ss'Z'}");
        after.GetProperty("data").GetProperty("attributes").GetProperty("status").GetString().ShouldBe("accepted");

        var version1 = await GetJsonAsync(auditor, $"/api/audit/npq-applications/{application.Id}?version=1");
        version1.GetProperty("data").GetRawText().ShouldBe(before.GetProperty("data").GetRawText());
        var version2 = await GetJsonAsync(auditor, $"/api/audit/npq-applications/{application.Id}?version=2");
        version2.GetProperty("data").GetRawText().ShouldBe(after.GetProperty("data").GetRawText());

        var person = await GetJsonAsync(auditor, $"/api/audit/participants/{application.ParticipantId}?as_of={at}");
        person.GetProperty("data").GetProperty("attributes").GetProperty("npq_enrolments").GetArrayLength().ShouldBe(0);
        (await auditor.GetAsync($"/api/audit/npq-applications/{application.Id}?as_of=2000-01-01T00:00:00Z")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_event_says_who_caused_it_and_the_request_it_came_from()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var other = await fixture.NewLeadProviderAsync();
        var mine = await provider.RegisterAsync(r => r["cohort"] = "2023");
        var theirs = await other.RegisterAsync(r => { r["cohort"] = "2023"; r.AsPersonOf(mine); });
        var accept = await provider.AcceptAsync(mine.Id);
        var requestId = accept.Response.Headers.GetValues("X-Request-Id").Single();
        using var auditor = await AuditorAsync();

        var history = (await GetJsonAsync(auditor, $"/api/audit/streams/{mine.Id}")).GetProperty("data").EnumerateArray().ToList();
        history.Select(e => e.GetProperty("type").GetString()).ShouldBe(["application_registered", "application_accepted"]);
        var accepted = history[1];
        accepted.GetProperty("actor").GetString().ShouldBe($"lead_provider:{provider.TokenId}");
        accepted.GetProperty("request_id").GetString().ShouldBe(requestId);
        accepted.GetProperty("causation").GetString().ShouldBe("AcceptApplication");
        accepted.GetProperty("stream_kind").GetString().ShouldBe("npq_application");
        history[0].GetProperty("actor").GetString().ShouldBe("anonymous");

        var rejected = (await GetJsonAsync(auditor, $"/api/audit/streams/{theirs.Id}")).GetProperty("data")[1];
        rejected.GetProperty("actor").GetString().ShouldBe("system");
        rejected.GetProperty("request_id").GetString().ShouldBe(requestId);
        rejected.GetProperty("data").GetProperty("because_application_accepted").GetGuid().ShouldBe(mine.Id);
    }

    [Fact]
    public async Task Paging_the_log_while_another_task_writes_misses_and_repeats_nothing()
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var auditor = await AuditorAsync();
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        async Task<long> HeadAsync()
        {
            // (Marten's LINQ turns Select(...).OrderByDescending(...).First() into the lowest sequence.)
            await using var session = store.QuerySession();
            return (await session.QueryAsync<long>("select coalesce(max(seq_id), 0) from npq.mt_events")).Single();
        }

        var start = await HeadAsync();

        var writing = Task.Run(async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                for (var i = 0; i < 8; i++)
                    await provider.RegisterAsync(r => r["cohort"] = "2023");
            }));
        });

        // A reader pages forward while the writers run, and on until it has reached the last event
        // written (a page may stop short at a sequence number a transaction still holds).
        var seen = new List<long>();
        var after = start;
        long? last = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (last is null || after < last)
        {
            if (last is null && writing.IsCompleted)
                last = await HeadAsync();

            var page = await GetJsonAsync(auditor, $"/api/audit/events?after={after}&limit=7");
            var sequences = page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
            seen.AddRange(sequences);
            after = page.GetProperty("next_after").GetInt64();
            if (sequences.Count == 0)
                await Task.Delay(50);
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the reader stopped at {after}, the log ends at {last}");
        }

        await writing;
        await using (var session = store.QuerySession())
        {
            var log = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > start).OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync();
            var missed = log.Except(seen).ToList();
            if (missed.Count > 0)
            {
                var detail = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > start).OrderBy(e => e.Sequence)
                    .Select(e => new { e.Sequence, e.EventTypeName, e.Timestamp }).ToListAsync();
                missed.ShouldBeEmpty($"missed; reader ended at {after}, last {last}; " + string.Join(", ", detail.Select(d => $"{d.Sequence}:{d.EventTypeName}@{d.Timestamp:HH:mm:ss.fff}")));
            }
            seen.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty("repeated");
            seen.Except(log).ShouldBeEmpty("not in the log");
            seen.ShouldBe(log); // and in order
            log.Count.ShouldBeGreaterThanOrEqualTo(32 * 2);
        }
    }

    [Fact]
    public async Task Only_auditor_tokens_reach_the_audit_api()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var (admin, _) = await fixture.IssueTokenAsync(TokenKind.Admin);
        foreach (var token in new[] { provider.Token, admin })
        {
            using var client = fixture.WithToken(token);
            (await client.GetAsync("/api/audit/events")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var anonymous = fixture.Anonymous();
        (await anonymous.GetAsync("/api/audit/events")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var auditor = await AuditorAsync();
        (await auditor.GetAsync("/api/audit/events?limit=1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await auditor.GetAsync("/api/v3/npq-applications")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
