using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Npq.Bench;

/// <summary>
/// Issue 24: does one address's flood cost the others? An honest provider pages at a steady rate
/// (20 requests/s, pages of 100) while a flooder on a loopback address of its own sends as fast as
/// <see cref="FloodClients"/> connections allow: readiness probes, requests with a made-up token, and
/// anonymous empty registrations. Prints the honest provider's p50, p99 and rate without and with each
/// flood, side by side from one run, and the server's CPU per refused request beside its CPU per
/// served page of 1 (from /proc). Asserts nothing.
/// </summary>
public static class FloodBench
{
    private const int HonestRate = 20;
    private const int FloodClients = 256;
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(12);

    public static async Task<int> RunAsync(Dictionary<string, string> options)
    {
        var url = options["url"];
        var token = options["token"];
        var serverPid = int.Parse(options["server-pid"], CultureInfo.InvariantCulture);
        var flooderAddress = IPAddress.Parse(options.GetValueOrDefault("flooder-address", "127.0.0.2"));

        var urlUndelayed = options["url-undelayed"];
        var undelayedPid = int.Parse(options["undelayed-pid"], CultureInfo.InvariantCulture);

        // 100 applications for the honest provider to page through (within the address's limit of 300).
        using (var registrar = new HttpClient { BaseAddress = new Uri(url) })
        {
            for (var i = 0; i < 100; i++)
            {
                using var registered = await registrar.PostAsync("/api/registrations", new StringContent(BenchRegistration.Body(
                    $"Flood Bench {i}", $"flood.{Guid.NewGuid():N}@example.com", (8_000_000 + i).ToString(CultureInfo.InvariantCulture),
                    "npq-headship", options["provider-id"], "2025").ToJsonString(), Encoding.UTF8, "application/json"));
                registered.EnsureSuccessStatusCode();
            }
        }

        var floods = new (string Label, Func<HttpRequestMessage> Request)[]
        {
            ("GET /health/ready", () => new HttpRequestMessage(HttpMethod.Get, "/health/ready")),
            ("GET /api/v3/npq-applications, made-up token", () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/npq-applications");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "npq_made-up-token-of-a-flooder-0000000000000000");
                return request;
            }),
            ("POST /api/registrations {}, anonymous", () => new HttpRequestMessage(HttpMethod.Post, "/api/registrations")
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            }),
        };

        var rows = new List<string[]>();
        double servedCpu = 0;
        foreach (var (server, pid, how) in new[] { (url, serverPid, "refusals answered late (as served)"), (urlUndelayed, undelayedPid, "refusals answered at once") })
        {
            using var honest = new HttpClient { BaseAddress = new Uri(server) };
            honest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var flooder = FromAddress(server, flooderAddress);

            // Warm both paths; the CPU of a served page of 1, alone; then fill the flooder's window.
            for (var i = 0; i < 200; i++)
                (await honest.GetAsync("/api/v3/npq-applications?page[per_page]=1")).Dispose();
            var served = await CpuPerRequestAsync(pid, 2000, () => honest.GetAsync("/api/v3/npq-applications?page[per_page]=1"));
            servedCpu = servedCpu == 0 ? served : servedCpu;
            await Task.WhenAll(Enumerable.Range(0, 400).Select(async _ =>
            {
                using var request = floods[2].Request();
                (await flooder.SendAsync(request)).Dispose();
            }));

            var idleBefore = CpuMeter.Seconds(pid);
            var baseline = await HonestAsync(honest, Phase, CancellationToken.None);
            var baselineCpuPerSecond = (CpuMeter.Seconds(pid) - idleBefore) / Phase.TotalSeconds; // the honest provider's and the background's
            rows.Add([$"{how}: no flood", Format(baseline), "", "", $"served page of 1: {served * 1_000_000:F0} µs", ""]);
            foreach (var (label, make) in floods)
            {
                using var stop = new CancellationTokenSource();
                var cpuBefore = CpuMeter.Seconds(pid);
                var flood = FloodAsync(flooder, make, stop.Token);
                await Task.Delay(1000); // the flood at full speed before the honest provider starts
                var during = await HonestAsync(honest, Phase, CancellationToken.None);
                await stop.CancelAsync();
                var (count, statuses, seconds) = await flood;
                // The server's CPU beyond what the same time cost without the flood, per flood request.
                var floodCpu = Math.Max(0, CpuMeter.Seconds(pid) - cpuBefore - (baselineCpuPerSecond * seconds)) / Math.Max(1, count);
                rows.Add([
                    $"{how}: {label}", Format(during), $"{count / seconds:F0}/s ({string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value:N0}"))})",
                    $"{during.P99 / baseline.P99:F2}× p99, {during.Rate / baseline.Rate:F2}× rate",
                    floodCpu > 0 ? $"{floodCpu * 1_000_000:F0} µs" : "below /proc's 10 ms resolution", floodCpu > 0 ? $"{floodCpu / served:F2}" : "",
                ]);
            }
        }

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; honest provider: {HonestRate} pages of 100 a second for {Phase.TotalSeconds:F0} s; " +
                          $"flooder: {FloodClients} connections from {flooderAddress}, as fast as they are answered; server CPU from /proc (10 ms ticks: " +
                          "a few thousand late refusals are below its resolution)");
        Print(["flood", "honest provider: rate, p50, p99", "flood rate (statuses)", "honest with / without", "server CPU per flood request", "÷ served page of 1"], rows);
        return 0;
    }

    private sealed record Honest(double Rate, double P50, double P99, int Failed);

    private static string Format(Honest h) => $"{h.Rate:F1}/s, p50 {h.P50:F1} ms, p99 {h.P99:F1} ms{(h.Failed > 0 ? $", {h.Failed} failed" : "")}";

    /// <summary>Pages of 100 at <see cref="HonestRate"/> a second, each on schedule (an open loop: a slow answer does not delay the next request).</summary>
    private static async Task<Honest> HonestAsync(HttpClient client, TimeSpan length, CancellationToken cancellationToken)
    {
        var times = new System.Collections.Concurrent.ConcurrentBag<double>();
        var failed = 0;
        var started = Stopwatch.StartNew();
        var running = new List<Task>();
        for (var i = 0; started.Elapsed < length; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)HonestRate);
            if (due > started.Elapsed)
                await Task.Delay(due - started.Elapsed, cancellationToken);
            running.Add(Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync("/api/v3/npq-applications?page[per_page]=100", cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                    times.Add(watch.Elapsed.TotalMilliseconds);
                else
                    Interlocked.Increment(ref failed);
            }, cancellationToken));
        }

        await Task.WhenAll(running);
        var elapsed = started.Elapsed.TotalSeconds;
        var sorted = times.Order().ToList();
        return sorted.Count == 0
            ? new Honest(0, 0, 0, failed)
            : new Honest(sorted.Count / elapsed, sorted[sorted.Count / 2], sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.99))], failed);
    }

    private static async Task<(long Count, Dictionary<int, long> Statuses, double Seconds)> FloodAsync(
        HttpClient client, Func<HttpRequestMessage> make, CancellationToken stop)
    {
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        long count = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, FloodClients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = make();
                    using var response = await client.SendAsync(request, stop);
                    await response.Content.ReadAsByteArrayAsync(stop);
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref count);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        })));
        return (count, new Dictionary<int, long>(statuses), watch.Elapsed.TotalSeconds);
    }

    /// <summary>The server's CPU seconds per request over <paramref name="count"/> requests sent 8 at a time (utime + stime from /proc).</summary>
    private static async Task<double> CpuPerRequestAsync(int pid, int count, Func<Task<HttpResponseMessage>> send)
    {
        var before = CpuMeter.Seconds(pid);
        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref sent) <= count)
                (await send()).Dispose();
        })));
        return (CpuMeter.Seconds(pid) - before) / count;
    }

    /// <summary>A client whose connections leave from <paramref name="address"/>, a loopback address of its own.</summary>
    private static HttpClient FromAddress(string url, IPAddress address)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = FloodClients,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(address, 0));
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
        return new HttpClient(handler) { BaseAddress = new Uri(url) };
    }

    private static void Print(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
            Console.WriteLine(string.Join(" | ", row.Select((c, i) => c.PadRight(widths[i]))));
    }
}
