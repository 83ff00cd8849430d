using Marten;
using Npgsql;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Scale;

[CollectionDefinition(Name)]
public sealed class ScanTests : ICollectionFixture<ScanFixture>
{
    public const string Name = "scan";
}

/// <summary>A server on its own database whose Marten statements are captured (<see cref="SqlCapture"/>).</summary>
public sealed class ScanFixture : ApiFixture
{
    public SqlCapture Capture { get; } = new();

    protected override ApiFactory CreateFactory(string connectionString) =>
        new(connectionString, services: services => services.ConfigureMarten(options => options.Logger(Capture)));

    /// <summary>
    /// Grows a table to <paramref name="rows"/> rows with copies of the rows it has, each copy with new
    /// ids in every uuid column (so no copy matches the test's own provider, participant or stream) and
    /// a TRN of its own,
    /// then ANALYZEs it so the planner knows its size. Returns the rows added (0 when it had none to copy).
    /// </summary>
    public async Task<long> InflateAsync(string table, int rows)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        var columns = new List<(string Name, string Type, bool Generated)>();
        await using (var command = new NpgsqlCommand(
            """
            select column_name, data_type, coalesce(column_default like 'nextval%', false) or is_generated = 'ALWAYS' or is_identity = 'YES'
            from information_schema.columns where table_schema = 'npq' and table_name = $1 order by ordinal_position
            """, connection))
        {
            command.Parameters.AddWithValue(table);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        }

        columns.ShouldNotBeEmpty($"npq.{table} does not exist");
        var copied = columns.Where(c => !c.Generated).ToList();
        var values = copied.Select(c => c switch
        {
            { Type: "uuid" } => "gen_random_uuid()",
            { Name: "seq_id" } => "nextval('npq.mt_events_sequence')",
            // Copies must not all share the template's TRN: that would make a TRN lookup match thousands.
            { Name: "teacher_reference_number" } => "left(md5(random()::text), 7)",
            { Name: "data", Type: "jsonb" } =>
                "case when t.data ? 'TeacherReferenceNumber' then jsonb_set(t.data, '{TeacherReferenceNumber}', to_jsonb(left(md5(random()::text), 7))) else t.data end",
            { Name: "id", Type: "text" or "character varying" } => "t.id || ':' || gen_random_uuid()",
            _ => $"t.\"{c.Name}\"",
        });
        var names = string.Join(", ", copied.Select(c => $"\"{c.Name}\""));
        var sql = $"""
            insert into npq."{table}" ({names})
            select {string.Join(", ", values)}
            from (select * from npq."{table}") t
            cross join generate_series(1, greatest(1, ceil({rows}::numeric / greatest(1, (select count(*) from npq."{table}")))::int))
            limit {rows}
            """;
        long added;
        // Copied events point at streams that do not exist: no reader ever asks for them, and the
        // foreign key would otherwise refuse them (replica mode skips it; the tests run as a superuser).
        await using (var replica = new NpgsqlCommand("set session_replication_role = replica", connection))
            await replica.ExecuteNonQueryAsync();
        await using (var insert = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 })
            added = await insert.ExecuteNonQueryAsync();
        await using (var analyze = new NpgsqlCommand($"analyze npq.\"{table}\"", connection))
            await analyze.ExecuteNonQueryAsync();
        return added;
    }
}
