using System.Collections.Concurrent;
using Npq.Api.Json;
using Npq.Infrastructure.Health;

namespace Npq.Api.Http;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> (CONTRACT B10, issue 24), answered near the front of
/// the pipeline (order: docs/architecture.md, "The request pipeline"), from memory: readiness from the latest sample (<see cref="ReadinessProbe"/>), never a
/// query. On the metrics port (the operator's) they are answered at once; on the API's port each address
/// gets 10 a second (a burst of 20) at once, and beyond that the same truthful answer a quarter of a
/// second late: a flood slows to the pace of its connections, and a balancer whose probes share an
/// address with a flood (no forwarded headers configured) is never told anything false, only later.
/// From SIGTERM on, readiness answers 503 (the drain) and liveness stays 200.
/// </summary>
public sealed class HealthMiddleware(RequestDelegate next, ReadinessProbe probe, IHostApplicationLifetime lifetime, IConfiguration configuration)
{
    private const double PerSecond = 10, Burst = 20;
    private const int AddressesRemembered = 100_000;
    private static readonly TimeSpan Late = TimeSpan.FromMilliseconds(250);

    private readonly int? _metricsPort = Telemetry.TelemetrySetup.MetricsPort(configuration);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var live = path.Equals("/health/live", StringComparison.OrdinalIgnoreCase);
        if (!(live || path.Equals("/health/ready", StringComparison.OrdinalIgnoreCase))
            || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            await next(context);
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers[EdgeMiddleware.RequestIdHeader] = Guid.CreateVersion7().ToString("N"); // the server's, as on every response
        if (context.Connection.LocalPort != _metricsPort && !Admit(HttpClientAddress.Of(context)))
            await Task.Delay(Late, context.RequestAborted);

        if (live)
        {
            await ApiJsonResult.Write(context.Response, StatusCodes.Status200OK, new { status = "live" });
            return;
        }

        var result = lifetime.ApplicationStopping.IsCancellationRequested
            ? new ReadinessProbe.Result(false, [new ReadinessProbe.Check("stopping", false, "this process is shutting down")])
            : await probe.CurrentAsync(context.RequestAborted);
        await ApiJsonResult.Write(
            context.Response,
            result.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            new { status = result.Ready ? "ready" : "not_ready", checks = result.Checks.Select(c => new { name = c.Name, ok = c.Ok, detail = c.Detail }) });
    }

    /// <summary>A token bucket per address, in memory (a process's own probes need no exactness).</summary>
    private bool Admit(string address)
    {
        var now = Environment.TickCount64;
        if (_buckets.Count >= AddressesRemembered)
            _buckets.Clear();
        var bucket = _buckets.GetOrAdd(address, _ => new Bucket { Tokens = Burst, At = now });
        lock (bucket)
        {
            bucket.Tokens = Math.Min(Burst, bucket.Tokens + ((now - bucket.At) / 1000.0 * PerSecond));
            bucket.At = now;
            if (bucket.Tokens < 1)
                return false;
            bucket.Tokens--;
            return true;
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long At { get; set; }
    }
}
