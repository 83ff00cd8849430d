using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Faults;

/// <summary>
/// Eight CRMs writing at once, as issue 15 describes them: each registers a participant, accepts the
/// application and declares <c>started</c>, every write with an <c>Idempotency-Key</c> of its own, sent
/// again with the same key after a 503, a 502/504 from a balancer, a 409 or no answer at all until it is answered (against
/// whichever server is current). Afterwards <see cref="AssertExactlyOnceAsync"/> compares the event log
/// with what the clients were told.
/// </summary>
internal sealed class CrmLoad
{
    public const int Clients = 8;

    private readonly ConcurrentBag<Outcome> _outcomes = [];
    private readonly string _token;
    private readonly Guid _providerId;
    private volatile HttpClient _http;

    private CrmLoad(Guid providerId, string token, Uri server)
    {
        _providerId = providerId;
        _token = token;
        _http = Client(server, token);
    }

    public IReadOnlyList<Outcome> Outcomes => _outcomes.ToList();

    /// <summary>
    /// Reference data, a provider's token and an admin token on an empty database the test's servers will
    /// use. On the shared test server the database is replaced by a copy of one prepared once per run
    /// (PostgreSQL copies its files in a fraction of a second; the three commands that prepare it take
    /// about 10 s); on a cluster of a test's own, the commands run on it.
    /// </summary>
    public static async Task<(Guid ProviderId, string Token, string AdminToken)> PrepareDatabaseAsync(string connectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        if (Environment.GetEnvironmentVariable(TestDatabase.Variable) is not { Length: > 0 } shared
            || new NpgsqlConnectionStringBuilder(shared) is var server && (server.Host != target.Host || server.Port != target.Port || server.Username != target.Username))
            return await PrepareWithCommandsAsync(connectionString);

        await TemplateLock.WaitAsync();
        try
        {
            _template ??= await PrepareTemplateAsync(shared);
        }
        finally
        {
            TemplateLock.Release();
        }

        var (name, prepared) = _template.Value;
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(shared) { Database = "postgres", Pooling = false }.ConnectionString;
        await Sql.ExecuteAsync(admin, $"drop database \"{target.Database}\" with (force)");
        await Sql.ExecuteAsync(admin, $"create database \"{target.Database}\" template \"{name}\"");
        return prepared;
    }

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static (string Name, (Guid, string, string) Prepared)? _template;

    /// <summary>The prepared database of this run (the templates of earlier runs are dropped first).</summary>
    private static async Task<(string, (Guid, string, string))> PrepareTemplateAsync(string server)
    {
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            var old = new List<string>();
            await using (var list = new NpgsqlCommand("select datname from pg_database where datname like 'npq_crm_template_%'", connection))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    old.Add(reader.GetString(0));
            }

            foreach (var name in old)
            {
                await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }

        var template = $"npq_crm_template_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
        await Sql.ExecuteAsync(admin, $"create database \"{template}\"");
        var prepared = await PrepareWithCommandsAsync(new NpgsqlConnectionStringBuilder(server) { Database = template }.ConnectionString);
        return (template, prepared);
    }

    private static async Task<(Guid ProviderId, string Token, string AdminToken)> PrepareWithCommandsAsync(string connectionString)
    {
        (await ServerProcess.CliAsync(connectionString, "seed", "--reference-only")).ExitCode.ShouldBe(0);
        var (code, issued) = await ServerProcess.CliAsync(connectionString, "tokens", "issue", "--lead-provider", "Teach First");
        code.ShouldBe(0, issued);
        var (adminCode, adminIssued) = await ServerProcess.CliAsync(connectionString, "tokens", "issue", "--kind", "admin", "--name", "fault test");
        adminCode.ShouldBe(0, adminIssued);
        var token = JsonDocument.Parse(issued).RootElement;
        return (Guid.Parse(token.GetProperty("lead_provider_id").GetString()!), token.GetProperty("token").GetString()!,
            JsonDocument.Parse(adminIssued).RootElement.GetProperty("token").GetString()!);
    }

    /// <summary>Opens the 2024 statement the declarations land on, then returns a load ready to start.</summary>
    public static async Task<CrmLoad> StartingAsync(Uri server, Guid providerId, string token, string adminToken)
    {
        using var admin = Client(server, adminToken);
        var deadline = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        var opened = await SendAsync(admin, "statement", HttpMethod.Post, "/api/admin/statements", new JsonObject
        {
            ["lead_provider_id"] = providerId.ToString(), ["cohort"] = "2024", ["year"] = deadline.Year, ["month"] = deadline.Month,
            ["deadline_date"] = deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["payment_date"] = deadline.AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["courses"] = new JsonArray("npq-senior-leadership"),
        }, key: null);
        opened.Status.ShouldBe(HttpStatusCode.OK, opened.Body);
        return new CrmLoad(providerId, token, server);
    }

    /// <summary>Points the clients at another server (a restarted process on another port).</summary>
    public void SwitchTo(Uri server) => _http = Client(server, _token);

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            var attributes = ApiFixture.ValidRegistration(_providerId);
            attributes["cohort"] = "2024";
            var registrationKey = Guid.NewGuid().ToString();
            var registration = await UntilAnsweredAsync(() => SendAsync(_http, "register", HttpMethod.Post, "/api/registrations", attributes, registrationKey), stop);
            if (registration?.Status != HttpStatusCode.Created)
                continue;
            var acceptKey = Guid.NewGuid().ToString();
            var accepted = await UntilAnsweredAsync(() => SendAsync(_http, "accept", HttpMethod.Post,
                $"/api/v3/npq-applications/{registration.Id}/accept", new JsonObject { ["funded_place"] = false }, acceptKey, registration.Id), stop);
            if (accepted?.Status != HttpStatusCode.OK)
                continue;
            var participantId = Guid.Parse(JsonDocument.Parse(registration.Body).RootElement.GetProperty("data").GetProperty("attributes").GetProperty("participant_id").GetString()!);
            var declarationKey = Guid.NewGuid().ToString();
            await UntilAnsweredAsync(() => SendAsync(_http, "declare", HttpMethod.Post, "/api/v1/participant-declarations", new JsonObject
            {
                ["participant_id"] = participantId.ToString(), ["declaration_type"] = "started",
                ["declaration_date"] = "2024-11-01T10:00:00Z", ["course_identifier"] = "npq-senior-leadership",
            }, declarationKey, participantId), stop);
        }
    })));

    public string Summary() => string.Join(", ", Outcomes.GroupBy(o => (o.Kind, o.Status)).OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Status)
        .Select(g => $"{g.Key.Kind} {(g.Key.Status == 0 ? "no answer" : ((int)g.Key.Status).ToString(CultureInfo.InvariantCulture))}: {g.Count()}"));

    /// <summary>
    /// Every acknowledged write is in the log exactly once, no key made two, nothing is half written
    /// (an application without its participant), every registration's email was delivered once, and
    /// <c>projections verify</c> passes.
    /// </summary>
    public async Task AssertExactlyOnceAsync(string connectionString)
    {
        var final = Outcomes.Where(o => o.Final).ToList();
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        var registered = await IdsAsync(connection, "select stream_id from npq.mt_events where type = 'application_registered'");
        var accepted = await IdsAsync(connection, "select stream_id from npq.mt_events where type = 'application_accepted'");
        var declared = await IdsAsync(connection, "select (data->>'ParticipantId')::uuid from npq.mt_events where type = 'declaration_submitted'");
        var acknowledgedRegistrations = final.Where(o => o.Kind == "register" && o.Status == HttpStatusCode.Created).Select(o => o.Id!.Value).ToList();
        var acknowledgedAccepts = final.Where(o => o.Kind == "accept" && o.Status == HttpStatusCode.OK).Select(o => o.Id!.Value).ToList();
        var acknowledgedDeclarations = final.Where(o => o.Kind == "declare" && o.Status == HttpStatusCode.OK).Select(o => o.Id!.Value).ToList();

        acknowledgedRegistrations.ShouldNotBeEmpty();
        acknowledgedRegistrations.ShouldBeUnique("a retried key is answered with the first response, never a second application");
        registered.ShouldBeUnique();
        accepted.ShouldBeUnique();
        declared.ShouldBeUnique();
        foreach (var id in acknowledgedRegistrations)
            registered.Count(r => r == id).ShouldBe(1, $"registration {id} was acknowledged");
        foreach (var id in acknowledgedAccepts)
            accepted.Count(a => a == id).ShouldBe(1, $"accept of {id} was acknowledged");
        foreach (var id in acknowledgedDeclarations)
            declared.Count(d => d == id).ShouldBe(1, $"the declaration for {id} was acknowledged");
        final.Where(o => o.Kind != "register" && o.Status is not (HttpStatusCode.OK or HttpStatusCode.Created))
            .ShouldBeEmpty("every accept and declaration of an acknowledged registration is taken");

        // Retried until answered, every registration is acknowledged but those the test stopped
        // waiting for: at most one per client.
        registered.Except(acknowledgedRegistrations).Count().ShouldBeLessThanOrEqualTo(Clients);
        await using (var orphans = new NpgsqlCommand(
            "select count(*) from npq.mt_doc_applicationview a where not exists (select 1 from npq.mt_doc_participantview p where p.id = a.participant_id)", connection))
            ((long)(await orphans.ExecuteScalarAsync())!).ShouldBe(0);

        // The outbox: one registration email per application, delivered once.
        var deadline = Stopwatch.StartNew();
        long missing;
        do
        {
            await using var command = new NpgsqlCommand(
                "select count(*) from npq.mt_doc_applicationview a where not exists (select 1 from npq.mt_doc_sentemail e where (e.data->>'ApplicationId')::uuid = a.id and e.data->>'Template' = 'registration_submitted')",
                connection);
            missing = (long)(await command.ExecuteScalarAsync())!;
            if (missing > 0)
                await Task.Delay(500);
        }
        while (missing > 0 && deadline.Elapsed < TimeSpan.FromSeconds(90));
        missing.ShouldBe(0, "every registration's email leaves the outbox");
        await using (var twice = new NpgsqlCommand("select count(*) from npq.mt_doc_sentemail where (data->>'Deliveries')::int <> 1", connection))
            ((long)(await twice.ExecuteScalarAsync())!).ShouldBe(0, "no email is delivered twice");

        var (verifyCode, verify) = await ServerProcess.CliAsync(connectionString, "projections", "verify");
        verifyCode.ShouldBe(0, verify);
        JsonDocument.Parse(verify).RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue(verify);
    }

    private async Task<Outcome?> UntilAnsweredAsync(Func<Task<Outcome>> send, CancellationToken stop)
    {
        while (true)
        {
            var outcome = await send();
            var retry = outcome.Status is 0 or HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;
            _outcomes.Add(retry ? outcome : outcome with { Final = true });
            if (!retry)
                return outcome;
            if (stop.IsCancellationRequested)
                return null;
            await Task.Delay(200, CancellationToken.None);
        }
    }

    private static HttpClient Client(Uri server, string token)
    {
        var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
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

    public static async Task<Outcome> SendAsync(HttpClient http, string kind, HttpMethod method, string path, JsonObject? attributes, string? key, Guid? id = null)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (attributes is not null)
                request.Content = new StringContent(new JsonObject { ["data"] = new JsonObject { ["attributes"] = attributes.DeepClone() } }.ToJsonString(), Encoding.UTF8, "application/json");
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

    public sealed record Outcome(string Kind, HttpStatusCode Status, Guid? Id, string Body, bool RetryAfter, bool IsJsonError, TimeSpan Elapsed, DateTimeOffset At)
    {
        /// <summary>The answer the client acted on (the last attempt of its key).</summary>
        public bool Final { get; init; }
    }
}
