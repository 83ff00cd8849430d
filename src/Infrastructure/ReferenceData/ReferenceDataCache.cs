using Microsoft.Extensions.DependencyInjection;
using Marten;
using Npq.Application.ReferenceData;

namespace Npq.Infrastructure.ReferenceData;

/// <summary>
/// Keeps providers, cohorts and schedules in memory for a minute: they change only through the seed
/// and DfE operations, which call <see cref="Invalidate"/> in the process that changed them; other
/// processes see the change within the expiry.
/// </summary>
public sealed class ReferenceDataCache(IDocumentStore store, [FromKeyedServices(Time.SystemTime.Key)] TimeProvider time) : IReferenceData, IDisposable
{
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (ReferenceSnapshot Snapshot, DateTimeOffset LoadedAt)? _current;

    public async ValueTask<ReferenceSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && time.GetUtcNow() - current.LoadedAt < Expiry)
            return current.Snapshot;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fresh && time.GetUtcNow() - fresh.LoadedAt < Expiry)
                return fresh.Snapshot;

            await using var session = store.QuerySession();
            var batch = session.CreateBatchQuery();
            var providers = batch.Query<LeadProvider>().ToList();
            var cohorts = batch.Query<Cohort>().ToList();
            var schedules = batch.Query<Schedule>().ToList();
            await batch.Execute(cancellationToken);

            var snapshot = new ReferenceSnapshot(await providers, await cohorts, await schedules);
            _current = (snapshot, time.GetUtcNow());
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _current = null;

    public void Dispose() => _gate.Dispose();
}
