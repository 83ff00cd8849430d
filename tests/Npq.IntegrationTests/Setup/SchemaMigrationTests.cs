using System.Net;
using System.Text.Json;
using Npq.Infrastructure.Persistence.Schema;
using Npq.IntegrationTests.Faults;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Setup;

/// <summary>
/// Issue 28, ADR 0030: the schema comes from the committed migrations, applied by <c>schema apply</c> with a
/// role that may change it; the service runs with a role that can only read and write rows, never changes
/// the schema itself, and stays out of the balancer while the database is behind its code. The service
/// serving with such a role, both versions side by side, is <see cref="RollingUpgradeTests"/>.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class SchemaMigrationTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> NoSchemaChanges = new(FaultSettings.Server) { ["Npq__Schema__ApplyOnStart"] = "false" };

    [Fact]
    public async Task The_committed_migrations_build_exactly_the_schema_the_code_needs()
    {
        await using var database = await TestDatabase.CreateAsync();

        var (code, line) = await ServerProcess.CliAsync(database.ConnectionString, "schema", "apply");
        output.WriteLine(line);
        code.ShouldBe(0,
            "the code needs schema objects that no committed migration creates (listed below): run `scripts/schema.sh new <name>`, " +
            $"review the file it writes in src/Infrastructure/Persistence/Migrations and commit it (ADR 0030). {line}");
        var applied = JsonDocument.Parse(line).RootElement;
        applied.GetProperty("applied").EnumerateArray().Select(e => e.GetString()).ShouldBe(DatabaseSchema.Committed.Select(m => m.Id));
        applied.GetProperty("differences").GetArrayLength().ShouldBe(0);

        var (again, againLine) = await ServerProcess.CliAsync(database.ConnectionString, "schema", "apply");
        again.ShouldBe(0, againLine);
        JsonDocument.Parse(againLine).RootElement.GetProperty("applied").GetArrayLength().ShouldBe(0, "each migration runs once");
        (await ServerProcess.CliAsync(database.ConnectionString, "schema", "check")).ExitCode.ShouldBe(0);

        // A migration that ran is never edited: a different text under the same name is refused.
        await Sql.ExecuteAsync(database.ConnectionString, $"update {DatabaseSchema.History} set sha256 = 'edited' where id = '{DatabaseSchema.Committed[0].Id}'");
        var (edited, editedLine) = await ServerProcess.CliAsync(database.ConnectionString, "schema", "apply");
        edited.ShouldBe(1, editedLine);
        editedLine.ShouldContain("never edited");
    }

    [Fact]
    public async Task A_database_made_by_an_earlier_version_is_adopted_by_the_first_schema_apply()
    {
        await using var database = await TestDatabase.CreateAsync();
        // As the versions before ADR 0030 left it: the schema made by a process at start (Sandbox applies
        // it), no record of migrations, some data, and the limiter's function in its earlier spelling.
        var (providerId, token, adminToken) = await CrmLoad.PrepareDatabaseAsync(database.ConnectionString);
        await Sql.ExecuteAsync(database.ConnectionString, $"drop table if exists {DatabaseSchema.History}");
        await Sql.ExecuteAsync(database.ConnectionString, """
            create or replace function npq.acquire_permit(p_key text, p_limit int, p_window interval)
            returns table(admitted boolean, counted int, oldest timestamptz) language plpgsql as $f$
            begin admitted := true; counted := 0; oldest := now(); return next; end
            $f$
            """);
        (await ServerProcess.CliAsync(database.ConnectionString, "schema", "check")).ExitCode.ShouldBe(20);

        var (code, line) = await ServerProcess.CliAsync(database.ConnectionString, "schema", "apply");
        code.ShouldBe(0, line);
        var result = JsonDocument.Parse(line).RootElement;
        result.GetProperty("adopted").GetBoolean().ShouldBeTrue();
        result.GetProperty("differences").GetArrayLength().ShouldBe(0);
        (await ServerProcess.CliAsync(database.ConnectionString, "schema", "check")).ExitCode.ShouldBe(0);

        // The data is there and the service serves it, without changing the schema itself.
        await using var server = await ServerProcess.StartAsync(database.ConnectionString, NoSchemaChanges);
        using var http = new HttpClient { BaseAddress = server.Address };
        (await ReadinessAsync(http, until: HttpStatusCode.OK)).Status.ShouldBe(HttpStatusCode.OK);
        var load = await CrmLoad.StartingAsync(server.Address, providerId, token, adminToken);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            await load.RunAsync(stop.Token);
        load.Outcomes.ShouldContain(o => o.Status == HttpStatusCode.Created, load.Summary());

        var (again, againLine) = await ServerProcess.CliAsync(database.ConnectionString, "schema", "apply");
        again.ShouldBe(0, againLine);
        JsonDocument.Parse(againLine).RootElement.GetProperty("adopted").GetBoolean().ShouldBeFalse("adopted once");
    }

    [Fact]
    public async Task A_database_behind_the_code_keeps_the_process_out_of_the_balancer_until_the_schema_is_brought_up()
    {
        await using var database = await TestDatabase.CreateAsync();
        (await ServerProcess.CliAsync(database.ConnectionString, "schema", "apply")).ExitCode.ShouldBe(0);
        // As if this version needed a table the database does not have yet.
        await Sql.ExecuteAsync(database.ConnectionString, "drop table npq.feed_heads");

        var (checkCode, checkLine) = await ServerProcess.CliAsync(database.ConnectionString, "schema", "check");
        checkCode.ShouldBe(20, checkLine);
        checkLine.ShouldContain("npq.feed_heads");
        var (applyCode, applyLine) = await ServerProcess.CliAsync(database.ConnectionString, "schema", "apply");
        applyCode.ShouldBe(21, "no migration creates what was dropped by hand: apply says so instead of passing");
        applyLine.ShouldContain("npq.feed_heads");

        await using var server = await ServerProcess.StartAsync(database.ConnectionString, NoSchemaChanges);
        using var http = new HttpClient { BaseAddress = server.Address };
        // Not ready from the start; once compared, readiness says why and what to run.
        var (behind, detail) = await ReadinessAsync(http, until: null, containing: "the database is behind this version");
        behind.ShouldBe(HttpStatusCode.ServiceUnavailable, detail);
        detail.ShouldContain("the database is behind this version");
        detail.ShouldContain("npq.feed_heads");
        (await Sql.ScalarAsync(database.ConnectionString, "select to_regclass('npq.feed_heads') is null")).ShouldBe(true, "the process did not create it");

        // The SQL the code generates, reviewed and run by hand here: readiness follows within its interval.
        var script = Path.GetTempFileName();
        try
        {
            (await ServerProcess.CliAsync(database.ConnectionString, "schema", "script", "--out", script)).ExitCode.ShouldBe(0);
            var sql = await File.ReadAllTextAsync(script);
            sql.ShouldContain("npq.feed_heads");
            await Sql.ExecuteAsync(database.ConnectionString, sql);
        }
        finally
        {
            File.Delete(script);
        }

        var (status, after) = await ReadinessAsync(http, until: HttpStatusCode.OK);
        status.ShouldBe(HttpStatusCode.OK, after);
        after.ShouldContain("the database matches this version");
    }

    /// <summary>Polls readiness (every 250 ms, for up to the watcher's interval and 10 s) until the status or the text wanted; the last answer.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> ReadinessAsync(HttpClient http, HttpStatusCode? until, string? containing = null)
    {
        var deadline = DateTime.UtcNow + SchemaWatcher.Interval + TimeSpan.FromSeconds(10);
        while (true)
        {
            using var response = await http.GetAsync("/health/ready");
            var body = await response.Content.ReadAsStringAsync();
            if ((until is null || response.StatusCode == until) && (containing is null || body.Contains(containing, StringComparison.Ordinal)) || DateTime.UtcNow > deadline)
                return (response.StatusCode, body);
            await Task.Delay(250);
        }
    }
}
