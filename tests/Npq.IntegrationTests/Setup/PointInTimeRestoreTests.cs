using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npq.IntegrationTests.Faults;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Setup;

/// <summary>
/// Issue 28: the backup and point-in-time restore of docs/operations.md, rehearsed with
/// <c>scripts/pitr.sh</c> on a cluster of the test's own. Write; take a base backup; write more; note
/// the moment; write more; restore to that moment into a new data directory; start the service on it.
/// It serves what was true then and the tokens of then still work. Until the restore is recorded the
/// auditor's verifier sees a rollback; <c>audit record-restore</c> (ADR 0033) records it, signed, in the
/// log: the verifier then reports a lawful restore, and every CRM cursor from before it, behind the
/// restored head or ahead of it, is told to resync (410) instead of skipping what comes next.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class PointInTimeRestoreTests(ITestOutputHelper output)
{
    [PostgresInstalledFact]
    public async Task A_restore_to_a_moment_serves_what_was_true_then_and_cursors_from_after_it_resync()
    {
        await using var checkout = ThrowawayCheckout.Create();
        var work = Directory.CreateTempSubdirectory("npq-pitr-").FullName;
        var archive = Path.Combine(work, "archive");
        var restored = Path.Combine(work, "restored");
        Directory.CreateDirectory(archive);
        await OwnAsync(work);
        var restoredPort = 0;
        try
        {
            // A cluster that archives its WAL (the settings the script prints), restarted to take them.
            var started = await checkout.RunAsync("start", "npq");
            var archiving = (await RunAsync("bash", [Repository.File("scripts", "pitr.sh"), "archive-settings", archive])).Output;
            // The cluster's folder: in the checkout, or where postgres.sh falls back when the postgres user cannot reach it.
            var data = new[] { Path.Combine(checkout.Folder, ".data", "postgres"), Path.Combine(Path.GetTempPath(), "npq-postgres-" + Fallback(checkout.Folder)) }
                .First(d => File.Exists(Path.Combine(d, "PG_VERSION")));
            await File.AppendAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), archiving);
            await checkout.RunAsync("stop");
            started = await checkout.RunAsync("start", "npq");
            var database = started.ConnectionString + ";Database=npq";

            var (providerId, token, _) = await CrmLoad.PrepareDatabaseAsync(database);
            List<Guid> before, between, after;
            string cursorBefore, cursorAfter;
            DateTime moment;
            // The checkpoints' second place, outside the database: a restore does not take it back in time.
            var checkpoints = Path.Combine(work, "checkpoints");
            var settings = new Dictionary<string, string>(FaultSettings.Server)
            {
                ["Npq__Audit__CheckpointDirectory"] = checkpoints,
                ["Npq__Audit__CheckpointEvery"] = "1",
            };
            await using (var server = await ServerProcess.StartAsync(database, settings))
            {
                before = await RegisterAsync(server, providerId, 3);
                cursorBefore = await CaughtUpCursorAsync(server, token, database);
                var backup = await RunAsync("bash", [Repository.File("scripts", "pitr.sh"), "backup", $"postgresql://postgres@127.0.0.1:{started.Port}/postgres", Path.Combine(work, "backup")]);
                backup.ExitCode.ShouldBe(0, backup.Output);
                between = await RegisterAsync(server, providerId, 3);
                await Task.Delay(1100);
                moment = (DateTime)(await Sql.ScalarAsync(database, "select now() at time zone 'utc'"))!;
                await Task.Delay(1100);
                after = await RegisterAsync(server, providerId, 3);
                cursorAfter = await CaughtUpCursorAsync(server, token, database);
                await SealedAndSignedAsync(database); // copies of checkpoints beyond the moment are outside the database
                await WaitForArchiveAsync(database);
                output.WriteLine($"restoring to {moment:O}");

                await checkout.RunAsync("stop");
                var restore = await RunAsync("bash", [Repository.File("scripts", "pitr.sh"), "restore", Path.Combine(work, "backup"), archive,
                    moment.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", System.Globalization.CultureInfo.InvariantCulture), restored]);
                restore.ExitCode.ShouldBe(0, restore.Output);
            }

            // PostgreSQL on the restored directory, on a port of its own: it replays up to the moment and opens.
            restoredPort = ServerProcess.FreePort();
            var pgCtl = Path.Combine(Directory.GetDirectories("/usr/lib/postgresql").Order().Last(), "bin", "pg_ctl");
            var up = await AsPostgresAsync(pgCtl, ["-D", restored, "-l", Path.Combine(work, "restored.log"), "-w", "-t", "120",
                "-o", $"-p {restoredPort} -c listen_addresses=127.0.0.1 -c max_connections=300 -k {work}", "start"]); // settings at least the primary's
            up.ExitCode.ShouldBe(0, up.Output + Tail(Path.Combine(work, "restored.log")));
            var restoredDatabase = $"Host=127.0.0.1;Port={restoredPort};Username=postgres;Database=npq";
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((bool)(await Sql.ScalarAsync(restoredDatabase, "select pg_is_in_recovery()"))!)
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the restored cluster is still replaying");
                await Task.Delay(250);
            }

            (await ServerProcess.CliAsync(restoredDatabase, "schema", "check")).ExitCode.ShouldBe(0);
            // Before the restore is recorded, the auditor's verifier sees the log taken back in time.
            var (rolledBack, rolledBackLine) = await ServerProcess.CliAsync(restoredDatabase, "audit", "verify", "--checkpoints-dir", checkpoints);
            rolledBack.ShouldBe(14, rolledBackLine);

            var (recordedCode, recordedLine) = await ServerProcess.CliAsync(restoredDatabase, "audit", "record-restore",
                "--reason", "Restored to before a faulty bulk import (change 4711)", "--restored-to", moment.ToString("O"), "--checkpoints-dir", checkpoints);
            output.WriteLine(recordedLine);
            recordedCode.ShouldBe(0, recordedLine);
            var recorded = JsonDocument.Parse(recordedLine).RootElement;
            recorded.GetProperty("epoch").GetInt32().ShouldBe(1);
            recorded.GetProperty("abandoned_checkpoints").GetArrayLength().ShouldBeGreaterThan(0, "checkpoints were signed after the moment");

            await using var again = await ServerProcess.StartAsync(restoredDatabase, settings);
            using var http = Client(again, token); // the token of before the backup still works
            var listed = await ListedAsync(http);
            // Exactly what was written before the moment: nothing written after it.
            listed.Order().ShouldBe(before.Concat(between).Order());
            after.ShouldNotContain(id => listed.Contains(id));

            // Every cursor from before the restore is void, wherever it points: resync from the beginning.
            foreach (var old in new[] { cursorBefore, cursorAfter })
            {
                using var response = await http.GetAsync($"/api/v3/changes?cursor={old}");
                var body = await response.Content.ReadAsStringAsync();
                response.StatusCode.ShouldBe(HttpStatusCode.Gone, body);
                body.ShouldContain("Resync");
            }

            // A resync from the beginning gives cursors of the new epoch, which keep working.
            var first = JsonDocument.Parse(await http.GetStringAsync("/api/v3/changes?limit=2")).RootElement;
            using (var next = await http.GetAsync($"/api/v3/changes?cursor={first.GetProperty("next_cursor").GetString()}"))
                next.StatusCode.ShouldBe(HttpStatusCode.OK, await next.Content.ReadAsStringAsync());

            // The log goes on after the restore; the verifier reports the lawful restore, not a rollback.
            await RegisterAsync(again, providerId, 3);
            await SealedAndSignedAsync(restoredDatabase);
            var (verified, verifiedLine) = await ServerProcess.CliAsync(restoredDatabase, "audit", "verify", "--checkpoints-dir", checkpoints);
            output.WriteLine(verifiedLine);
            verified.ShouldBe(0, verifiedLine);
            var lawful = JsonDocument.Parse(verifiedLine).RootElement.GetProperty("restores").EnumerateArray().Single();
            lawful.GetProperty("epoch").GetInt32().ShouldBe(1);
            lawful.GetProperty("reason").GetString().ShouldBe("Restored to before a faulty bulk import (change 4711)");
            lawful.GetProperty("explained_copies").GetInt32().ShouldBe(recorded.GetProperty("abandoned_checkpoints").GetArrayLength());
            (await ServerProcess.CliAsync(restoredDatabase, "projections", "verify")).ExitCode.ShouldBe(0);
        }
        finally
        {
            if (restoredPort != 0)
            {
                var pgCtl = Path.Combine(Directory.GetDirectories("/usr/lib/postgresql").Order().Last(), "bin", "pg_ctl");
                await AsPostgresAsync(pgCtl, ["-D", restored, "-m", "immediate", "-w", "stop"]);
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<List<Guid>> RegisterAsync(ServerProcess server, Guid providerId, int count)
    {
        var ids = new List<Guid>();
        using var anonymous = server.ClientFromOwnAddress();
        for (var i = 0; i < count; i++)
        {
            var sent = await CrmLoad.SendAsync(anonymous, "register", HttpMethod.Post, "/api/registrations", ApiFixture.ValidRegistration(providerId), key: null);
            sent.Status.ShouldBe(HttpStatusCode.Created, sent.Body);
            ids.Add(sent.Id!.Value);
        }

        return ids;
    }

    private static HttpClient Client(ServerProcess server, string token)
    {
        var http = server.ClientFromOwnAddress();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<List<Guid>> ListedAsync(HttpClient http)
    {
        var body = JsonNode.Parse(await http.GetStringAsync("/api/v3/npq-applications?page[per_page]=100"))!;
        return [.. body["data"]!.AsArray().Select(a => Guid.Parse(a!["id"]!.GetValue<string>()))];
    }

    /// <summary>Follows the provider's feed to its end, once every event is in it; the last cursor.</summary>
    private static async Task<string> CaughtUpCursorAsync(ServerProcess server, string token, string database)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(bool)(await Sql.ScalarAsync(database, "select coalesce((select last_sequence from npq.feed_state), 0) >= (select max(seq_id) from npq.mt_events)"))!)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the change feed did not catch up");
            await Task.Delay(200);
        }

        using var http = Client(server, token);
        string? cursor = null;
        while (true)
        {
            var page = JsonDocument.Parse(await http.GetStringAsync("/api/v3/changes?limit=1000" + (cursor is null ? "" : $"&cursor={cursor}"))).RootElement;
            cursor = page.GetProperty("next_cursor").GetString()!;
            if (!page.GetProperty("has_more").GetBoolean())
                return cursor;
        }
    }

    /// <summary>Waits until every event is sealed and the last checkpoint covers them all.</summary>
    private static async Task SealedAndSignedAsync(string database)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(bool)(await Sql.ScalarAsync(database,
                   "select coalesce((select last_sequence >= (select max(seq_id) from npq.mt_events) and checkpoint_size = size from npq.audit_log_state), false)"))!)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the sealer did not seal and sign every event");
            await Task.Delay(200);
        }
    }

    /// <summary>Ends the current WAL segment and waits until the archive holds it.</summary>
    private static async Task WaitForArchiveAsync(string database)
    {
        var segment = (string)(await Sql.ScalarAsync(database, "select pg_walfile_name(pg_switch_wal())"))!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Sql.ScalarAsync(database, "select last_archived_wal from pg_stat_archiver")) is not string last || string.CompareOrdinal(last, segment) < 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the WAL segment {segment} was not archived");
            await Task.Delay(250);
        }
    }

    /// <summary>As root, the folder is given to the postgres user (PostgreSQL refuses to run as root).</summary>
    private static async Task OwnAsync(string folder)
    {
        if (Environment.UserName == "root")
            (await RunAsync("chown", ["-R", "postgres", folder])).ExitCode.ShouldBe(0);
    }

    private static Task<(int ExitCode, string Output)> AsPostgresAsync(string file, IEnumerable<string> arguments) =>
        Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments]) : RunAsync(file, arguments);

    private static string Fallback(string folder) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..12];

    private static Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments) =>
        Programs.RunAsync(file, arguments, TimeSpan.FromMinutes(3));

    private static string Tail(string log) => File.Exists(log) ? "\n" + string.Join("\n", File.ReadLines(log).TakeLast(20)) : "";
}
