using System.Diagnostics;

namespace Npq.IntegrationTests.Support;

/// <summary>The result of one <c>scripts/postgres.sh</c> command in a <see cref="ThrowawayCheckout"/>.</summary>
public sealed record ScriptRun(int ExitCode, string ConnectionString, int Port);

/// <summary>
/// A folder with a copy of <c>scripts/postgres.sh</c>: a "checkout" with a PostgreSQL cluster of its
/// own, on its own port, that a test may start, stop and start again. Removed on dispose.
/// </summary>
public sealed class ThrowawayCheckout : IAsyncDisposable
{
    /// <summary>Tests that start clusters of their own run one at a time (initdb and a server each are heavy on 2 cores).</summary>
    public const string Collection = "Throw-away clusters";

    private ThrowawayCheckout(string folder, string id)
    {
        Folder = folder;
        Id = id;
    }

    public string Folder { get; }

    public string Id { get; }

    public static ThrowawayCheckout Create()
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

        return new ThrowawayCheckout(folder, id);
    }

    public async Task<ScriptRun> RunAsync(string command, string? database = null, bool expectFailure = false)
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
        if (!expectFailure && process.ExitCode != 0)
        {
            var log = Path.Combine(Folder, ".data", "postgres", "server.log");
            var tail = File.Exists(log) ? string.Join("\n", File.ReadLines(log).TakeLast(20)) : "(no server.log)";
            process.ExitCode.ShouldBe(0, $"postgres.sh {command}: {await errors}{await output}\nserver.log:\n{tail}");
        }
        var port = last.Split(';').Where(p => p.StartsWith("Port=", StringComparison.Ordinal)).Select(p => int.Parse(p[5..])).FirstOrDefault();
        return new ScriptRun(process.ExitCode, last, port);
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
