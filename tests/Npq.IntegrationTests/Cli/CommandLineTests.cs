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

    [Fact]
    public async Task DfE_operations_run_from_the_command_line_as_from_the_admin_api()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync();

        var (renamed, person) = await ServerProcess.CliAsync(fixture.Database.ConnectionString, "participants", "change-name",
            "--id", application.ParticipantId.ToString(), "--full-name", "Jo Renamed");
        renamed.ShouldBe(0, person);
        var json = System.Text.Json.JsonDocument.Parse(person).RootElement;
        json.GetProperty("full_name").GetString().ShouldBe("Jo Renamed");
        json.GetProperty("previous_names")[0].GetString().ShouldBe("Jo Bloggs");

        var (expired, outcomes) = await ServerProcess.CliAsync(fixture.Database.ConnectionString, "applications", "reject-expired",
            "--ids", application.Id.ToString(), Guid.NewGuid().ToString());
        expired.ShouldBe(0, outcomes);
        System.Text.Json.JsonDocument.Parse(outcomes).RootElement.EnumerateArray().Select(o => o.GetProperty("outcome").GetString())
            .ShouldBe(["rejected", "not_found"]);

        var (reverted, _) = await ServerProcess.CliAsync(fixture.Database.ConnectionString, "applications", "revert-to-pending", "--id", application.Id.ToString());
        reverted.ShouldBe(0);
        var (again, refusal) = await ServerProcess.CliAsync(fixture.Database.ConnectionString, "applications", "revert-to-pending", "--id", application.Id.ToString());
        again.ShouldBe(1);
        refusal.ShouldContain("already pending");
    }
}
