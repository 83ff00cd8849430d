using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Npq.Infrastructure.Persistence;

/// <summary>
/// House-keeping that every server process runs on a timer (rate-limiter keys, idempotency keys):
/// each tick deletes what has expired; a failure is logged and tried again on the next tick.
/// </summary>
public abstract class PeriodicCleanup(ILogger logger) : BackgroundService
{
    /// <summary>How often to run.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>What is cleaned, for the log ("idle rate-limiter keys").</summary>
    protected abstract string What { get; }

    /// <summary>Deletes what has expired; returns how many.</summary>
    protected abstract Task<int> CleanAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var deleted = await CleanAsync(stoppingToken);
                if (deleted > 0)
                    logger.LogInformation("Deleted {Count} {What}", deleted, What);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Deleting {What} failed; it will try again", What);
            }
        }
    }
}
