using Microsoft.Extensions.Hosting;
using Npq.Application.Common.Telemetry;
using Npq.Infrastructure.RateLimiting;

namespace Npq.Infrastructure.Health;

/// <summary>
/// Runs the readiness check every 15 seconds for the <c>npq.ready</c> and <c>npq.outbox.backlog</c>
/// gauges, so that a scrape never waits on the database.
/// </summary>
public sealed class ReadinessSampler(RateLimiterDataSource dataSource) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var result = await ReadinessProbe.CheckAsync(dataSource.Source, stoppingToken);
            var counted = result.Checks.Any(c => c.Name == "outbox"); // the database answered
            NpqTelemetry.SampledReadiness(result.Ready, counted ? result.OutboxBacklog : null);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
