using JasperFx.Events.Daemon;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Npq.Application.Common.Telemetry;

namespace Npq.Infrastructure.Health;

/// <summary>
/// Runs the readiness checks every two seconds on a pool of one connection of its own (issue 24), for
/// <c>/health/ready</c> (<see cref="ReadinessProbe"/>) and the <c>npq.ready</c> and
/// <c>npq.outbox.backlog</c> gauges: neither a probe nor a scrape ever waits on the database.
/// </summary>
public sealed class ReadinessSampler(ReadinessProbe probe, ReadinessDataSource dataSource, Persistence.Schema.SchemaWatcher schema, IServiceProvider services)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var result = await ReadinessProbe.CheckAsync(dataSource.Source, stoppingToken);
            var version = schema.Check; // whether the database has this version's schema (ADR 0030)
            result = result with { Ready = result.Ready && version.Ok, Checks = [.. result.Checks, version] };
            probe.Record(result);
            var counted = result.Checks.Any(c => c.Name == "outbox"); // the database answered
            NpqTelemetry.SampledReadiness(result.Ready, counted ? result.OutboxBacklog : null);
            NpqTelemetry.SampledBackground(result.Background);
            SampleDaemon();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// The daemon as this process sees it, from memory (Marten 9.58 has no daemon health check of its own):
    /// how many subscriptions run here, and whether one is paused or the high-water mark is no longer polled.
    /// A process started with <c>Npq:Audit:Seal=false</c> has no daemon: 0, not stalled.
    /// </summary>
    private void SampleDaemon()
    {
        if (services.GetService<IProjectionCoordinator>() is not { } coordinator)
        {
            NpqTelemetry.SampledDaemon(0, stalled: false);
            return;
        }

        var daemon = coordinator.DaemonForMainDatabase();
        var agents = daemon.CurrentAgents().Count;
        NpqTelemetry.SampledDaemon(agents, stalled: agents > 0 && (daemon.HasAnyPaused() || daemon.IsHighWaterStale));
    }
}

/// <summary>The readiness checks' own pool: one connection, apart from the requests' and the limiter's.</summary>
public sealed class ReadinessDataSource(string connectionString) : IDisposable
{
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1, ApplicationName = "npq-readiness" }.ConnectionString);

    public void Dispose() => Source.Dispose();
}
