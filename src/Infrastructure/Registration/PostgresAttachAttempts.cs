using Npq.Application.Registration;
using Npq.Infrastructure.Persistence;
using Npq.Infrastructure.RateLimiting;
using Weasel.Core;
using Weasel.Postgresql.Tables;

namespace Npq.Infrastructure.Registration;

/// <summary>
/// <see cref="IAttachAttempts"/> in one small table on the limiter's own pool (not the request's
/// transaction): a row per participant id with its failures since the start of its day.
/// </summary>
public sealed class PostgresAttachAttempts(RateLimiterDataSource dataSource) : IAttachAttempts
{
    public const string TableName = MartenSetup.Schema + ".registration_attach_failures";

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var table = new Table(TableName);
        table.AddColumn<Guid>("participant_id").AsPrimaryKey();
        table.AddColumn<int>("failures").NotNull();
        table.AddColumn("since", "timestamptz").NotNull();
        yield return table;
    }

    public async Task<int> FailuresAsync(Guid participantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Source.CreateCommand(
            $"select coalesce((select failures from {TableName} where participant_id = $1 and since > now() - interval '1 day'), 0)");
        command.Parameters.AddWithValue(participantId);
        RoundTripCounter.Record();
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Deletes, in batches, the counts whose day is over; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (true)
        {
            await using var command = dataSource.Source.CreateCommand(
                $"delete from {TableName} where ctid in (select ctid from {TableName} where since <= now() - interval '1 day' limit 5000)");
            var batch = await command.ExecuteNonQueryAsync(cancellationToken);
            deleted += batch;
            if (batch < 5000)
                return deleted;
        }
    }

    public async Task RecordFailureAsync(Guid participantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Source.CreateCommand(
            $"""
            insert into {TableName} as f (participant_id, failures, since) values ($1, 1, now())
            on conflict (participant_id) do update set
              failures = case when f.since > now() - interval '1 day' then f.failures + 1 else 1 end,
              since = case when f.since > now() - interval '1 day' then f.since else now() end
            """);
        command.Parameters.AddWithValue(participantId);
        RoundTripCounter.Record();
        await command.ExecuteNonQueryAsync(CancellationToken.None); // counted even if the caller has gone
    }
}

/// <summary>Runs <see cref="PostgresAttachAttempts.DeleteExpiredAsync"/> every hour in every server process.</summary>
public sealed class AttachAttemptsCleanup(PostgresAttachAttempts attempts, Microsoft.Extensions.Logging.ILogger<AttachAttemptsCleanup> logger) : PeriodicCleanup(logger)
{
    protected override TimeSpan Period => TimeSpan.FromHours(1);

    protected override string What => "failed-attach counts older than a day";

    protected override Task<int> CleanAsync(CancellationToken cancellationToken) => attempts.DeleteExpiredAsync(cancellationToken);
}
