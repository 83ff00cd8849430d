using System.Diagnostics;

namespace Npq.IntegrationTests.Support;

/// <summary>Runs a program to its end (or a time limit): its exit code and what it wrote.</summary>
public static class Programs
{
    /// <param name="environment">When given, the whole environment of the program (nothing inherited).</param>
    public static Process Start(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (environment is not null)
        {
            start.Environment.Clear();
            foreach (var (key, value) in environment)
                start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    /// <returns>The exit code, and standard output followed by standard error (or standard output alone).</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string file, IEnumerable<string> arguments, TimeSpan within, IDictionary<string, string>? environment = null, bool standardOutputOnly = false)
    {
        using var process = Start(file, arguments, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, standardOutputOnly ? await stdout : await stdout + await stderr);
    }
}
