using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Marten.Subscriptions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// The sealer's trigger: a Marten subscription, run by the async daemon on one node at a time (hot/cold)
/// in strict order, whose pages end below the high-water mark, so every event up to the page's ceiling
/// has committed and no later commit can take a lower sequence. The sealer reads those rows itself
/// (as stored, not as deserialised) and keeps its own position, so a page seen twice seals nothing twice.
/// </summary>
public sealed class LogSealerSubscription : SubscriptionBase
{
    public const string SealerName = "AuditLogSealer";

    private readonly LogSealer _sealer;

    public LogSealerSubscription(LogSealer sealer)
    {
        _sealer = sealer;
        Name = SealerName;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        await _sealer.SealUpToAsync(page.SequenceCeiling, cancellationToken);
        return NothingToListenFor.Instance;
    }

    private sealed class NothingToListenFor : IChangeListener
    {
        public static readonly NothingToListenFor Instance = new();

        public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;

        public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
    }
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
