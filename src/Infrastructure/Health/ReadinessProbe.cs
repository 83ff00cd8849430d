using System.Diagnostics;
using Npgsql;
using Npq.Infrastructure.Persistence;
using Npq.Infrastructure.RateLimiting;

namespace Npq.Infrastructure.Health;

/// <summary>
/// <c>/health/ready</c> (CONTRACT B10): the database answers, the schema is applied (event store,
/// read models, the limiter's function), and asynchronous work keeps up — read models are projected
/// inline (lag 0 by construction), so the lag that can grow is the outbox's: the backlog of durable
/// messages not yet handled (Wolverine's envelopes carry no arrival time, so it is counted).
/// </summary>
public sealed class ReadinessProbe(RateLimiterDataSource dataSource)
{
    /// <summary>More side effects waiting than this means the handlers are not keeping up.</summary>
    public const int MaximumOutboxBacklog = 1000;

    public sealed record Check(string Name, bool Ok, string Detail);

    public sealed record Result(bool Ready, IReadOnlyList<Check> Checks)
    {
        /// <summary>The outbox backlog counted by the check (0 when the database did not answer).</summary>
        public long OutboxBacklog { get; init; }
    }

    public Task<Result> CheckAsync(CancellationToken cancellationToken) => CheckAsync(dataSource.Source, cancellationToken);

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
            checks.Add(new Check("outbox", backlog <= MaximumOutboxBacklog, $"{backlog} side effects waiting"));
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
