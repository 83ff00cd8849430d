using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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

        await using var server = await ServerProcess.StartAsync(connectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerToken"] = "1000000",
            ["Npq__RateLimit__PermitsPerIp"] = "1000000",
            ["Npq__Registration__Enabled"] = "true",
        });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());

        var outcomes = new ConcurrentBag<Outcome>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var registration = await SendAsync(http, "register", HttpMethod.Post, "/api/registrations", ApiFixture.ValidRegistration(providerId));
                outcomes.Add(registration);
                if (registration.Status == HttpStatusCode.Created)
                    outcomes.Add(await SendAsync(http, "accept", HttpMethod.Post, $"/api/v3/npq-applications/{registration.Id}/accept", new JsonObject { ["funded_place"] = false }, registration.Id));
                else
                    await Task.Delay(50);
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
        output.WriteLine(string.Join(", ", all.GroupBy(o => (o.Kind, o.Status)).OrderBy(g => g.Key.Kind).Select(g => $"{g.Key.Kind} {(int)g.Key.Status}: {g.Count()}")));
        all.Where(o => (int)o.Status >= 500 && o.Status != HttpStatusCode.ServiceUnavailable)
            .ShouldBeEmpty("no 5xx but 503: " + string.Join(" | ", all.Where(o => (int)o.Status >= 500 && o.Status != HttpStatusCode.ServiceUnavailable).Take(3).Select(o => o.Body)));
        all.ShouldNotContain(o => o.Status == 0, "every request was answered within the client's timeout");
        var unavailable = all.Where(o => o.Status == HttpStatusCode.ServiceUnavailable).ToList();
        unavailable.ShouldNotBeEmpty("the load ran into the outage");
        unavailable.ShouldAllBe(o => o.RetryAfter && o.IsJsonError);
        all.Where(o => o.Elapsed > TimeSpan.FromSeconds(15)).ShouldBeEmpty("no request hangs through the outage");
        readinessWhileDown.ShouldContain(HttpStatusCode.ServiceUnavailable);
        (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        all.Where(o => o.Kind == "register" && o.Status == HttpStatusCode.Created && o.At > upAgainAt)
            .ShouldNotBeEmpty("the same process registers again once the database is back");
        all.Where(o => o.Kind == "accept" && o.Status == HttpStatusCode.OK && o.At > upAgainAt)
            .ShouldNotBeEmpty("the same process accepts again once the database is back; after it, accepts answered: " +
                string.Join(" | ", all.Where(o => o.Kind == "accept" && o.At > upAgainAt).GroupBy(o => (o.Status, o.Body)).Select(g => $"{g.Count()}× {(int)g.Key.Status} {g.Key.Body}").Take(5)));

        // The log against what the clients were told.
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        var registered = await IdsAsync(connection, "select stream_id from npq.mt_events where type = 'application_registered'");
        var accepted = await IdsAsync(connection, "select stream_id from npq.mt_events where type = 'application_accepted'");
        var acknowledgedRegistrations = all.Where(o => o.Kind == "register" && o.Status == HttpStatusCode.Created).Select(o => o.Id!.Value).ToList();
        var acknowledgedAccepts = all.Where(o => o.Kind == "accept" && o.Status == HttpStatusCode.OK).Select(o => o.Id!.Value).ToList();
        foreach (var id in acknowledgedRegistrations)
            registered.Count(r => r == id).ShouldBe(1, $"registration {id} was acknowledged");
        foreach (var id in acknowledgedAccepts)
            accepted.Count(a => a == id).ShouldBe(1, $"accept of {id} was acknowledged");

        // A write whose request failed is either wholly there (its commit raced the outage and only the
        // answer was lost) or not at all; an application without its participant, or an accept twice, is not.
        accepted.ShouldBeUnique();
        registered.ShouldBeUnique();
        var unacknowledged = registered.Except(acknowledgedRegistrations).Count();
        unacknowledged.ShouldBeLessThanOrEqualTo(all.Count(o => o.Kind == "register" && o.Status != HttpStatusCode.Created && o.Status != HttpStatusCode.UnprocessableEntity));
        await using (var orphans = new NpgsqlCommand(
            "select count(*) from npq.mt_doc_applicationview a where not exists (select 1 from npq.mt_doc_participantview p where p.id = a.participant_id)", connection))
            ((long)(await orphans.ExecuteScalarAsync())!).ShouldBe(0);

        var (verifyCode, verify) = await ServerProcess.CliAsync(connectionString, "projections", "verify");
        verifyCode.ShouldBe(0, verify);
        JsonDocument.Parse(verify).RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue(verify);
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

    private static async Task<Outcome> SendAsync(HttpClient http, string kind, HttpMethod method, string path, JsonObject? attributes, Guid? id = null)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (attributes is not null)
                request.Content = JsonContent.Create(new JsonObject { ["data"] = new JsonObject { ["attributes"] = attributes } });
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

    private sealed record Outcome(string Kind, HttpStatusCode Status, Guid? Id, string Body, bool RetryAfter, bool IsJsonError, TimeSpan Elapsed, DateTimeOffset At);
}
