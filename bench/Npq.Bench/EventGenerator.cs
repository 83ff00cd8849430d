using System.Diagnostics;
using Marten;
using Npgsql;
using Npq.Application.Audit;
using Npq.Application.Common;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;
using Npq.Domain.Statements;
using Npq.Infrastructure.Audit;
using Npq.Infrastructure.Persistence;

namespace Npq.Bench;

/// <summary>
/// Issue 7's figures: generates a realistic event log (people registering, being accepted, declared
/// on and paid through statements) straight into a fresh database, then times the replay, the
/// rebuild of every read model, and "state as of" on a 100-event stream.
/// </summary>
public static class EventGenerator
{
    public static async Task<int> RunAsync(string serverConnection, int targetEvents)
    {
        var (connection, _, _) = await GenerateAsync(serverConnection, "npq_bench_events", targetEvents);
        return await MeasureAsync(connection);
    }

    /// <summary>A new database of <paramref name="database"/> with about <paramref name="targetEvents"/> events; its connection string, the events and the seconds they took to append.</summary>
    public static async Task<(string Connection, long Events, double Seconds)> GenerateAsync(string serverConnection, string database, int targetEvents)
    {
        await using (var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(serverConnection) { Database = "postgres" }.ConnectionString))
        {
            await using var drop = admin.CreateCommand($"drop database if exists {database} with (force)");
            await drop.ExecuteNonQueryAsync();
            await using var create = admin.CreateCommand($"create database {database}");
            await create.ExecuteNonQueryAsync();
        }

        var connection = new NpgsqlConnectionStringBuilder(serverConnection) { Database = database }.ConnectionString;
        using var writer = DocumentStore.For(o => MartenSetup.Configure(o, connection, inlineProjections: false));
        await writer.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var watch = Stopwatch.StartNew();
        var events = 0L;
        var person = 0;
        var provider = DeterministicGuid.From("bench:provider");
        Guid statement = Guid.Empty;
        var linesOnStatement = int.MaxValue;
        var at = new DateTimeOffset(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);
        while (events < targetEvents)
        {
            await using var session = writer.LightweightSession();
            for (var i = 0; i < 500; i++, person++)
            {
                var participant = Guid.CreateVersion7();
                var application = Guid.CreateVersion7();
                session.Events.StartStream(participant, new ParticipantRegistered(participant, $"Person {person}", $"p{person}@example.com",
                    $"{2_000_000 + person}", true, new DateOnly(1980, 1, 1), null, at));
                session.Events.StartStream(application,
                    new ApplicationRegistered(application, participant, provider, "npq-senior-leadership", 2025, "a",
                        new RegistrationAnswers(true, "United Kingdom of Great Britain and Northern Ireland", "GBR", "a_school", true, false, null,
                            "100001", "10000001", null, null, null, null, false, null, false, null, null, null, null, "england"),
                        true, "funded", false, null, at),
                    new ApplicationAccepted(application, participant, provider, "npq-leadership-autumn", true, at.AddDays(1)));
                events += 3;
                foreach (var type in new[] { "started", "retained-1", "completed" })
                {
                    if (linesOnStatement >= 200)
                    {
                        statement = Guid.CreateVersion7();
                        session.Events.StartStream(statement, new StatementOpened(statement, provider, "2025a", 2025, 2026, 1 + (person % 12),
                            new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 25), true, at));
                        linesOnStatement = 0;
                        events++;
                    }

                    var declaration = Guid.CreateVersion7();
                    var stream = new List<object>
                    {
                        new DeclarationSubmitted(declaration, application, participant, provider, type, at.AddDays(30), "npq-senior-leadership", 2025, "2025a",
                            null, null, false, at.AddDays(30)),
                        new DeclarationMarkedEligible(declaration, statement, at.AddDays(30)),
                    };
                    if (type == "completed")
                        stream.Add(new OutcomeRecorded(declaration, Guid.CreateVersion7(), "passed", new DateOnly(2026, 6, 30), at.AddDays(30)));
                    session.Events.StartStream(declaration, stream.ToArray());
                    session.Events.Append(statement, new StatementLineAdded(statement, declaration, StatementLineTypes.Billable, "eligible", at.AddDays(30)));
                    linesOnStatement++;
                    events += stream.Count + 1;
                }
            }

            await session.SaveChangesAsync();
        }

        var appendSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"generated {events:N0} events for {person:N0} people in {appendSeconds:F0} s");

        // A 100-event application stream for "state as of".
        var target = Guid.CreateVersion7();
        var owner = Guid.CreateVersion7();
        await using (var session = writer.LightweightSession())
        {
            var stream = new List<object>
            {
                new ApplicationRegistered(target, owner, provider, "npq-headship", 2025, "a",
                    new RegistrationAnswers(true, "United Kingdom of Great Britain and Northern Ireland", "GBR", "a_school", true, false, null,
                        "100001", "10000001", null, null, null, null, false, null, false, null, null, null, null, "england"),
                    true, "funded", false, null, at),
                new ApplicationAccepted(target, owner, provider, "npq-leadership-autumn", true, at),
            };
            for (var i = 0; i < 98; i++)
                stream.Add(new FundedPlaceChanged(target, i % 2 == 0, at.AddMinutes(i)));
            session.Events.StartStream(owner, new ParticipantRegistered(owner, "As Of", "asof@example.com", null, false, new DateOnly(1980, 1, 1), null, at));
            session.Events.StartStream(target, stream.ToArray());
            await session.SaveChangesAsync();
        }

        return (connection, events + 102, appendSeconds);
    }

    private static async Task<int> MeasureAsync(string connection)
    {
        // The 100-event application stream the generator ends with.
        await using var lookup = NpgsqlDataSource.Create(connection);
        await using var find = lookup.CreateCommand("select stream_id from npq.mt_events where type = 'funded_place_changed' limit 1");
        var target = (Guid)(await find.ExecuteScalarAsync())!;
        var watch = Stopwatch.StartNew();
        using var store = DocumentStore.For(o => MartenSetup.Configure(o, connection));
        var verifier = new ProjectionVerifier(store);
        var (_, replayed, seconds) = await verifier.ReplayAsync(CancellationToken.None);
        Console.WriteLine($"replay (read the log, apply every event in memory): {replayed:N0} events in {seconds:F1} s = {replayed / seconds:N0} events/s");

        watch.Restart();
        var report = await verifier.RebuildAsync(CancellationToken.None);
        var rebuild = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"rebuild (replay, replace every read model, verify): {report.Events:N0} events in {rebuild:F1} s = {report.Events / rebuild:N0} events/s; verified: {report.Ok}");

        var times = new List<double>();
        for (var i = 0; i < 60; i++)
        {
            await using var session = store.QuerySession();
            var handler = new GetStateAsOfHandler(session);
            var clock = Stopwatch.StartNew();
            var state = await handler.Handle(new GetStateAsOf(Caller.System, AuditResource.Application, target, null, 100), CancellationToken.None);
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (state.Application!.FundedPlace != false)
                throw new InvalidOperationException("the replayed state is wrong");
        }

        times = times.Skip(10).Order().ToList();
        Console.WriteLine($"state as of version 100 of a 100-event stream: median {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms");
        return 0;
    }
}
