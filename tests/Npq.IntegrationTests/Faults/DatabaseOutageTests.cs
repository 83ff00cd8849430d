using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Faults;

/// <summary>
/// Issue 15: PostgreSQL stops for ten seconds under a write load and starts again. A server process
/// of its own, on a cluster of its own (a throw-away checkout of scripts/postgres.sh), takes
/// registrations and accepts from 8 clients throughout. During the outage every answer is a 503 JSON
/// error with <c>Retry-After</c>, within the clients' timeout, and readiness says 503; afterwards the
/// same process serves again. Every acknowledged write is in the event log exactly once, nothing a
/// failed request began is half there, and <c>projections verify</c> passes.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class DatabaseOutageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [PostgresInstalledFact]
    public async Task A_database_outage_under_load_answers_503_and_the_same_process_serves_again_without_losing_a_write()
    {
        await using var checkout = ThrowawayCheckout.Create();
        var started = await checkout.RunAsync("start", "npq");
        var connectionString = started.ConnectionString + ";Database=npq";
        (await ServerProcess.CliAsync(connectionString, "seed", "--reference-only")).ExitCode.ShouldBe(0);
        var (issuedCode, issued) = await ServerProcess.CliAsync(connectionString, "tokens", "issue", "--lead-provider", "Teach First");
        issuedCode.ShouldBe(0, issued);
        var token = JsonDocument.Parse(issued).RootElement;
        var providerId = Guid.Parse(token.GetProperty("lead_provider_id").GetString()!);
        var (adminCode, adminIssued) = await ServerProcess.CliAsync(connectionString, "tokens", "issue", "--kind", "admin", "--name", "outage test");
        adminCode.ShouldBe(0, adminIssued);

        await using var server = await ServerProcess.StartAsync(connectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerToken"] = "1000000",
            ["Npq__RateLimit__PermitsPerIp"] = "1000000",
            ["Npq__Registration__Enabled"] = "true",
        });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        using (var admin = new HttpClient { BaseAddress = server.Address })
        {
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(adminIssued).RootElement.GetProperty("token").GetString());
            var deadline = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
            var opened = await SendAsync(admin, "statement", HttpMethod.Post, "/api/admin/statements", new JsonObject
            {
                ["lead_provider_id"] = providerId.ToString(), ["cohort"] = "2024", ["year"] = deadline.Year, ["month"] = deadline.Month,
                ["deadline_date"] = deadline.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["payment_date"] = deadline.AddMonths(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["courses"] = new JsonArray("npq-senior-leadership"),
            }, key: null);
            opened.Status.ShouldBe(HttpStatusCode.OK, opened.Body);
        }

        var outcomes = new ConcurrentBag<Outcome>();
        using var stop = new CancellationTokenSource();
        // Each client registers, accepts and declares, as a CRM would: every write with a key of its own,
        // sent again with the same key after a 503, a 409 or no answer, until it is answered.
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var attributes = ApiFixture.ValidRegistration(providerId);
                attributes["cohort"] = "2024";
                var registration = await UntilAnsweredAsync(outcomes, () => SendAsync(http, "register", HttpMethod.Post, "/api/registrations", attributes, Guid.NewGuid().ToString()), stop.Token);
                if (registration?.Status != HttpStatusCode.Created)
                    continue;
                var acceptKey = Guid.NewGuid().ToString();
                var accepted = await UntilAnsweredAsync(outcomes, () => SendAsync(http, "accept", HttpMethod.Post,
                    $"/api/v3/npq-applications/{registration.Id}/accept", new JsonObject { ["funded_place"] = false }, acceptKey, registration.Id), stop.Token);
                if (accepted?.Status != HttpStatusCode.OK)
                    continue;
                var participantId = Guid.Parse(JsonDocument.Parse(registration.Body).RootElement.GetProperty("data").GetProperty("attributes").GetProperty("participant_id").GetString()!);
                var declarationKey = Guid.NewGuid().ToString();
                await UntilAnsweredAsync(outcomes, () => SendAsync(http, "declare", HttpMethod.Post, "/api/v1/participant-declarations", new JsonObject
                {
                    ["participant_id"] = participantId.ToString(), ["declaration_type"] = "started",
                    ["declaration_date"] = "2024-11-01T10:00:00Z", ["course_identifier"] = "npq-senior-leadership",
                }, declarationKey, participantId), stop.Token);
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        await checkout.RunAsync("stop");
        var down = Stopwatch.StartNew();
        var readinessWhileDown = new List<HttpStatusCode>();
        while (down.Elapsed < Outage)
        {
            using (var ready = await http.GetAsync("/health/ready"))
                readinessWhileDown.Add(ready.StatusCode);
            await Task.Delay(500);
        }

        await checkout.RunAsync("start", "npq");
        var upAgainAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        var all = outcomes.ToList();
        var final = all.Where(o => o.Final).ToList();
        output.WriteLine(string.Join(", ", all.GroupBy(o => (o.Kind, o.Status)).OrderBy(g => g.Key.Kind).Select(g => $"{g.Key.Kind} {(int)g.Key.Status}: {g.Count()}")));
        all.Where(o => (int)o.Status >= 500 && o.Status != HttpStatusCode.ServiceUnavailable)
            .ShouldBeEmpty("no 5xx but 503; the server said: " + string.Join("\n", server.Log.Where(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).Take(12)));
        all.ShouldNotContain(o => o.Status == 0, "every request was answered within the client's timeout");
        var unavailable = all.Where(o => o.Status == HttpStatusCode.ServiceUnavailable).ToList();
        unavailable.ShouldNotBeEmpty("the load ran into the outage");
        unavailable.ShouldAllBe(o => o.RetryAfter && o.IsJsonError);
        all.Where(o => o.Elapsed > TimeSpan.FromSeconds(15)).ShouldBeEmpty("no request hangs through the outage");
        readinessWhileDown.ShouldContain(HttpStatusCode.ServiceUnavailable);
        (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        all.Where(o => o.Kind == "register" && o.Status == HttpStatusCode.Created && o.At > upAgainAt)
            .ShouldNotBeEmpty("the same process registers again once the database is back");
        all.Where(o => o.Kind == "declare" && o.Status == HttpStatusCode.OK && o.At > upAgainAt)
            .ShouldNotBeEmpty("the same process takes declarations again once the database is back; after it, declarations answered: " +
                string.Join(" | ", all.Where(o => o.Kind == "declare" && o.At > upAgainAt).GroupBy(o => (o.Status, o.Body)).Select(g => $"{g.Count()}× {(int)g.Key.Status} {g.Key.Body}").Take(5)));
        all.Where(o => o.Kind == "accept" && o.Status == HttpStatusCode.OK && o.At > upAgainAt)
            .ShouldNotBeEmpty("the same process accepts again once the database is back; after it, accepts answered: " +
                string.Join(" | ", all.Where(o => o.Kind == "accept" && o.At > upAgainAt).GroupBy(o => (o.Status, o.Body)).Select(g => $"{g.Count()}× {(int)g.Key.Status} {g.Key.Body}").Take(5)));

        // The log against what the clients were told.
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        var registered = await IdsAsync(connection, "select stream_id from npq.mt_events where type = 'application_registered'");
        var accepted = await IdsAsync(connection, "select stream_id from npq.mt_events where type = 'application_accepted'");
        var declared = await IdsAsync(connection, "select (data->>'ParticipantId')::uuid from npq.mt_events where type = 'declaration_submitted'");
        var acknowledgedRegistrations = final.Where(o => o.Kind == "register" && o.Status == HttpStatusCode.Created).Select(o => o.Id!.Value).ToList();
        var acknowledgedAccepts = final.Where(o => o.Kind == "accept" && o.Status == HttpStatusCode.OK).Select(o => o.Id!.Value).ToList();
        var acknowledgedDeclarations = final.Where(o => o.Kind == "declare" && o.Status == HttpStatusCode.OK).Select(o => o.Id!.Value).ToList();
        acknowledgedRegistrations.ShouldBeUnique("a retried key is answered with the first response, never a second application");
        foreach (var id in acknowledgedDeclarations)
            declared.Count(d => d == id).ShouldBe(1, $"the declaration for {id} was acknowledged");
        declared.ShouldBeUnique();
        final.Where(o => o.Kind == "declare" && o.Status != HttpStatusCode.OK).ShouldBeEmpty("every declaration is taken once its participant is accepted");
        foreach (var id in acknowledgedRegistrations)
            registered.Count(r => r == id).ShouldBe(1, $"registration {id} was acknowledged");
        foreach (var id in acknowledgedAccepts)
            accepted.Count(a => a == id).ShouldBe(1, $"accept of {id} was acknowledged");

        // A write whose request failed is either wholly there (its commit raced the outage and only the
        // answer was lost) or not at all; an application without its participant, or an accept twice, is not.
        accepted.ShouldBeUnique();
        registered.ShouldBeUnique();
        // Retried until answered, every registration is acknowledged, except those the test stopped
        // waiting for (at most one per client).
        registered.Except(acknowledgedRegistrations).Count().ShouldBeLessThanOrEqualTo(8);
        await using (var orphans = new NpgsqlCommand(
            "select count(*) from npq.mt_doc_applicationview a where not exists (select 1 from npq.mt_doc_participantview p where p.id = a.participant_id)", connection))
            ((long)(await orphans.ExecuteScalarAsync())!).ShouldBe(0);

        var (verifyCode, verify) = await ServerProcess.CliAsync(connectionString, "projections", "verify");
        verifyCode.ShouldBe(0, verify);
        JsonDocument.Parse(verify).RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue(verify);
    }

    /// <summary>Sends until a final answer (neither 503, 409, nor none); each attempt is recorded, the last marked final.</summary>
    private static async Task<Outcome?> UntilAnsweredAsync(ConcurrentBag<Outcome> outcomes, Func<Task<Outcome>> send, CancellationToken stop)
    {
        while (true)
        {
            var outcome = await send();
            var retry = outcome.Status is 0 or HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict;
            outcomes.Add(retry ? outcome : outcome with { Final = true });
            if (!retry)
                return outcome;
            if (stop.IsCancellationRequested)
                return null;
            await Task.Delay(200, CancellationToken.None);
        }
    }

    private static async Task<List<Guid>> IdsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static async Task<Outcome> SendAsync(HttpClient http, string kind, HttpMethod method, string path, JsonObject? attributes, string? key, Guid? id = null)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (attributes is not null)
                request.Content = new StringContent(new JsonObject { ["data"] = new JsonObject { ["attributes"] = attributes.DeepClone() } }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            if (key is not null)
                request.Headers.Add("Idempotency-Key", key);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var json = response.Content.Headers.ContentType?.MediaType == "application/json" ? TryParse(body) : null;
            var isError = json?.RootElement.TryGetProperty("errors", out _) == true || json?.RootElement.TryGetProperty("error", out _) == true;
            var createdId = response.StatusCode == HttpStatusCode.Created ? Guid.Parse(json!.RootElement.GetProperty("data").GetProperty("id").GetString()!) : id;
            return new Outcome(kind, response.StatusCode, createdId, body, response.Headers.RetryAfter is not null, isError, watch.Elapsed, DateTimeOffset.UtcNow);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new Outcome(kind, 0, id, exception.Message, false, false, watch.Elapsed, DateTimeOffset.UtcNow);
        }
    }

    private static JsonDocument? TryParse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Outcome(string Kind, HttpStatusCode Status, Guid? Id, string Body, bool RetryAfter, bool IsJsonError, TimeSpan Elapsed, DateTimeOffset At)
    {
        /// <summary>The answer the client acted on (the last attempt of its key).</summary>
        public bool Final { get; init; }
    }
}
