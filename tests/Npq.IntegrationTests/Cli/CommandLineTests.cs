using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Cli;

/// <summary>
/// The executable's commands (issue 16: on System.CommandLine): help on every command without a
/// database, exit code 1 with the parser's message on bad arguments, and the JSON line on success.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class CommandLineTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("tokens", "--help")]
    [InlineData("tokens", "issue", "--help")]
    [InlineData("statements", "open", "--help")]
    [InlineData("projections", "verify", "--help")]
    public async Task Every_command_has_help_and_needs_no_database_for_it(params string[] arguments)
    {
        var (code, output) = await ServerProcess.CliOutputAsync("Host=127.0.0.1;Port=1;Username=nobody", arguments);

        code.ShouldBe(0);
        output.ShouldContain("Usage:");
        output.ShouldContain("--help");
    }

    [Theory]
    [InlineData("tokens", "issue")]
    [InlineData("tokens", "issue", "--lead-provider", "x", "--kind", "admin")]
    [InlineData("tokens", "issue", "--kind", "superuser")]
    [InlineData("statements", "mark-paid", "--id", "not-a-guid")]
    [InlineData("statements", "open", "--lead-provider", "x")]
    [InlineData("tokens", "revoke")]
    public async Task Bad_arguments_exit_with_1_before_touching_the_database(params string[] arguments)
    {
        var (code, _) = await ServerProcess.CliAsync("Host=127.0.0.1;Port=1;Username=nobody", arguments);

        code.ShouldBe(1);
    }

    [Fact]
    public async Task A_command_prints_its_json_and_a_refusal_exits_with_1()
    {
        var (issued, token) = await ServerProcess.CliAsync(fixture.Database.ConnectionString, "tokens", "issue", "--kind", "auditor", "--name", "cli test");
        issued.ShouldBe(0, token);
        System.Text.Json.JsonDocument.Parse(token).RootElement.GetProperty("token").GetString()!.ShouldStartWith("npq_");

        var (refused, error) = await ServerProcess.CliAsync(fixture.Database.ConnectionString, "applications", "transfer",
            "--id", Guid.NewGuid().ToString(), "--to-lead-provider", "nobody at all");
        refused.ShouldBe(1);
        error.ShouldContain("No lead provider is called 'nobody at all'");
    }
}
