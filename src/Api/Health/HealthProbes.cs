using System.Collections.Concurrent;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Marten.Events.Daemon;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npq.Api.Http;
using Npq.Infrastructure.Health;

namespace Npq.Api.Health;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> (CONTRACT B10, issues 24 and 25) as ASP.NET Core
/// health checks, answered near the front of the pipeline (docs/architecture.md, "The request
/// pipeline"), from memory: readiness is <see cref="ReadinessCheck"/>, which reads the latest sample
/// (<see cref="ReadinessProbe"/>), never a query. From SIGTERM on, readiness answers 503 (the drain)
/// and liveness stays 200. <c>/health/daemon</c>, on the metrics port only, runs Marten's own daemon
/// checks (issue 28): the high-water mark still advancing, and no async projection far behind it. They read
/// the database and describe the whole service's event log, so they are neither readiness (a shared
/// condition would take every process out at once) nor anything a provider may call.
/// </summary>
public static class HealthProbes
{
    public const string LivePath = "/health/live", ReadyPath = "/health/ready", DaemonPath = "/health/daemon";

    public static IServiceCollection AddNpqHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ReadinessCheck>("readiness", tags: ["ready"])
            .AddMartenHighWaterHealthCheck(staleThreshold: TimeSpan.FromMinutes(1))
            .AddMartenAsyncDaemonHealthCheck(maxEventLag: 1000);
        return services;
    }

    public static WebApplication UseNpqHealthChecks(this WebApplication app)
    {
        app.UseMiddleware<HealthProbeThrottle>();
        app.UseHealthChecks(LivePath, new HealthCheckOptions
        {
            Predicate = _ => false, // alive is answering at all
            ResponseWriter = (context, _) => ApiJsonResult.Write(context.Response, StatusCodes.Status200OK, new { status = "live" }),
        });
        app.UseHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteReadinessAsync,
        });
        if (Telemetry.TelemetrySetup.MetricsPort(app.Configuration) is { } metricsPort)
        {
            app.UseHealthChecks(DaemonPath, metricsPort, new HealthCheckOptions
            {
                Predicate = check => !check.Tags.Contains("ready"),
                ResponseWriter = WriteDaemonAsync,
            });
        }

        return app;
    }

    /// <summary>Each of Marten's daemon checks with its status and description (for the operator, on the metrics port).</summary>
    private static Task WriteDaemonAsync(HttpContext context, HealthReport report) => ApiJsonResult.Write(
        context.Response,
        report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK,
        new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString().ToLowerInvariant(), detail = e.Value.Description }),
        });

    /// <summary>The contract's readiness body: <c>status</c> and each check with its detail.</summary>
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var ready = report.Status == HealthStatus.Healthy;
        var checks = report.Entries.Values.SelectMany(e => e.Data.TryGetValue("checks", out var c) ? (IEnumerable<ReadinessProbe.Check>)c : []);
        return ApiJsonResult.Write(
            context.Response,
            ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            new { status = ready ? "ready" : "not_ready", checks = checks.Select(c => new { name = c.Name, ok = c.Ok, detail = c.Detail }) });
    }
}

/// <summary>Readiness from the latest sample, or "stopping" once the host is draining.</summary>
public sealed class ReadinessCheck(ReadinessProbe probe, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = lifetime.ApplicationStopping.IsCancellationRequested
            ? new ReadinessProbe.Result(false, [new ReadinessProbe.Check("stopping", false, "this process is shutting down")])
            : await probe.CurrentAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["checks"] = result.Checks };
        return result.Ready ? HealthCheckResult.Healthy(data: data) : HealthCheckResult.Unhealthy(data: data);
    }
}

/// <summary>
/// What every health answer carries, and the pace of probes on the API's port: <c>Cache-Control:
/// no-store</c> and the server's request id; on the metrics port (the operator's) probes are answered
/// at once; on the API's port each address gets 10 a second (a burst of 20) at once, and beyond that
/// the same truthful answer a quarter of a second late: a flood slows to the pace of its connections,
/// and a balancer whose probes share an address with a flood is never told anything false, only later.
/// ASP.NET Core's health-check middleware answers any method; so does this.
/// </summary>
public sealed class HealthProbeThrottle(RequestDelegate next, IConfiguration configuration)
{
    private const double PerSecond = 10, Burst = 20;
    private const int AddressesRemembered = 100_000;
    private static readonly TimeSpan Late = TimeSpan.FromMilliseconds(250);

    private readonly int? _metricsPort = Telemetry.TelemetrySetup.MetricsPort(configuration);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!(path.Equals(HealthProbes.LivePath, StringComparison.OrdinalIgnoreCase) || path.Equals(HealthProbes.ReadyPath, StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers[EdgeMiddleware.RequestIdHeader] = Guid.CreateVersion7().ToString("N"); // the server's, as on every response
        if (context.Connection.LocalPort != _metricsPort && !Admit(HttpClientAddress.Of(context)))
            await Task.Delay(Late, context.RequestAborted);
        await next(context);
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
