using System.Diagnostics;
using Npgsql;
using Npq.Infrastructure.Audit;
using Npq.Infrastructure.Persistence;

namespace Npq.Bench;

/// <summary>
/// The floor of the bulk rebuild of the person views (issue 27): the same rows the rebuild wrote, copied
/// with binary <c>COPY</c> out of the live tables and into tables without any index, then each index of
/// the live table built on the copy (primary key included), and <c>ANALYZE</c>. Nothing is folded or
/// serialised here: what is left is what PostgreSQL needs to take the rows in and index them.
/// </summary>
public static class RebuildFloor
{
    public sealed record Result(double CopySeconds, double IndexSeconds, int Indexes, long Rows)
    {
        public double Seconds => CopySeconds + IndexSeconds;
    }

    public static async Task<Result> MeasureAsync(string database)
    {
        await using var source = new NpgsqlConnection(database);
        await using var target = new NpgsqlConnection(database);
        await source.OpenAsync();
        await target.OpenAsync();
        await ExecuteAsync(target, "set statement_timeout = 0; set maintenance_work_mem = '256MB'");
        var (copy, index, indexes, rows) = (0.0, 0.0, 0, 0L);
        foreach (var (table, columns) in new[] { (PersonViewTables.Participants.Table, PersonViewTables.Participants.Columns), (PersonViewTables.Applications.Table, PersonViewTables.Applications.Columns) })
        {
            var floor = $"public.floor_{table}";
            var list = string.Join(", ", columns);
            await ExecuteAsync(target, $"drop table if exists {floor}; create table {floor} (like {MartenSetup.Schema}.{table} including defaults)");
            var watch = Stopwatch.StartNew();
            await using (var output = await source.BeginRawBinaryCopyAsync($"copy {MartenSetup.Schema}.{table} ({list}) to stdout (format binary)"))
            await using (var input = await target.BeginRawBinaryCopyAsync($"copy {floor} ({list}) from stdin (format binary)"))
                await output.CopyToAsync(input);
            copy += watch.Elapsed.TotalSeconds;
            rows += (long)(await ScalarAsync(target, $"select count(*) from {floor}"))!;

            var definitions = new List<string>();
            await using (var command = new NpgsqlCommand(
                $"select pg_get_indexdef(indexrelid) from pg_index where indrelid = '{MartenSetup.Schema}.{table}'::regclass", target))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    definitions.Add(reader.GetString(0));
            }

            watch.Restart();
            foreach (var definition in definitions)
            {
                // "CREATE [UNIQUE] INDEX name ON npq.table USING …": the same index, named for the copy.
                var on = definition.IndexOf(" ON ", StringComparison.Ordinal);
                var usingAt = definition.IndexOf(" USING ", on, StringComparison.Ordinal);
                await ExecuteAsync(target, $"create index on {floor}{definition[usingAt..]}");
                indexes++;
            }

            await ExecuteAsync(target, $"analyze {floor}");
            index += watch.Elapsed.TotalSeconds;
            await ExecuteAsync(target, $"drop table {floor}");
        }

        return new Result(copy, index, indexes, rows);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteScalarAsync();
    }
}
