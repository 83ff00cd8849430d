using Marten;
using Npgsql;
using Npq.Application.Common.RateLimiting;
using Npq.Infrastructure.Persistence;
using Weasel.Postgresql.Tables;

namespace Npq.Infrastructure.RateLimiting;

/// <summary>
/// A rolling-window limiter exact across processes (ADR 0011): one row per key holding the times of
/// the requests admitted in the window (a sliding log). One upsert per request prunes expired times,
/// admits when fewer than the limit remain, and appends; the row lock of <c>ON CONFLICT DO UPDATE</c>
/// serialises concurrent requests for one key in every process. Times come from the database clock,
/// so processes need not agree on theirs.
/// </summary>
public sealed class PostgresRateLimiter(IDocumentStore store) : IRateLimiter
{
    public const string TableName = MartenSetup.Schema + ".rate_limit_windows";

    private const string Sql = $"""
        with now as (select clock_timestamp() as at)
        insert into {TableName} as r (key, hits, admitted)
        select @key, array[now.at], @limit > 0 from now
        on conflict (key) do update set
          hits = case
                   when (select count(*) from unnest(r.hits) h where h > (select at from now) - @window) < @limit
                   then array(select h from unnest(r.hits) h where h > (select at from now) - @window order by h) || (select at from now)
                   else array(select h from unnest(r.hits) h where h > (select at from now) - @window order by h)
                 end,
          admitted = (select count(*) from unnest(r.hits) h where h > (select at from now) - @window) < @limit
        returning admitted, cardinality(hits), extract(epoch from (hits[1] + @window - (select at from now)))::float8
        """;

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<string>("key").AsPrimaryKey();
        table.AddColumn("hits", "timestamptz[]").NotNull();
        table.AddColumn<bool>("admitted").NotNull();
        return table;
    }

    public async ValueTask<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Sql, connection);
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
