using System.Diagnostics;
using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Npq.Application.Audit;
using Npq.Application.NpqApplications;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Audit;

/// <summary>
/// Rebuilds the participant and application views from the log in bulk (issue 27, ADR 0028), in
/// memory bounded by a batch, not by the log:
/// <list type="number">
/// <item>one pass over the person events groups their streams into people no event crosses (<see cref="ConnectedPeople"/>);</item>
/// <item>in one transaction, the views' secondary indexes are dropped and the tables truncated;</item>
/// <item>batch by batch, each batch's events are read in log order, folded by the same projector the
/// inline projection uses (<see cref="ParticipantApplicationsProjector"/>) and the views written with
/// <c>COPY</c>, while the next batch is read;</item>
/// <item>the indexes are built again and the tables analysed; then the transaction commits.</item>
/// </list>
/// If the process or the database dies on the way, the transaction rolls back and the old views
/// stand, indexes included. The tables are locked meanwhile: run it with the API stopped.
/// </summary>
public sealed class PersonViewsBulkRebuild(IDocumentStore store)
{
    public sealed record Report(long Events, int Streams, int Batches, double GroupSeconds, double FoldAndCopySeconds, double IndexSeconds)
    {
        /// <summary>Seconds per index built, by name.</summary>
        public IReadOnlyDictionary<string, double> Indexes { get; init; } = new Dictionary<string, double>();
    }

    /// <summary>Streams per batch (a person and their applications are a few streams).</summary>
    public const int DefaultBatchStreams = 5_000;

    private readonly ISerializer _serializer = store.Options.Serializer();

    private readonly Dictionary<string, Type> _types = ParticipantApplicationsProjector.Events.Types
        .ToDictionary(type => type.GetEventTypeName());

    /// <summary>Replaces the views in <paramref name="schema"/> (the live one, or verify's shadow) by those the log gives.</summary>
    /// <param name="buildIndexes">False for verify's shadow copy, which is only compared by id (its primary key stays).</param>
    public async Task<Report> RunAsync(string schema, bool buildIndexes = true, int batchStreams = DefaultBatchStreams, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        await using var reader = await OpenAsync(cancellationToken);
        var people = await GroupAsync(reader, cancellationToken);
        var groupSeconds = watch.Elapsed.TotalSeconds;

        await using var writer = await OpenAsync(cancellationToken);
        await using var transaction = await writer.BeginTransactionAsync(cancellationToken);
        var indexes = await DropIndexesAndTruncateAsync(writer, schema, cancellationToken);

        watch.Restart();
        long events = 0;
        var batches = people.Batches(batchStreams).ToList();
        var next = batches.Count > 0 ? ReadAsync(reader, batches[0], cancellationToken) : null;
        for (var i = 0; i < batches.Count; i++)
        {
            var batch = await next!;
            next = i + 1 < batches.Count ? ReadAsync(reader, batches[i + 1], cancellationToken) : null;
            var projector = new ParticipantApplicationsProjector([], []);
            foreach (var (streamId, data) in batch)
                projector.Apply(streamId, data);
            events += batch.Count;
            await PersonViewTables.Participants.CopyAsync(writer, schema, _serializer, projector.Participants, p => p.Id, cancellationToken);
            await PersonViewTables.Applications.CopyAsync(writer, schema, _serializer, projector.Applications, a => a.Id, cancellationToken);
        }

        if (events != people.Events)
            throw new InvalidOperationException($"The log changed during the rebuild ({people.Events} person events grouped, {events} folded): stop the API and run it again.");
        var foldSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var built = new Dictionary<string, double>();
        foreach (var (name, definition) in buildIndexes ? indexes : [])
        {
            var one = Stopwatch.StartNew();
            await ExecuteAsync(writer, definition, cancellationToken);
            built[name] = Math.Round(one.Elapsed.TotalSeconds, 2);
        }

        foreach (var table in PersonViewTables.Tables)
            await ExecuteAsync(writer, $"analyze {schema}.{table}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Report(events, people.Streams, batches.Count, Math.Round(groupSeconds, 2), Math.Round(foldSeconds, 2), Math.Round(watch.Elapsed.TotalSeconds, 2))
        {
            Indexes = built,
        };
    }

    /// <summary>
    /// Pass 1: every person event's stream and the participants it names, read from the stored JSON by
    /// PostgreSQL (<see cref="ConnectedPeople.LinkingProperties"/>), not deserialised here.
    /// </summary>
    private async Task<ConnectedPeople> GroupAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var named = string.Join(", ", ConnectedPeople.LinkingProperties.Select(p => $"(data ->> '{p}')::uuid"));
        var linking = _types.Where(t => ConnectedPeople.LinkingTypes.Contains(t.Value)).Select(t => t.Key).ToArray();
        await using var command = new NpgsqlCommand(
            $"""
            select seq_id, stream_id, case when type = any(@linking) then array_remove(array[{named}], null) end
            from {MartenSetup.Schema}.mt_events where type = any(@types)
            """, connection);
        command.Parameters.AddWithValue("linking", NpgsqlDbType.Array | NpgsqlDbType.Varchar, linking);
        command.Parameters.AddWithValue("types", NpgsqlDbType.Array | NpgsqlDbType.Varchar, _types.Keys.ToArray());
        // Room for every stream at once (PostgreSQL's estimate of their number, and a quarter more: an
        // estimate is only that), so the arrays need not grow.
        await using var estimate = new NpgsqlCommand($"select (greatest(reltuples, 0) * 1.25)::int from pg_class where oid = '{MartenSetup.Schema}.mt_streams'::regclass", connection);
        var people = new ConnectedPeople(Math.Max(1024, (int)(await estimate.ExecuteScalarAsync(cancellationToken))!));
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
            people.Add(rows.GetInt64(0), rows.GetGuid(1), rows.IsDBNull(2) ? [] : rows.GetFieldValue<Guid[]>(2));
        return people;
    }

    /// <summary>A batch's person events, in log order, deserialised.</summary>
    private async Task<List<(Guid StreamId, object Data)>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<Guid> streams, CancellationToken cancellationToken)
    {
        await Task.Yield(); // let the caller fold and copy the previous batch meanwhile
        await using var command = new NpgsqlCommand(
            $"select stream_id, type, data from {MartenSetup.Schema}.mt_events where stream_id = any(@streams) and type = any(@types) order by seq_id",
            connection);
        command.Parameters.AddWithValue("streams", NpgsqlDbType.Array | NpgsqlDbType.Uuid, streams.ToArray());
        command.Parameters.AddWithValue("types", NpgsqlDbType.Array | NpgsqlDbType.Varchar, _types.Keys.ToArray());
        var events = new List<(Guid, object)>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
            events.Add((rows.GetGuid(0), _serializer.FromJson(_types[rows.GetString(1)], rows, 2)));
        return events;
    }

    /// <summary>Drops every index but the primary key (returning how to build each again) and empties the tables.</summary>
    private static async Task<List<(string Name, string Definition)>> DropIndexesAndTruncateAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var indexes = new List<(string, string)>();
        await using (var command = new NpgsqlCommand(
            """
            select i.relname, pg_get_indexdef(x.indexrelid)
            from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
            where n.nspname = @schema and t.relname = any(@tables) and not x.indisprimary
            order by t.relname, i.relname
            """, connection))
        {
            command.Parameters.AddWithValue("schema", schema);
            command.Parameters.AddWithValue("tables", PersonViewTables.Tables.ToArray());
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
                indexes.Add((rows.GetString(0), rows.GetString(1)));
        }

        foreach (var (name, _) in indexes)
            await ExecuteAsync(connection, $"drop index {schema}.\"{name}\"", cancellationToken);
        await ExecuteAsync(connection, $"truncate {string.Join(", ", PersonViewTables.Tables.Select(t => $"{schema}.{t}"))}", cancellationToken);
        return indexes;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        // A rebuild reads and writes whole tables; building an index sorts in maintenance_work_mem.
        await ExecuteAsync(connection, "set statement_timeout = 0; set maintenance_work_mem = '256MB'", cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
