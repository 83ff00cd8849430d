using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Npq.Application.Common.RateLimiting;
using Npq.Infrastructure.Persistence;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;

namespace Npq.Infrastructure.RateLimiting;

/// <summary>
/// A rolling-window limiter exact across processes (ADR 0011): a sliding log of admitted requests
/// per key in PostgreSQL. One function call per request takes a transaction-scoped advisory lock on
/// the key (so concurrent requests for one key, in any process, are counted one at a time), drops
/// the times that left the window, and admits when fewer than the limit remain. Times come from the
/// database clock, so processes need not agree on theirs.
/// A refusal is remembered in memory until its reset (issue 24, ADR 0024): no permit of that key can
/// free up before then, in any process, so the key's next requests are refused from memory, exactly,
/// without touching the database; a flood costs the flooder microseconds and the others nothing.
/// </summary>
public sealed class PostgresRateLimiter(RateLimiterDataSource dataSource) : IRateLimiter
{
    /// <summary>At most this many refused keys are remembered; past it the memory starts again (it only saves work).</summary>
    private const int RefusedLimit = 100_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (RateLimitDecision Decision, long Until)> _refused = new(StringComparer.Ordinal);

    public const string TableName = MartenSetup.Schema + ".rate_limit_hits";
    public const string FunctionName = MartenSetup.Schema + ".acquire_permit";

    public const string KeysTableName = MartenSetup.Schema + ".rate_limit_keys";

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var keys = new Table(KeysTableName);
        keys.AddColumn<string>("key").AsPrimaryKey();
        keys.AddColumn<int>("counted").NotNull();
        yield return keys;

        var hits = new Table(TableName);
        hits.AddColumn<string>("key").NotNull();
        hits.AddColumn("at", "timestamptz").NotNull();
        hits.Indexes.Add(new IndexDefinition("ix_rate_limit_hits_key_at") { Columns = ["key", "at"] });
        yield return hits;

        // The key row's lock serialises one key's requests in every process; its count saves
        // counting the log, so each request touches only the rows that expire and the one it adds.
        // Written as PostgreSQL prints it back (pg_get_functiondef), so comparing the database with the
        // code finds no difference where there is none (ADR 0030).
        yield return new Function(new PostgresqlObjectName(MartenSetup.Schema, "acquire_permit", Weasel.Postgresql.SchemaUtils.IdentifierUsage.Function), $$"""
            CREATE OR REPLACE FUNCTION {{FunctionName}}(p_key text, p_limit integer, p_window interval)
             RETURNS TABLE(admitted boolean, counted integer, oldest timestamp with time zone)
             LANGUAGE plpgsql
            AS $function$
            declare
              v_now timestamptz := clock_timestamp();
              v_expired int;
            begin
              -- The clean-up may delete an idle key between the insert and the lock: then insert it again.
              loop
                insert into {{KeysTableName}} as k (key, counted) values (p_key, 0) on conflict (key) do nothing;
                select k.counted into counted from {{KeysTableName}} k where k.key = p_key for update;
                exit when found;
              end loop;
              with gone as (delete from {{TableName}} h where h.key = p_key and h.at <= v_now - p_window returning 1)
                select count(*)::int into v_expired from gone;
              counted := counted - v_expired;
              admitted := counted < p_limit;
              if admitted then
                insert into {{TableName}}(key, at) values (p_key, v_now);
                counted := counted + 1;
              end if;
              update {{KeysTableName}} k set counted = acquire_permit.counted where k.key = p_key;
              select h.at into oldest from {{TableName}} h where h.key = p_key order by h.at limit 1;
              return next;
            end
            $function$;
            """);
    }

    /// <summary>
    /// Deletes, in batches, the keys with no permit left in the window and their expired permits, so the
    /// tables do not grow with every token and address ever seen. Keys in use are skipped (their row is
    /// locked by an acquisition), and an acquisition that finds its key gone inserts it again.
    /// Returns the number of keys deleted.
    /// </summary>
    public async Task<int> DeleteIdleAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (true)
        {
            await using var connection = await dataSource.Source.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"""
                with idle as (
                  select k.key from {KeysTableName} k
                  where not exists (select 1 from {TableName} h where h.key = k.key and h.at > clock_timestamp() - @window)
                  limit 5000
                  for update skip locked),
                gone as (delete from {TableName} h using idle where h.key = idle.key)
                delete from {KeysTableName} k using idle where k.key = idle.key
                """, connection);
            command.Parameters.AddWithValue("window", window);
            var batch = await command.ExecuteNonQueryAsync(cancellationToken);
            deleted += batch;
            if (batch < 5000)
                return deleted;
        }
    }

    public async ValueTask<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (_refused.TryGetValue(key, out var refused))
        {
            if (refused.Until > now && refused.Decision.Limit == limit)
                return refused.Decision with { ResetAfter = TimeSpan.FromMilliseconds(refused.Until - now) };
            _refused.TryRemove(key, out _);
        }

        var decision = await AcquireFromDatabaseAsync(key, limit, window, cancellationToken);
        if (!decision.Admitted)
        {
            if (_refused.Count >= RefusedLimit)
                _refused.Clear();
            _refused[key] = (decision, now + (long)decision.ResetAfter.TotalMilliseconds);
        }

        return decision;
    }

    private async ValueTask<RateLimitDecision> AcquireFromDatabaseAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.Source.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select admitted, counted, extract(epoch from (oldest + @window - clock_timestamp()))::float8 from {FunctionName}(@key, @limit, @window)",
            connection);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("window", window);
        RoundTripCounter.Record();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var admitted = reader.GetBoolean(0);
        var counted = reader.GetInt32(1);
        var resetSeconds = reader.IsDBNull(2) ? window.TotalSeconds : Math.Max(0, reader.GetDouble(2));
        return new RateLimitDecision(admitted, limit, Math.Max(0, limit - counted), TimeSpan.FromSeconds(resetSeconds));
    }
}

/// <summary>Runs <see cref="PostgresRateLimiter.DeleteIdleAsync"/> once per window in every server process.</summary>
public sealed class RateLimitCleanup(PostgresRateLimiter limiter, IOptions<RateLimitOptions> options,
    ILogger<RateLimitCleanup> logger) : Persistence.PeriodicCleanup(logger)
{
    protected override TimeSpan Period => options.Value.Window;

    protected override string What => "idle rate-limiter keys";

    protected override Task<int> CleanAsync(CancellationToken cancellationToken) => limiter.DeleteIdleAsync(options.Value.Window, cancellationToken);
}

/// <summary>
/// The limiter's own pooled data source (one per process), apart from Marten's sessions. Its
/// commits do not wait for the WAL flush: after a database crash a few seconds of counted requests
/// may be forgotten, which only ever errs towards admitting — never towards losing business data.
/// </summary>
public sealed class RateLimiterDataSource(string connectionString) : IDisposable
{
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c synchronous_commit=off" }.ConnectionString);

    public void Dispose() => Source.Dispose();
}
