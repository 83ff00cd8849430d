using Microsoft.Extensions.Hosting;
using Npgsql;
using Npq.Application.Common.Telemetry;
using Npq.Infrastructure.RateLimiting;

namespace Npq.Infrastructure.Health;

/// <summary>
/// Samples the outbox backlog for the <c>npq.outbox.backlog</c> gauge every 15 seconds, so that a
/// scrape never waits on the database. While the database is unreachable the last sample stands
/// (readiness says the database is down).
/// </summary>
public sealed class OutboxBacklogSampler(RateLimiterDataSource dataSource) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var connection = await dataSource.Source.OpenConnectionAsync(stoppingToken);
                NpqTelemetry.SampledOutboxBacklog(await ReadinessProbe.OutboxBacklogAsync(connection, stoppingToken));
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                // Unreachable for now: keep the last sample.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
