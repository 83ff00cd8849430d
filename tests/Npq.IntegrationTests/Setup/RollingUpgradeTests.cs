using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Npq.IntegrationTests.Faults;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Setup;

/// <summary>
/// Issue 28: the rolling upgrade of docs/operations.md, rehearsed. The previous release (built from this
/// clone's history by <c>scripts/previous-release.sh</c>) serves production: its schema applied by its own
/// job, its process running as a role that can only read and write rows. While eight CRMs write and one
/// follows the change feed through the balancer, this version's migration job runs, a process of this
/// version joins once it is ready, both serve, and the old one is stopped with SIGTERM. Nothing
/// acknowledged is lost or doubled, the feed follower never sees an error or a gap, and
/// <c>projections verify</c> and <c>audit verify</c> pass afterwards.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class RollingUpgradeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_previous_release_and_this_one_serve_side_by_side_while_clients_write_and_nothing_is_lost()
    {
        var previous = await PreviousReleaseAsync();
        await using var database = await TestDatabase.CreateAsync();
        var role = $"npq_rows_{Guid.NewGuid():N}"[..20];
        await Sql.ExecuteAsync(database.ConnectionString, $"create role {role} login password 'rows-only'");
        var rowsOnly = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = "rows-only" }.ConnectionString;
        var service = new Dictionary<string, string>(FaultSettings.Server) { ["Npq__Schema__ApplyOnStart"] = "false", ["Npq__Audit__CheckpointInterval"] = "00:00:02" };
        try
        {
            // 1. Production as it is: the previous release's migration job, then its process as the rows-only role.
            var (oldApply, oldApplyLine) = await ServerProcess.CliAsync(database.ConnectionString, service, previous, "schema", "apply", "--grant-to", role);
            oldApply.ShouldBe(0, oldApplyLine);
            await RowsOnlyAsync(rowsOnly);
            var (providerId, token, adminToken) = await PrepareAsync(rowsOnly, service, previous);
            await using var old = await ServerProcess.StartAsync(rowsOnly, service, previous);
            var newPort = ServerProcess.FreePort();
            await using var balancer = await Balancer.StartAsync([old.Address, new Uri($"http://127.0.0.1:{newPort}")]);

            var load = await CrmLoad.StartingAsync(balancer.Address, providerId, token, adminToken);
            using var stop = new CancellationTokenSource();
            var writing = load.RunAsync(stop.Token);
            var follower = new FeedFollower(balancer.Address, token);
            var following = follower.RunAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(2));

            // 2. The deploy: this version's migration job while the old release serves.
            var (apply, applyLine) = await ServerProcess.CliAsync(database.ConnectionString, service, null, "schema", "apply", "--grant-to", role);
            output.WriteLine(applyLine);
            apply.ShouldBe(0, applyLine);
            JsonDocument.Parse(applyLine).RootElement.GetProperty("applied").GetArrayLength().ShouldBeGreaterThan(0, "this version adds to the schema");
            await RowsOnlyAsync(rowsOnly);

            // 3. A process of this version joins the balancer once it is ready; both serve the same data.
            await using var current = await ServerProcess.StartAsync(rowsOnly, service, null, newPort);
            await ReadyAsync(current.Address);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var fromOld = await ListedAsync(old.Address, token);
            var fromNew = await ListedAsync(current.Address, token);
            fromOld.ShouldNotBeEmpty();
            fromOld.ShouldBeSubsetOf(fromNew, "both versions serve one database: what the old one lists, the new one lists a moment later");

            // 4. The old process leaves as an orchestrator stops it.
            (await old.TerminateAsync(TimeSpan.FromSeconds(40))).ShouldBe(0);
            var oldGoneAt = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(2));
            await stop.CancelAsync();
            await writing;
            await following;

            output.WriteLine(load.Summary());
            output.WriteLine(follower.Summary());
            // The balancer may send a request to the new process before its first probe, and to the old one as it
            // stops: a 502 or 503 then, retried with the same key as the guidance says. Never a 500, and every
            // write's final answer is a success.
            load.Outcomes.Where(o => o.Status == HttpStatusCode.InternalServerError).ShouldBeEmpty(load.Summary());
            load.Outcomes.Where(o => o.Final && (int)o.Status >= 400).ShouldBeEmpty(load.Summary());
            load.Outcomes.Where(o => o.At > oldGoneAt && o.Status is HttpStatusCode.OK or HttpStatusCode.Created).ShouldNotBeEmpty("this version serves on alone");
            await load.AssertExactlyOnceAsync(database.ConnectionString); // also: every email sent once, and projections verify
            follower.Failures.ShouldBeEmpty("a CRM following the feed across both versions is never refused a cursor");

            // 5. Afterwards: the feed has every change once and in order; the read models and the log verify.
            await CaughtUpAsync(database.ConnectionString);
            var (items, _) = await FeedFollower.ReadAllAsync(current.Address, token);
            items.ShouldBe(Enumerable.Range(1, items.Count).Select(i => (long)i), "positions 1, 2, 3, … with no gaps");
            follower.Positions.ShouldBe(items.Take(follower.Positions.Count), "what the follower saw during the upgrade is the feed's beginning");
            var (audit, auditLine) = await ServerProcess.CliAsync(database.ConnectionString, "audit", "verify");
            audit.ShouldBe(0, auditLine);

            // 6. A person the previous release sealed (in the plain form, before ADR 0040) is erased by this one:
            // the log still verifies, their events counted as erased before commitments.
            var plainPerson = (string)(await Sql.ScalarAsync(database.ConnectionString,
                "select e.data->>'ParticipantId' from npq.mt_events e join npq.audit_log_leaves l on l.sequence = e.seq_id where l.form = 0 and e.type = 'participant_registered' limit 1"))!;
            using (var admin = new HttpClient { BaseAddress = current.Address })
            {
                admin.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
                using var erased = await admin.PostAsJsonAsync($"/api/admin/participants/{plainPerson}/erase-personal-data",
                    new { data = new { attributes = new { reason = "UK GDPR Article 17 request, ticket 99" } } });
                erased.StatusCode.ShouldBe(HttpStatusCode.OK, await erased.Content.ReadAsStringAsync());
            }

            await CaughtUpAsync(database.ConnectionString);
            var (afterErasure, afterErasureLine) = await ServerProcess.CliAsync(database.ConnectionString, "audit", "verify");
            output.WriteLine(afterErasureLine);
            afterErasure.ShouldBe(0, afterErasureLine);
            JsonDocument.Parse(afterErasureLine).RootElement.GetProperty("erased_before_commitments").GetInt64().ShouldBeGreaterThan(0);
            // From outside too, once a checkpoint covers the erasure: the erasure, itself in the log, explains those
            // events' data, and nothing else. (Before that checkpoint, the outside verifier rightly reports their data.)
            var signedAll = DateTime.UtcNow.AddSeconds(30);
            while (!(bool)(await Sql.ScalarAsync(database.ConnectionString,
                       "select coalesce((select max(size) from npq.audit_log_checkpoints), 0) >= (select count(*) from npq.mt_events)"))!)
            {
                DateTime.UtcNow.ShouldBeLessThan(signedAll, "no checkpoint covered the erasure");
                await Task.Delay(200);
            }

            var (_, issued) = await ServerProcess.CliAsync(database.ConnectionString, service, null, "tokens", "issue", "--kind", "auditor", "--name", "upgrade auditor");
            using var anyone = new HttpClient { BaseAddress = current.Address };
            var key = (await anyone.GetFromJsonAsync<JsonElement>("/api/audit/log-key")).GetProperty("data").GetProperty("verifier_key").GetString()!;
            var (outsideExit, outside) = await Audit.Python.RunAsync("verify_log.py", current.Address.ToString(), "--key", key,
                "--token", JsonDocument.Parse(issued).RootElement.GetProperty("token").GetString()!);
            output.WriteLine(outside);
            outsideExit.ShouldBe(0, outside);
            JsonDocument.Parse(outside).RootElement.GetProperty("erased_before_commitments").GetInt32().ShouldBeGreaterThan(0);
            // Both versions' requests, sealer, change feed and outbox ran as the rows-only role without a refusal.
            old.Log.Concat(current.Log).Where(l => l.Contains("permission denied", StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty();
        }
        finally
        {
            await Sql.ExecuteAsync(database.ConnectionString, $"drop owned by {role}");
            await database.DisposeAsync();
            await Sql.ExecuteAsync(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres" }.ConnectionString, $"drop role if exists {role}");
        }
    }

    /// <summary>The previous release's server, built once from this clone's history.</summary>
    private static async Task<string> PreviousReleaseAsync()
    {
        await Warmups.PreviousReleaseAsync();
        var (code, text) = await Programs.RunAsync("bash", [Repository.File("scripts", "previous-release.sh")], TimeSpan.FromMinutes(5));
        code.ShouldBe(0, $"scripts/previous-release.sh: {text}");
        // Its one line on standard output is the path; the build's own lines (on the first run) go to standard error.
        var dll = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).LastOrDefault(l => l.EndsWith("Npq.Api.dll", StringComparison.Ordinal)) ?? "";
        File.Exists(dll).ShouldBeTrue(text);
        return dll;
    }

    /// <summary>Reference data and tokens, written by the previous release's own command line.</summary>
    private static async Task<(Guid ProviderId, string Token, string AdminToken)> PrepareAsync(string connectionString, Dictionary<string, string> settings, string dll)
    {
        (await ServerProcess.CliAsync(connectionString, settings, dll, "seed", "--reference-only")).ExitCode.ShouldBe(0);
        var (code, issued) = await ServerProcess.CliAsync(connectionString, settings, dll, "tokens", "issue", "--lead-provider", "Teach First");
        code.ShouldBe(0, issued);
        var (adminCode, adminIssued) = await ServerProcess.CliAsync(connectionString, settings, dll, "tokens", "issue", "--kind", "admin", "--name", "upgrade test");
        adminCode.ShouldBe(0, adminIssued);
        var lead = JsonDocument.Parse(issued).RootElement;
        return (Guid.Parse(lead.GetProperty("lead_provider_id").GetString()!), lead.GetProperty("token").GetString()!,
            JsonDocument.Parse(adminIssued).RootElement.GetProperty("token").GetString()!);
    }

    /// <summary>The service's role may change rows, never the schema (ADR 0030).</summary>
    private static async Task RowsOnlyAsync(string rowsOnly)
    {
        (await Should.ThrowAsync<PostgresException>(() => Sql.ExecuteAsync(rowsOnly, "create table npq.intruder (id int)"))).SqlState
            .ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await Should.ThrowAsync<PostgresException>(() => Sql.ExecuteAsync(rowsOnly, "truncate npq.mt_events"))).SqlState
            .ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    private static async Task ReadyAsync(Uri server)
    {
        using var http = new HttpClient { BaseAddress = server };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync("/health/ready");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                (await response.Content.ReadAsStringAsync()).ShouldContain("the database matches this version");
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, await response.Content.ReadAsStringAsync());
            await Task.Delay(250);
        }
    }

    private static async Task<List<string>> ListedAsync(Uri server, string token)
    {
        using var http = new HttpClient { BaseAddress = server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var body = JsonDocument.Parse(await http.GetStringAsync("/api/v3/npq-applications?page[per_page]=3000")).RootElement;
        return [.. body.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];
    }

    private static async Task CaughtUpAsync(string connectionString)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(bool)(await Sql.ScalarAsync(connectionString,
                   "select coalesce((select last_sequence from npq.feed_state), 0) >= (select max(seq_id) from npq.mt_events) " +
                   "and coalesce((select last_sequence from npq.audit_log_state), 0) >= (select max(seq_id) from npq.mt_events)"))!)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the change feed and the sealer did not catch up");
            await Task.Delay(200);
        }
    }

    /// <summary>A CRM polling the change feed through the balancer, so its cursor passes between the two versions.</summary>
    private sealed class FeedFollower(Uri balancer, string token)
    {
        public List<long> Positions { get; } = [];

        public List<string> Failures { get; } = [];

        private int _pages;

        public async Task RunAsync(CancellationToken stop)
        {
            using var http = Client(balancer, token);
            string? cursor = null;
            while (!stop.IsCancellationRequested)
            {
                using var response = await http.GetAsync("/api/v3/changes?limit=50" + (cursor is null ? "" : $"&cursor={cursor}"), CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway)
                    continue; // a process starting or stopping: retried, as the guidance says
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Failures.Add($"{(int)response.StatusCode}: {body}");
                    return;
                }

                _pages++;
                var page = JsonDocument.Parse(body).RootElement;
                Positions.AddRange(page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("position").GetInt64()));
                cursor = page.GetProperty("next_cursor").GetString();
                if (!page.GetProperty("has_more").GetBoolean())
                    await Task.Delay(200, CancellationToken.None);
            }
        }

        public string Summary() => $"feed follower: {_pages} pages, {Positions.Count} items, failures: {string.Join("; ", Failures)}";

        public static async Task<(List<long> Positions, string Cursor)> ReadAllAsync(Uri server, string token)
        {
            using var http = Client(server, token);
            var positions = new List<long>();
            string? cursor = null;
            while (true)
            {
                var page = JsonDocument.Parse(await http.GetStringAsync("/api/v3/changes?limit=1000" + (cursor is null ? "" : $"&cursor={cursor}"))).RootElement;
                positions.AddRange(page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("position").GetInt64()));
                cursor = page.GetProperty("next_cursor").GetString()!;
                if (!page.GetProperty("has_more").GetBoolean())
                    return (positions, cursor);
            }
        }

        private static HttpClient Client(Uri server, string token)
        {
            var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http;
        }
    }
}
