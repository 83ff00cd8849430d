using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Npq.IntegrationTests.Support;

/// <summary>
/// A second, real server process (the built <c>Npq.Api.dll</c> on Kestrel, loopback only) on the
/// same database, for behaviour that must hold across processes. Killed on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log;

    private ServerProcess(Process process, Uri address, System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        _process = process;
        Address = address;
        _log = log;
    }

    /// <summary>SIGKILL: the process dies at once, mid-request, as in a power cut or an OOM kill.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as an orchestrator stops a process; returns once it has exited, with its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill!.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>The last 2,000 lines the server wrote (warnings and errors; see Logging__LogLevel__Default).</summary>
    public IReadOnlyList<string> Log => _log.ToArray();

    public Uri Address { get; }

    /// <param name="dll">Another build of the server (an earlier release); default: this checkout's.</param>
    /// <param name="port">The port to listen on; default: a free one.</param>
    public static async Task<ServerProcess> StartAsync(string connectionString, IDictionary<string, string> settings, string? dll = null, int? port = null)
    {
        var start = StartInfo(connectionString, [dll ?? Dll(), "--urls", $"http://127.0.0.1:{port ??= FreePort()}"]);
        start.Environment["Npq__Seed__OnStart"] = "false";
        foreach (var (key, value) in settings)
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the second server.");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is null)
                return;
            log.Enqueue(line);
            while (log.Count > 2000 && log.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var address = new Uri($"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The second server exited with code {process.ExitCode}.");
            try
            {
                using var response = await client.GetAsync("/api/v3/no-such-route");
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.TooManyRequests)
                    return new ServerProcess(process, address, log);
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The second server did not start within 60 seconds.");
    }

    /// <summary>Runs the server's command line (<c>seed</c>, <c>tokens</c>, <c>projections</c>) on a database; its last line of output and exit code.</summary>
    public static async Task<(int ExitCode, string LastLine)> CliAsync(string connectionString, params string[] arguments)
    {
        var (code, output) = await CliOutputAsync(connectionString, arguments);
        return (code, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "");
    }

    /// <summary>The command line of <paramref name="dll"/> (an earlier release's, or this checkout's when null) with <paramref name="settings"/>.</summary>
    public static async Task<(int ExitCode, string LastLine)> CliAsync(
        string connectionString, IDictionary<string, string> settings, string? dll, params string[] arguments)
    {
        var start = StartInfo(connectionString, [dll ?? Dll(), .. arguments]);
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "");
    }

    /// <summary>The command line's exit code and all it wrote to standard output.</summary>
    public static async Task<(int ExitCode, string Output)> CliOutputAsync(string connectionString, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(connectionString, [Dll(), .. arguments]))!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output);
    }

    /// <summary>
    /// The server in <paramref name="environment"/> with <paramref name="settings"/>, run until it exits or
    /// <paramref name="within"/> passes (then stopped with SIGTERM): its exit code, standard output and error.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunUntilExitAsync(
        string connectionString, string environment, IDictionary<string, string> settings, TimeSpan within)
    {
        var start = StartInfo(connectionString, [Dll(), "--urls", $"http://127.0.0.1:{FreePort()}"]);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment.Remove("Logging__LogLevel__Default");
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(within))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await term!.WaitForExitAsync();
                await process.WaitForExitAsync();
            }
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>The built server (the first argument: its dll) in the Sandbox environment on <paramref name="connectionString"/>, output captured.</summary>
    private static ProcessStartInfo StartInfo(string connectionString, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            // The project folder of the build (bin/<configuration>/net10.0 is three below it): its settings files.
            WorkingDirectory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(arguments.First())!, "..", "..", "..")),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Sandbox";
        start.Environment["ConnectionStrings__Npq"] = connectionString;
        start.Environment["Npq__Tokens__Secret"] = ApiFactory.TokenSecret;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return start;
    }

    private static string Dll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(Repository.Root.FullName, "src", "Api", "bin", configuration, "net10.0", "Npq.Api.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {dll} is missing.");
    }

    /// <summary>
    /// A client whose connections come from a loopback address of its own (127.x.y.z): per-address
    /// limits are kept in the shared database, so requests of other tests from 127.0.0.1 do not count.
    /// </summary>
    public HttpClient ClientFromOwnAddress()
    {
        var local = new IPAddress([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(2, 255)]);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = Address };
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private bool _disposed;

    /// <summary>Kills the process if it still runs; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
