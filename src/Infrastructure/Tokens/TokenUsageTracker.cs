using System.Collections.Concurrent;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Npq.Infrastructure.Tokens;

/// <summary>
/// Remembers each token's latest use in memory; <see cref="TokenUsageFlusher"/> writes them back in
/// one batch per interval, so a request never pays for a write of <c>last_used_at</c>.
/// </summary>
public sealed class TokenUsageTracker
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _pending = new();

    public void Record(Guid tokenId, DateTimeOffset at) =>
        _pending.AddOrUpdate(tokenId, at, (_, previous) => previous > at ? previous : at);

    public IReadOnlyDictionary<Guid, DateTimeOffset> Drain()
    {
        var drained = new Dictionary<Guid, DateTimeOffset>();
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var at))
                drained[id] = at;
        }

        return drained;
    }
}

public sealed class TokenUsageFlusher(
    TokenUsageTracker tracker,
    IDocumentStore store,
    IOptions<TokenOptions> options,
    ILogger<TokenUsageFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LastUsedFlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: write what is left below.
        }

        await FlushAsync(CancellationToken.None);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var uses = tracker.Drain();
        if (uses.Count == 0)
            return;
        try
        {
            await using var session = store.LightweightSession();
            foreach (var (id, at) in uses)
                session.QueueSqlCommand(
                    "update npq.mt_doc_apitoken set data = jsonb_set(data, '{LastUsedAt}', to_jsonb(?::timestamptz)) " +
                    "where id = ? and (data->>'LastUsedAt' is null or (data->>'LastUsedAt')::timestamptz < ?::timestamptz)",
                    at, id, at);
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record last use of {Count} tokens", uses.Count);
        }
    }
}
