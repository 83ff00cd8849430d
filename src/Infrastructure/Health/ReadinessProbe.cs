using System.Diagnostics;
using Npgsql;
using Npq.Infrastructure.Persistence;
using Npq.Infrastructure.RateLimiting;

namespace Npq.Infrastructure.Health;

/// <summary>
/// <c>/health/ready</c> (CONTRACT B10, issue 24): "this process can serve". The database answers and
/// the schema is applied (event store, read models, the limiter's function); read models are projected
/// inline (lag 0 by construction). The outbox's backlog is counted and exported as a metric to alert on,
/// never a reason to leave the balancer: it is shared by every process, so one slow consumer would take
/// them all out at once. The checks run in <see cref="ReadinessSampler"/> on a pool of one connection of
/// their own; the endpoint answers from the latest sample, so a flood of readiness probes costs no query.
/// </summary>
public sealed class ReadinessProbe
{
    /// <summary>A backlog above this is worth an alert (docs/operations.md); it does not change readiness.</summary>
    public const int OutboxBacklogAlert = 1000;

    /// <summary>A sample older than this says nothing about now: the process is not ready.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Sample? _latest; // replaced whole, never changed: a reader sees one sample or another

    private sealed record Sample(Result Result, long At);

    public sealed record Check(string Name, bool Ok, string Detail);

    public sealed record Result(bool Ready, IReadOnlyList<Check> Checks)
    {
        /// <summary>The outbox backlog counted by the check (0 when the database did not answer).</summary>
        public long OutboxBacklog { get; init; }
    }

    /// <summary>Keeps a sample (the sampler's).</summary>
    public void Record(Result result)
    {
        Volatile.Write(ref _latest, new Sample(result, Environment.TickCount64));
        _first.TrySetResult();
    }

    /// <summary>The latest sample; the first one is waited for (briefly); a stale one reads as not ready.</summary>
    public async Task<Result> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _latest) is null)
        {
            try
            {
                await _first.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (TimeoutException)
            {
                return new Result(false, [new Check("sample", false, "starting: no readiness sample yet")]);
            }
        }

        var (result, at) = Volatile.Read(ref _latest)!;
        var age = TimeSpan.FromMilliseconds(Environment.TickCount64 - at);
        return age <= StaleAfter
            ? result
            : new Result(false, [.. result.Checks, new Check("sample", false, $"the last readiness sample is {age.TotalSeconds:F0} s old")]);
    }

    public static async Task<Result> CheckAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        var checks = new List<Check>();
        long backlog = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = await source.OpenConnectionAsync(timeout.Token);
            checks.Add(new Check("database", true, $"answered in {watch.Elapsed.TotalMilliseconds:F0} ms"));

            await using (var schema = new NpgsqlCommand(
                             $"select to_regclass('{MartenSetup.Schema}.mt_events') is not null and to_regclass('{MartenSetup.Schema}.mt_doc_applicationview') is not null " +
                             $"and to_regprocedure('{PostgresRateLimiter.FunctionName}(text,integer,interval)') is not null", connection))
            {
                var applied = (bool)(await schema.ExecuteScalarAsync(timeout.Token))!;
                checks.Add(new Check("schema", applied, applied ? "event store, read models and rate limiter present" : "schema not applied"));
            }

            checks.Add(new Check("projections", true, "inline: read models are written with their events (lag 0)"));

            backlog = await OutboxBacklogAsync(connection, timeout.Token);
            checks.Add(new Check("outbox", true, $"{backlog} side effects waiting (a metric to alert on above {OutboxBacklogAlert}; not a reason to stop serving)"));
        }
        catch (PostgresException exception)
        {
            checks.Add(new Check("query", false, $"a readiness query failed: {exception.SqlState}"));
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
        {
            checks.Add(new Check("database", false, $"unreachable: {exception.GetType().Name}"));
        }

        return new Result(checks.All(c => c.Ok), checks) { OutboxBacklog = backlog };
    }

    /// <summary>Durable side effects not yet handled (Wolverine's incoming envelopes); 0 before Wolverine made its tables.</summary>
    public static async Task<long> OutboxBacklogAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var incoming = $"{MartenSetup.Schema}_messages.wolverine_incoming_envelopes";
        await using (var exists = new NpgsqlCommand($"select to_regclass('{incoming}') is not null", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
                return 0;
        }

        await using var pending = new NpgsqlCommand($"select count(*) from {incoming} where status = 'Incoming'", connection);
        return (long)(await pending.ExecuteScalarAsync(cancellationToken))!;
    }
}
