using System.Diagnostics;
using Npgsql;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Setup;

/// <summary>
/// scripts/postgres.sh gives each checkout its own cluster on its own port, and reuses a running
/// one, so two checkouts can run and test side by side. Two throw-away "checkouts" (a folder each with
/// a copy of the script) are started at the same time while the suite's own cluster keeps its port.
/// </summary>
public sealed class LocalPostgresScriptTests
{
    [PostgresInstalledFact]
    public async Task Two_checkouts_get_their_own_clusters_on_their_own_ports_and_reuse_them()
    {
        var first = Checkout.Create();
        var second = Checkout.Create();
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

    private sealed record Run(int ExitCode, string ConnectionString, int Port);

    private sealed class Checkout : IAsyncDisposable
    {
        private Checkout(string folder, string id)
        {
            Folder = folder;
            Id = id;
        }

        public string Folder { get; }

        public string Id { get; }

        public static Checkout Create()
        {
            var id = "npq-script-test-" + Guid.NewGuid().ToString("N")[..12];
            var folder = Path.Combine(Path.GetTempPath(), id);
            Directory.CreateDirectory(Path.Combine(folder, "scripts"));
            File.Copy(Repository.File("scripts", "postgres.sh"), Path.Combine(folder, "scripts", "postgres.sh"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
                File.SetUnixFileMode(Path.Combine(folder, "scripts", "postgres.sh"), (UnixFileMode)0b111_101_101);
            }

            return new Checkout(folder, id);
        }

        public async Task<Run> RunAsync(string command, string? database = null, bool expectFailure = false)
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(Folder, "scripts", "postgres.sh"), command, .. database is null ? Array.Empty<string>() : [database]])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment.Remove("NPQ_PG_PORT");
            start.Environment.Remove("NPQ_PG_DATA");
            start.Environment["NPQ_PG_FAST"] = "1";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            var last = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            if (!expectFailure)
                process.ExitCode.ShouldBe(0, $"postgres.sh {command}: {await errors}");
            var port = last.Split(';').Where(p => p.StartsWith("Port=", StringComparison.Ordinal)).Select(p => int.Parse(p[5..])).FirstOrDefault();
            return new Run(process.ExitCode, last, port);
        }

        public async ValueTask DisposeAsync()
        {
            await RunAsync("stop", expectFailure: true);
            Directory.Delete(Folder, recursive: true);
            var fallback = Path.Combine(Path.GetTempPath(), "npq-postgres-" + Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Folder)))[..12]);
            if (Directory.Exists(fallback))
                Directory.Delete(fallback, recursive: true);
        }
    }
}

/// <summary>Runs where Debian's PostgreSQL binaries are installed; skipped, with the reason, elsewhere.</summary>
public sealed class PostgresInstalledFactAttribute : FactAttribute
{
    public PostgresInstalledFactAttribute()
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            && Directory.GetDirectories("/usr/lib/postgresql").Any(d => File.Exists(Path.Combine(d, "bin", "pg_ctl")));
        if (!installed)
            Skip = "PostgreSQL's binaries are not in /usr/lib/postgresql/*/bin (scripts/postgres.sh would install them as root)";
    }
}
