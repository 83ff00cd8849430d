using System.Diagnostics;
using Npgsql;
using Npq.Application.Common.Telemetry;
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

        /// <summary>Where the sealer and the change feed stand (null when not read): metrics, never a readiness reason.</summary>
        public NpqTelemetry.BackgroundWork? Background { get; init; }
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
        NpqTelemetry.BackgroundWork? background = null;
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
            background = await BackgroundAsync(connection, timeout.Token);
        }
        catch (PostgresException exception)
        {
            checks.Add(new Check("query", false, $"a readiness query failed: {exception.SqlState}"));
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
        {
            checks.Add(new Check("database", false, $"unreachable: {exception.GetType().Name}"));
        }

        return new Result(checks.All(c => c.Ok), checks) { OutboxBacklog = backlog, Background = background };
    }

    /// <summary>
    /// How far the sealer and the change feed are behind the newest committed event, the sealed events no
    /// signed checkpoint covers yet, and the last checkpoint's age (issue 28): shared by every process, so
    /// metrics to alert on, never a readiness reason. Null where the tables are not there yet.
    /// </summary>
    public static async Task<NpqTelemetry.BackgroundWork?> BackgroundAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            select greatest(0, h.head - coalesce(a.last_sequence, 0)), coalesce(a.size - a.checkpoint_size, 0),
                   extract(epoch from clock_timestamp() - a.checkpoint_at)::float8, greatest(0, h.head - coalesce(f.last_sequence, 0))
            from (select coalesce(max(seq_id), 0) as head from {MartenSetup.Schema}.mt_events) h
            left join (select max(last_sequence) as last_sequence, max(size) as size, max(checkpoint_size) as checkpoint_size, max(checkpoint_at) as checkpoint_at
                       from {Audit.Log.AuditLogStore.State}) a on true
            left join (select max(last_sequence) as last_sequence from {Changes.ChangeFeedStore.State}) f on true
            """, connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new NpqTelemetry.BackgroundWork(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.GetInt64(3));
        }
        catch (PostgresException)
        {
            return null; // the tables are not there yet, or not readable: no figures, and no effect on readiness
        }
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
