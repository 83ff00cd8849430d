using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// The sealer's trigger (ADR 0022): pages end below the high-water mark, so every event up to the
/// ceiling has committed and no later commit can take a lower sequence. The sealer reads those rows
/// itself (as stored, not as deserialised) and keeps its own position, so a page seen twice seals nothing twice.
/// </summary>
public sealed class LogSealerSubscription(LogSealer sealer) : HighWaterSubscription(SealerName)
{
    public const string SealerName = "AuditLogSealer";

    protected override Task CatchUpAsync(long ceiling, CancellationToken cancellationToken) => sealer.SealUpToAsync(ceiling, cancellationToken);
}

/// <summary>Signs a checkpoint when one is due by time, so the last events of a quiet hour are not left unsigned.</summary>
public sealed class CheckpointTimer(LogSealer sealer, IOptions<AuditLogOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.CheckpointInterval;
        using var timer = new PeriodicTimer(every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sealer.CheckpointIfDueAsync(force: false, stoppingToken);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                // The database is away: the next tick tries again.
            }
        }
    }
}

/// <summary>Asks the configured witnesses to cosign the latest checkpoint, every <see cref="AuditLogOptions.WitnessInterval"/> (ADR 0039).</summary>
public sealed class WitnessTimer(WitnessCollector collector, IOptions<AuditLogOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Witnesses.Count == 0)
            return;
        var every = options.Value.WitnessInterval;
        using var timer = new PeriodicTimer(every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every);
        do
        {
            try
            {
                await collector.CollectAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                // The database is away: the next tick tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
