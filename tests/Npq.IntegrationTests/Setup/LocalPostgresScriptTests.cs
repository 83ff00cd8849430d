using Npgsql;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Setup;

/// <summary>
/// scripts/postgres.sh gives each checkout its own cluster on its own port, and reuses a running
/// one, so two checkouts can run and test side by side. Two throw-away "checkouts" (a folder each with
/// a copy of the script) are started at the same time while the suite's own cluster keeps its port.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class LocalPostgresScriptTests
{
    [PostgresInstalledFact]
    public async Task Two_checkouts_get_their_own_clusters_on_their_own_ports_and_reuse_them()
    {
        var first = ThrowawayCheckout.Create();
        var second = ThrowawayCheckout.Create();
        try
        {
            var started = await Task.WhenAll(first.RunAsync("start", "npq"), second.RunAsync("start", "npq"));
            var (a, b) = (started[0], started[1]);
            a.Port.ShouldNotBe(b.Port);
            (await first.RunAsync("start")).Port.ShouldBe(a.Port, "a running cluster of the checkout is reused");
            (await first.RunAsync("status")).Port.ShouldBe(a.Port);
            (await File.ReadAllTextAsync(Path.Combine(first.Folder, ".data", "postgres.port"))).Trim().ShouldBe(a.Port.ToString());

            foreach (var (run, name) in new[] { (a, "first"), (b, "second") })
            {
                await using var connection = new NpgsqlConnection(run.ConnectionString + ";Database=npq;Pooling=false");
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("select current_setting('data_directory')", connection);
                var directory = (string)(await command.ExecuteScalarAsync())!;
                directory.ShouldContain(name == "first" ? first.Id : second.Id, Case.Sensitive, "each checkout's port leads to its own cluster");
            }

            await first.RunAsync("stop");
            (await first.RunAsync("status", expectFailure: true)).ExitCode.ShouldBe(1);
            (await second.RunAsync("status")).Port.ShouldBe(b.Port, "stopping one checkout's cluster leaves the other's running");
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }
}
