using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Npq.Bench;

/// <summary>
/// Issue 30's figure: the auditors' standard-library verifier (docs/auditing/verify_log.py) checking the
/// whole sealed log over HTTP, from the built server (Release) run on the bench's database with the log's
/// own key and origin; an auditor token is issued by the server's own command.
/// </summary>
public static class OutsideVerifier
{
    public sealed record Result(int ExitCode, long Leaves, double Seconds, long Requests, string Output);

    public static async Task<Result> RunAsync(string connection, string apiDll, string seed, string origin, string verifierKey)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Npq"] = connection,
            ["ASPNETCORE_ENVIRONMENT"] = "Sandbox",
            ["Npq__Seed__OnStart"] = "false",
            ["Npq__Audit__SigningKey"] = seed,
            ["Npq__Audit__Origin"] = origin,
            ["Npq__RateLimit__PermitsPerIp"] = "100000000",
            ["Npq__RateLimit__PermitsPerToken"] = "100000000",
        };
        var issued = await RunAsync(apiDll, environment, "tokens", "issue", "--kind", "auditor", "--name", "bench verifier");
        var token = JsonDocument.Parse(issued.Trim().Split('\n')[^1]).RootElement.GetProperty("token").GetString()!;

        var port = FreePort();
        using var server = Start(apiDll, environment, "--urls", $"http://127.0.0.1:{port}");
        try
        {
            using var http = new HttpClient();
            for (var i = 0; i < 240; i++)
            {
                try
                {
                    if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"))).StatusCode == HttpStatusCode.OK)
                        break;
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(500);
            }

            var script = Path.GetFullPath(Path.Combine("docs", "auditing", "verify_log.py")); // bench/run.sh runs from the repository's root
            var start = new ProcessStartInfo("python3", [Path.GetFullPath(script), $"http://127.0.0.1:{port}", "--key", verifierKey, "--token", token])
            {
                RedirectStandardOutput = true,
            };
            using var python = Process.Start(start)!;
            var output = await python.StandardOutput.ReadToEndAsync();
            await python.WaitForExitAsync();
            var report = JsonDocument.Parse(output).RootElement;
            return new Result(python.ExitCode, report.GetProperty("leaves_checked").GetInt64(), report.GetProperty("seconds").GetDouble(),
                report.GetProperty("requests").GetInt64(), output.Trim());
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>The built server's executable with these settings and arguments, its output captured.</summary>
    private static ProcessStartInfo StartInfo(string dll, Dictionary<string, string> environment, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        return start;
    }

    private static Process Start(string dll, Dictionary<string, string> environment, params string[] arguments)
    {
        var process = Process.Start(StartInfo(dll, environment, arguments))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> RunAsync(string dll, Dictionary<string, string> environment, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(dll, environment, arguments))!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        _ = await error;
        return output;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
