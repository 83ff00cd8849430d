using System.Diagnostics;
using Marten;
using Npgsql;
using Npq.Application.Audit;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Application.Statements;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Audit;

/// <summary>
/// <c>projections rebuild</c> and <c>projections verify</c> (CONTRACT B7, ADR 0012, ADR 0017, ADR 0028).
/// Both replay the event log, in memory bounded by a page or a batch: the person views (participants
/// and applications, most of the log) in bulk (<see cref="PersonViewsBulkRebuild"/>), the declaration,
/// outcome and statement views through Marten's projection daemon, which reads only their event types.
/// Rebuild replays into the live read models; verify replays the same way into a shadow schema
/// (<see cref="ShadowSchema"/>, events still read from the live one) and compares the two in SQL.
/// </summary>
public sealed class ProjectionVerifier(IDocumentStore store)
{
    /// <summary>Where verify rebuilds its copy of the read models; dropped before and after.</summary>
    public const string ShadowSchema = MartenSetup.Schema + "_verify";

    /// <summary>The projections Marten's daemon replays; the person views are rebuilt in bulk (<see cref="PersonViewsBulkRebuild"/>).</summary>
    private static readonly string[] DaemonProjections =
        [nameof(DeclarationViewProjection), nameof(OutcomeViewProjection), nameof(StatementViewProjection)];

    /// <summary>The read models the daemon rebuilds (the person views are truncated by the bulk rebuild).</summary>
    private static readonly Type[] DaemonReadModels = [typeof(DeclarationView), typeof(OutcomeView), typeof(StatementView)];

    private static readonly (string Name, Type Type)[] ReadModels =
    [
        ("participants", typeof(ParticipantView)),
        ("npq_applications", typeof(ApplicationView)),
        ("participant_declarations", typeof(DeclarationView)),
        ("participant_outcomes", typeof(OutcomeView)),
        ("statements", typeof(StatementView)),
    ];

    public sealed record ModelReport(string Name, long Live, long Replayed, string LiveDigest, string ReplayedDigest, IReadOnlyList<string> Divergent)
    {
        public bool Matches => LiveDigest == ReplayedDigest && Divergent.Count == 0;
    }

    public sealed record Report(long Events, double Seconds, double EventsPerSecond, IReadOnlyList<ModelReport> ReadModels)
    {
        /// <summary>Seconds the daemon took to replay the log into each projection, and the bulk rebuild of the person views.</summary>
        public IReadOnlyDictionary<string, double> ReplaySeconds { get; init; } = new Dictionary<string, double>();

        /// <summary>Where the bulk rebuild of the person views spent its time.</summary>
        public PersonViewsBulkRebuild.Report? PersonViews { get; init; }

        public bool Ok => ReadModels.All(m => m.Matches);
    }

    /// <summary>
    /// Replays the whole log into memory (<see cref="ReadModelReplay"/>, the code behind "state as of"):
    /// the audit benchmark times it. Memory grows with the log; the commands do not use it.
    /// </summary>
    public async Task<(ReadModelReplay Replay, long Events, double Seconds)> ReplayAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var replay = new ReadModelReplay();
        long last = 0, count = 0;
        await using var session = store.QuerySession();
        while (true)
        {
            var after = last;
            var batch = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(20_000).ToListAsync(cancellationToken);
            if (batch.Count == 0)
                break;
            foreach (var e in batch)
                replay.Apply(e);
            last = batch[^1].Sequence;
            count += batch.Count;
        }

        return (replay, count, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Replays the log into a shadow copy of the read models and compares each with the live one by a
    /// SHA-256 digest over (id, JSON) in id order, listing up to 20 divergent ids. Run it at a quiet
    /// moment: a document written while it runs shows as divergent.
    /// </summary>
    public async Task<Report> VerifyAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "set statement_timeout = 0", cancellationToken); // comparing whole tables takes its time
        await ExecuteAsync(connection, $"drop schema if exists {ShadowSchema} cascade", cancellationToken);
        Dictionary<string, double> replaySeconds;
        PersonViewsBulkRebuild.Report people;
        try
        {
            using (var shadow = DocumentStore.For(options =>
                   {
                       MartenSetup.Configure(options, connection.ConnectionString);
                       options.DatabaseSchemaName = ShadowSchema;
                       options.Events.DatabaseSchemaName = MartenSetup.Schema;
                   }))
            {
                await shadow.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                replaySeconds = await ReplayIntoAsync(shadow, cancellationToken);
            }

            people = await RebuildPeopleAsync(ShadowSchema, replaySeconds, cancellationToken);

            var models = new List<ModelReport>();
            foreach (var (name, type) in ReadModels)
                models.Add(await CompareAsync(connection, name, Table(type), cancellationToken));
            var events = await EventCountAsync(cancellationToken);
            var seconds = watch.Elapsed.TotalSeconds;
            return new Report(events, seconds, seconds > 0 ? events / seconds : events, models) { ReplaySeconds = replaySeconds, PersonViews = people };
        }
        finally
        {
            await ExecuteAsync(connection, $"drop schema if exists {ShadowSchema} cascade", CancellationToken.None);
        }
    }

    /// <summary>
    /// Replaces every read model by replaying the log into the live projections. Run it with the API
    /// stopped: meanwhile the read models are incomplete. Compare with <see cref="VerifyAsync"/> afterwards.
    /// </summary>
    public async Task<Report> RebuildAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var replaySeconds = new Dictionary<string, double>();
        var people = await RebuildPeopleAsync(MartenSetup.Schema, replaySeconds, cancellationToken);
        foreach (var type in DaemonReadModels)
            await store.Advanced.Clean.DeleteDocumentsByTypeAsync(type, cancellationToken);
        foreach (var (name, replayed) in await ReplayIntoAsync(store, cancellationToken))
            replaySeconds[name] = replayed;

        // The delete left every old row dead in the tables and their indexes: a page's index scan would
        // step over them until autovacuum came by (a page at offset 9,000 took 9 ms instead of 2).
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "set statement_timeout = 0", cancellationToken);
        foreach (var type in DaemonReadModels)
        {
            await using var vacuum = new NpgsqlCommand($"vacuum analyze {Table(type)}", connection) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        var events = await EventCountAsync(cancellationToken);
        var seconds = watch.Elapsed.TotalSeconds;
        var models = new List<ModelReport>();
        foreach (var (name, type) in ReadModels)
        {
            var (count, digest) = await SummariseAsync(connection, Table(type), cancellationToken);
            models.Add(new ModelReport(name, count, count, digest, digest, []));
        }

        return new Report(events, seconds, seconds > 0 ? events / seconds : events, models) { ReplaySeconds = replaySeconds, PersonViews = people };
    }

    private async Task<PersonViewsBulkRebuild.Report> RebuildPeopleAsync(string schema, Dictionary<string, double> seconds, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var report = await new PersonViewsBulkRebuild(store).RunAsync(schema, buildIndexes: schema != ShadowSchema, cancellationToken: cancellationToken);
        seconds[nameof(ParticipantApplicationsProjection)] = Math.Round(watch.Elapsed.TotalSeconds, 2);
        return report;
    }

    /// <summary>The daemon replays the log, a page at a time, into each projection of <paramref name="target"/>.</summary>
    private static async Task<Dictionary<string, double>> ReplayIntoAsync(IDocumentStore target, CancellationToken cancellationToken)
    {
        var seconds = new Dictionary<string, double>();
        using var daemon = await target.BuildProjectionDaemonAsync();
        foreach (var projection in DaemonProjections)
        {
            var watch = Stopwatch.StartNew();
            await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(30), cancellationToken);
            seconds[projection] = Math.Round(watch.Elapsed.TotalSeconds, 2);
        }

        return seconds;
    }

    /// <summary>A read model's live table (Marten's default name: <c>mt_doc_</c> and the type's name).</summary>
    private static string Table(Type type) => $"{MartenSetup.Schema}.mt_doc_{type.Name.ToLowerInvariant()}";

    private async Task<long> EventCountAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync(cancellationToken);
    }

    private static async Task<ModelReport> CompareAsync(NpgsqlConnection connection, string name, string table, CancellationToken cancellationToken)
    {
        var shadowTable = ShadowSchema + table[table.IndexOf('.', StringComparison.Ordinal)..];
        var (live, liveDigest) = await SummariseAsync(connection, table, cancellationToken);
        var (replayed, replayedDigest) = await SummariseAsync(connection, shadowTable, cancellationToken);
        var divergent = new List<string>();
        await using (var command = new NpgsqlCommand(
            $"""
            select coalesce(l.id, s.id)::text from {table} l full join {shadowTable} s on l.id = s.id
            where l.data is distinct from s.data order by 1 limit 20
            """, connection))
        {
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                divergent.Add(reader.GetString(0));
        }

        return new ModelReport(name, live, replayed, liveDigest, replayedDigest, divergent);
    }

    /// <summary>Row count and SHA-256 over the (id, JSON) pairs in id order, computed by PostgreSQL.</summary>
    private static async Task<(long Count, string Digest)> SummariseAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select count(*), encode(sha256(convert_to(coalesce(string_agg(md5(id::text || data::text), '' order by id), ''), 'UTF8')), 'hex') from {table}",
            connection);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
