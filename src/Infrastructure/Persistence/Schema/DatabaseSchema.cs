using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using JasperFx;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Weasel.Core;
using Weasel.Core.Migrations;

namespace Npq.Infrastructure.Persistence.Schema;

/// <summary>
/// The database schema as committed, reviewed SQL (issue 28, ADR 0030). The migrations are the files in
/// <c>src/Infrastructure/Persistence/Migrations</c>, embedded in this assembly, applied in the order of their
/// names by <c>schema apply</c> (a job run with a role that may change the schema) and recorded in
/// <c>npq.schema_migrations</c> with the hash of their text. The code's own description of the schema
/// (Marten's documents and event store, our tables and functions, Wolverine's message tables) is only
/// ever compared with the database: <see cref="DifferencesAsync"/> says what the code expects that the
/// database lacks, and <see cref="ScriptAsync"/> writes it as the next migration for a developer to review.
/// </summary>
public static partial class DatabaseSchema
{
    public const string History = MartenSetup.Schema + ".schema_migrations";

    /// <summary>The schemas the service's objects live in (Marten's and Wolverine's).</summary>
    public static readonly string[] Schemas = [MartenSetup.Schema, MartenSetup.Schema + "_messages"];

    public sealed record Migration(string Id, string Sql, string Sha256);

    public sealed record Difference(string Database, string SchemaObject, string Change);

    public sealed record Applied(IReadOnlyList<string> Ran, IReadOnlyList<string> AlreadyThere);

    /// <summary>The committed migrations, in the order they apply.</summary>
    public static IReadOnlyList<Migration> Committed { get; } = Load(typeof(DatabaseSchema).Assembly);

    private const string ResourcePrefix = "npq-migrations/";

    private static List<Migration> Load(Assembly assembly) =>
    [
        .. assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!, Encoding.UTF8);
                var sql = reader.ReadToEnd().ReplaceLineEndings("\n");
                return new Migration(name[ResourcePrefix.Length..^".sql".Length], sql, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql))));
            }),
    ];

    /// <summary>
    /// Applies the committed migrations the database has not had, each in a transaction of its own with its
    /// row in <see cref="History"/>; two jobs at once wait for each other (an advisory lock). A migration
    /// already applied whose text has since changed is refused: a committed migration is never edited.
    /// A lock is waited for at most <paramref name="lockTimeout"/>, so a migration never queues every request
    /// behind a long transaction; statements themselves have no time limit (an index on a large table).
    /// </summary>
    public static async Task<Applied> ApplyAsync(string connectionString, string? grantTo, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        if (grantTo is not null && !RoleName().IsMatch(grantTo))
            throw new ArgumentException($"'{grantTo}' is not a plain role name (lower-case letters, digits and underscores).");

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "npq-schema-apply" };
        builder.Options = $"-c statement_timeout=0 -c lock_timeout={(int)lockTimeout.TotalMilliseconds}";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"select pg_advisory_lock({LockKey})", cancellationToken);
        await ExecuteAsync(connection, null,
            $"create schema if not exists {MartenSetup.Schema}; " +
            $"create table if not exists {History} (id text primary key, sha256 text not null, applied_at timestamptz not null default now())",
            cancellationToken);

        var done = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand($"select id, sha256 from {History}", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                done[reader.GetString(0)] = reader.GetString(1);
        }

        var ran = new List<string>();
        var there = new List<string>();
        foreach (var migration in Committed)
        {
            if (done.TryGetValue(migration.Id, out var sha))
            {
                if (sha != migration.Sha256)
                    throw new SchemaException($"Migration {migration.Id} was applied with another text (sha256 {sha[..Math.Min(12, sha.Length)]}…, committed {migration.Sha256[..12]}…): a migration that has run is never edited; add a new one.");
                there.Add(migration.Id);
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using (var record = new NpgsqlCommand($"insert into {History} (id, sha256) values ($1, $2)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter { Value = migration.Id });
                record.Parameters.Add(new NpgsqlParameter { Value = migration.Sha256 });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            ran.Add(migration.Id);
        }

        if (grantTo is not null)
            await ExecuteAsync(connection, null, GrantsSql(grantTo), cancellationToken);
        await ExecuteAsync(connection, null, $"select pg_advisory_unlock({LockKey})", cancellationToken);
        return new Applied(ran, there);
    }

    /// <summary>
    /// What the service's role may do: read and write rows, use the sequences, call the functions; never
    /// create, alter, drop or truncate. Run again after each migration (new tables need the grant too).
    /// </summary>
    public static string GrantsSql(string role)
    {
        var sql = new StringBuilder();
        foreach (var schema in Schemas)
        {
            sql.Append($"create schema if not exists {schema}; grant usage on schema {schema} to {role}; ");
            sql.Append($"grant select, insert, update, delete on all tables in schema {schema} to {role}; ");
            sql.Append($"grant usage, select, update on all sequences in schema {schema} to {role}; ");
            sql.Append($"grant execute on all functions in schema {schema} to {role}; ");
        }

        return sql.ToString();
    }

    /// <summary>
    /// A database the service made for itself before ADR 0030 (an event store, and no record of migrations)
    /// is adopted: the schema changes its own start would have made are made once more (Weasel's comparison,
    /// as every start of the earlier versions did), and every committed migration is recorded as applied,
    /// since the database now holds what they create. Returns whether it adopted; a database with a record
    /// of migrations, or an empty one, is left to <see cref="ApplyAsync"/>.
    /// </summary>
    public static async Task<bool> AdoptAsync(IServiceProvider services, string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "npq-schema-adopt" }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"select pg_advisory_lock({LockKey})", cancellationToken);
        await using (var made = new NpgsqlCommand(
                         $"select to_regclass('{MartenSetup.Schema}.mt_events') is not null and to_regclass('{History}') is null", connection))
        {
            if (!(bool)(await made.ExecuteScalarAsync(cancellationToken))!)
            {
                await ExecuteAsync(connection, null, $"select pg_advisory_unlock({LockKey})", cancellationToken);
                return false;
            }
        }

        foreach (var database in await DatabasesAsync(services))
            await database.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate, ct: cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction,
            $"create table if not exists {History} (id text primary key, sha256 text not null, applied_at timestamptz not null default now())", cancellationToken);
        foreach (var migration in Committed)
        {
            await using var record = new NpgsqlCommand($"insert into {History} (id, sha256) values ($1, $2)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Id });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Sha256 });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"select pg_advisory_unlock({LockKey})", cancellationToken);
        return true;
    }

    /// <summary>Everything the code expects that the database lacks or has otherwise, database by database.</summary>
    public static async Task<IReadOnlyList<Difference>> DifferencesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var differences = new List<Difference>();
        foreach (var database in await DatabasesAsync(services))
        {
            var migration = await database.CreateMigrationAsync(cancellationToken);
            differences.AddRange(migration.Deltas
                .Where(delta => delta.Difference != SchemaPatchDifference.None)
                .Select(delta => new Difference(database.Describe().SubjectUri.ToString(), delta.SchemaObject.Identifier.QualifiedName, delta.Difference.ToString())));
        }

        return differences;
    }

    /// <summary>The SQL that brings the database to what the code expects (empty when nothing differs): the next migration.</summary>
    public static async Task<string> ScriptAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var script = new StringWriter { NewLine = "\n" };
        foreach (var database in await DatabasesAsync(services))
        {
            var migration = await database.CreateMigrationAsync(cancellationToken);
            if (migration.Difference == SchemaPatchDifference.None)
                continue;
            migration.AssertPatchingIsValid(AutoCreate.CreateOrUpdate);
            script.WriteLine($"-- {database.Describe().SubjectUri}");
            // Marten's migration creates its schema itself; Wolverine's needs it written first.
            if (migration.Schemas.Length > 0 && !migration.Deltas.Any(d => d.SchemaObject.Identifier.QualifiedName == "Database.Schemas"))
                database.Migrator.WriteSchemaCreationSql(migration.Schemas, script);
            migration.WriteAllUpdates(script, database.Migrator, AutoCreate.CreateOrUpdate);
        }

        return script.ToString();
    }

    /// <summary>Marten's database and Wolverine's message store, in that order (as Weasel's own commands find them).</summary>
    private static async Task<List<IDatabase>> DatabasesAsync(IServiceProvider services)
    {
        var databases = services.GetServices<IDatabase>().ToList();
        foreach (var source in services.GetServices<IDatabaseSource>())
            databases.AddRange(await source.BuildDatabases());
        return [.. databases.DistinctBy(d => d.Describe().SubjectUri).OrderBy(d => d.Describe().SubjectUri.Scheme == "marten" ? 0 : 1)];
    }

    private const long LockKey = 0x6e70715f736368; // "npq_sch"

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}

/// <summary>The database's schema cannot be brought to this version as asked.</summary>
public sealed class SchemaException(string message) : Exception(message);
