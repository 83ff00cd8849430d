using Marten;
using Npgsql;
using Npq.Application.Audit;
using Npq.Domain.Courses;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;
using Npq.Infrastructure.Audit;
using Npq.Infrastructure.Persistence;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Audit;

/// <summary>
/// The bulk rebuild of the person views (ADR 0028) gives, row for row and column for column, the views
/// the inline projection wrote while the events were appended: over random logs of registrations,
/// decisions, training changes, transfers, moved applications, chained id changes and DfE's changes
/// of a person, appended in random transactions, rebuilt in random batch sizes (one stream a batch
/// upwards, so people are split across batches wherever the grouping allows).
/// </summary>
public sealed class BulkRebuildPropertyTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private DocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _store = DocumentStore.For(options => MartenSetup.Configure(options, _database.ConnectionString));
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task The_bulk_rebuild_equals_the_inline_projection_over_random_logs()
    {
        for (var seed = 1; seed <= 6; seed++)
        {
            var random = new Random(seed);
            var log = new RandomPersonLog(random);
            foreach (var transaction in log.Transactions(operations: 150))
            {
                await using var session = _store.LightweightSession();
                foreach (var (stream, data) in transaction)
                    session.Events.Append(stream, data);
                await session.SaveChangesAsync();
            }

            var inline = await RowsAsync();
            inline[PersonViewTables.Participants.Table].Count.ShouldBeGreaterThan(0);
            foreach (var batch in new[] { 1, 1 + random.Next(6), 5_000 })
            {
                var report = await new PersonViewsBulkRebuild(_store).RunAsync(MartenSetup.Schema, batchStreams: batch);
                report.Streams.ShouldBeGreaterThan(0);
                var rebuilt = await RowsAsync();
                foreach (var table in PersonViewTables.Tables)
                    rebuilt[table].ShouldBe(inline[table], $"seed {seed}, batches of {batch} streams: {table}");
            }
        }

        (await IndexesAsync()).ShouldContain("mt_doc_participantview_idx_data", "the indexes are built again");
    }

    [Fact]
    public async Task The_bulk_rebuild_writes_every_column_Marten_fills()
    {
        foreach (var (table, written) in new[] { (PersonViewTables.Participants.Table, PersonViewTables.Participants.Columns), (PersonViewTables.Applications.Table, PersonViewTables.Applications.Columns) })
        {
            var columns = await ColumnsAsync(table);
            columns.Except(["mt_last_modified"]).Order().ShouldBe(written.Order(), table);
        }
    }

    [Fact]
    public void The_properties_read_in_SQL_name_exactly_the_participants_the_projector_loads()
    {
        var random = new Random(7);
        foreach (var type in ConnectedPeople.LinkingTypes)
        {
            var constructor = type.GetConstructors().Single();
            var arguments = constructor.GetParameters().Select(p => Sample(p.ParameterType, random)).ToArray();
            var data = constructor.Invoke(arguments);
            var named = ConnectedPeople.LinkingProperties
                .Select(name => type.GetProperty(name)?.GetValue(data))
                .OfType<Guid>()
                .ToHashSet();
            named.ShouldBe(Npq.Application.NpqApplications.ParticipantApplicationsProjector.ParticipantsOf(data).ToHashSet(), ignoreOrder: true, type.Name);
        }

        static object? Sample(Type type, Random random) =>
            type == typeof(Guid) ? Guid.NewGuid()
            : type == typeof(string) ? "x"
            : type == typeof(DateTimeOffset) ? DateTimeOffset.UnixEpoch.AddDays(random.Next(20_000))
            : type.IsValueType ? Activator.CreateInstance(type)
            : null;
    }

    /// <summary>Every row of each person table as text, without the two columns a write stamps (version and time).</summary>
    private async Task<Dictionary<string, List<string>>> RowsAsync()
    {
        var rows = new Dictionary<string, List<string>>();
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in PersonViewTables.Tables)
        {
            var columns = (await ColumnsAsync(table)).Except(["mt_version", "mt_last_modified"]).Order().ToList();
            await using var command = new NpgsqlCommand(
                $"select concat_ws(' | ', {string.Join(", ", columns.Select(c => $"coalesce({c}::text, 'null')"))}) from {MartenSetup.Schema}.{table} order by id", connection);
            var list = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                list.Add(reader.GetString(0));
            rows[table] = list;
        }

        return rows;
    }

    private async Task<List<string>> ColumnsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select column_name from information_schema.columns where table_schema = @schema and table_name = @table", connection);
        command.Parameters.AddWithValue("schema", MartenSetup.Schema);
        command.Parameters.AddWithValue("table", table);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            columns.Add(reader.GetString(0));
        return columns;
    }

    private async Task<List<string>> IndexesAsync()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select indexname from pg_indexes where schemaname = '{MartenSetup.Schema}'", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>
    /// Valid random histories of people: each operation appends what the service's handlers append for
    /// it (an id change also moves the retired person's applications), with times that move forward by
    /// random ticks (sub-microsecond parts included, which PostgreSQL rounds in the time columns).
    /// </summary>
    private sealed class RandomPersonLog(Random random)
    {
        private static readonly string[] CourseIds = [Courses.SeniorLeadership, Courses.Headship, Courses.LeadingTeaching, Courses.Senco];
        private readonly Guid[] _providers = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        private readonly List<Guid> _people = [];
        private readonly HashSet<Guid> _retired = [];
        private readonly List<App> _applications = [];
        private DateTimeOffset _now = new DateTimeOffset(2025, 9, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(random.Next(10_000_000));

        private sealed class App(Guid id, Guid person, Guid provider)
        {
            public Guid Id { get; } = id;

            public Guid Person { get; set; } = person;

            public Guid Provider { get; set; } = provider;

            public ApplicationStatus Status { get; set; } = ApplicationStatus.Pending;
        }

        public IEnumerable<List<(Guid Stream, object Data)>> Transactions(int operations)
        {
            var transaction = new List<(Guid, object)>();
            for (var i = 0; i < operations; i++)
            {
                transaction.AddRange(Next());
                if (random.Next(3) == 0)
                {
                    yield return transaction;
                    transaction = [];
                }
            }

            if (transaction.Count > 0)
                yield return transaction;
        }

        private IEnumerable<(Guid, object)> Next()
        {
            _now = _now.AddTicks(1 + random.Next(50_000_000));
            var living = _people.Where(p => !_retired.Contains(p)).ToList();
            var roll = random.Next(100);
            if (living.Count < 3 || roll < 15)
                return [Register()];
            if (roll < 40)
                return [Apply(living[random.Next(living.Count)])];
            if (_applications.Count == 0)
                return [];
            var app = _applications[random.Next(_applications.Count)];
            return roll switch
            {
                < 55 => Decide(app),
                < 65 => Train(app),
                < 70 => [(app.Id, Transfer(app))],
                < 76 => [(app.Id, new ScheduleChanged(app.Id, "npq-leadership-spring", 2025, "a", random.Next(2) == 0, _now))],
                < 79 => [(app.Id, new FundingEligibilityOverridden(app.Id, random.Next(2) == 0, "marked_funded_by_policy", _now))],
                < 82 => [(app.Id, new ApplicationCohortChanged(app.Id, 2024 + random.Next(2), "a", _now))],
                < 85 => MoveTo(app, living[random.Next(living.Count)]),
                < 89 => ChangeId(living[random.Next(living.Count)], living[random.Next(living.Count)]),
                _ => ChangePerson(_people[random.Next(_people.Count)]),
            };
        }

        private (Guid, object) Register()
        {
            var id = Guid.CreateVersion7();
            _people.Add(id);
            var trn = random.Next(2) == 0 ? $"{random.Next(1_000_000, 9_999_999)}" : null;
            return (id, new ParticipantRegistered(id, $"Person {id:N}", $"{id:N}@example.com", trn, trn is not null, new DateOnly(1980, 1, 1), null, _now));
        }

        private (Guid, object) Apply(Guid person)
        {
            var app = new App(Guid.CreateVersion7(), person, _providers[random.Next(_providers.Length)]);
            _applications.Add(app);
            var answers = new RegistrationAnswers(true, "England", "GBR", "a_school", true, null, null, "100001", null, null, null, null, null,
                false, null, false, null, null, null, null, "england");
            var eligible = random.Next(2) == 0;
            return (app.Id, new ApplicationRegistered(app.Id, person, app.Provider, CourseIds[random.Next(CourseIds.Length)], 2024 + random.Next(2), "a",
                answers, eligible, eligible ? "funded" : "not_in_england", random.Next(4) == 0, null, _now));
        }

        private List<(Guid, object)> Decide(App app)
        {
            switch (app.Status, random.Next(3))
            {
                case (ApplicationStatus.Pending, 0):
                    app.Status = ApplicationStatus.Rejected;
                    return [(app.Id, new ApplicationRejected(app.Id, RejectionReasons.RejectedByProvider, null, _now))];
                case (ApplicationStatus.Pending, _):
                    app.Status = ApplicationStatus.Accepted;
                    return [(app.Id, new ApplicationAccepted(app.Id, app.Person, app.Provider, "npq-leadership-autumn", random.Next(3) == 0 ? null : random.Next(2) == 0, _now))];
                case (ApplicationStatus.Accepted, 0):
                    return [(app.Id, new FundedPlaceChanged(app.Id, random.Next(2) == 0, _now))];
                default:
                    app.Status = ApplicationStatus.Pending;
                    return [(app.Id, new ApplicationRevertedToPending(app.Id, null, _now))];
            }
        }

        private List<(Guid, object)> Train(App app) =>
            app.Status != ApplicationStatus.Accepted ? [] : random.Next(3) switch
            {
                0 => [(app.Id, new ParticipantDeferred(app.Id, app.Provider, "other", _now))],
                1 => [(app.Id, new ParticipantWithdrawn(app.Id, app.Provider, "personal-reason", _now))],
                _ => [(app.Id, new ParticipantResumed(app.Id, app.Provider, _now))],
            };

        private ApplicationTransferred Transfer(App app)
        {
            var to = _providers.Where(p => p != app.Provider).ElementAt(random.Next(_providers.Length - 1));
            var transfer = new ApplicationTransferred(app.Id, app.Provider, to, _now);
            app.Provider = to;
            return transfer;
        }

        private List<(Guid, object)> MoveTo(App app, Guid person)
        {
            if (app.Person == person || _retired.Contains(app.Person))
                return [];
            var move = new ApplicationParticipantChanged(app.Id, app.Person, person, _now);
            app.Person = person;
            return [(app.Id, move)];
        }

        /// <summary>As <c>ChangeParticipantId</c> appends: the change on both people's streams, then each application moved.</summary>
        private List<(Guid, object)> ChangeId(Guid from, Guid to)
        {
            if (from == to)
                return [];
            var change = new ParticipantIdChanged(from, from, to, _now);
            List<(Guid, object)> events = [(from, change), (to, change with { ParticipantId = to })];
            foreach (var app in _applications.Where(a => a.Person == from))
            {
                events.Add((app.Id, new ApplicationParticipantChanged(app.Id, from, to, _now)));
                app.Person = to;
            }

            _retired.Add(from);
            return events;
        }

        private List<(Guid, object)> ChangePerson(Guid person) => random.Next(3) switch
        {
            0 => [(person, new ParticipantEmailChanged(person, random.Next(3) == 0 ? null : $"new.{random.Next()}@example.com", _now))],
            1 => [(person, new ParticipantNameChanged(person, $"Renamed {random.Next()}", ["Earlier Name"], _now))],
            _ => [(person, new ParticipantTrnVerified(person, $"{random.Next(1_000_000, 9_999_999)}", _now))],
        };
    }
}
