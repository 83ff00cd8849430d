using System.Text.Json;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Setup;

/// <summary>
/// Issue 28: in Production standard output carries JSON lines only (a log collector parses every line),
/// and settings that are wrong stop the start with one plain line per problem, all at once.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class ProductionStartTests
{
    private static readonly Dictionary<string, string> Production = new()
    {
        ["Npq__Tokens__Secret"] = "a-production-secret-of-more-than-32-characters",
        ["Npq__Audit__SigningKey"] = "Zk9yIHRoZSB0ZXN0OiBub3QgYSByZWFsIGtleSEhISE=",
        ["Npq__Metrics__Port"] = "off",
    };

    [Fact]
    public async Task Production_writes_only_json_lines_to_standard_output()
    {
        await using var database = await TestDatabase.CreateAsync();
        (await ServerProcess.CliAsync(database.ConnectionString, "schema", "apply")).ExitCode.ShouldBe(0);

        var (_, output, error) = await ServerProcess.RunUntilExitAsync(database.ConnectionString, "Production", Production, TimeSpan.FromSeconds(8));

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldNotBeEmpty(error);
        foreach (var line in lines)
            Should.NotThrow(() => JsonDocument.Parse(line), $"not a JSON line: {line}");
        lines.ShouldContain(l => l.Contains("Now listening on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_settings_stop_the_start_with_one_line_per_problem()
    {
        await using var database = await TestDatabase.CreateAsync();
        var wrong = new Dictionary<string, string>(Production)
        {
            ["Npq__Tokens__Secret"] = "short",
            ["Npq__RateLimit__PermitsPerToken"] = "0",
            ["Npq__Audit__CheckpointEvery"] = "0",
        };
        wrong.Remove("Npq__Audit__SigningKey");

        var (code, _, error) = await ServerProcess.RunUntilExitAsync(database.ConnectionString, "Production", wrong, TimeSpan.FromSeconds(30));

        code.ShouldBe(2, error);
        var problems = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        problems.ShouldAllBe(line => line.StartsWith("configuration: ", StringComparison.Ordinal));
        problems.Length.ShouldBe(4, error);
        error.ShouldContain("Npq:Tokens:Secret must be set to at least 32 characters");
        error.ShouldContain("Npq:RateLimit values must be positive");
        error.ShouldContain("Npq:Audit checkpoint settings must be positive");
        error.ShouldContain("Production refuses to start without an audit signing key");
    }
}
