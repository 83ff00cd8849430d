using Marten;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npq.Infrastructure.Persistence;
using Weasel.Core;
using Weasel.Postgresql.Tables;

namespace Npq.Infrastructure.Idempotency;

/// <summary>A response kept for an <c>Idempotency-Key</c>, with the hash of the request that earned it.</summary>
public sealed record StoredResponse(byte[] RequestHash, int Status, string? ContentType, string? Location, byte[] Body);

/// <summary>
/// The responses of writes sent with an <c>Idempotency-Key</c> (issue 15, ADR 0019), kept for 24 hours
/// per caller and key. A write's response is stored in the write's own transaction; a request holds
/// its key with a transaction-scoped advisory lock, so a second request with the same key while the
/// first runs is told so at once, and a process that dies mid-request leaves neither a lock nor a row.
/// </summary>
public static class IdempotencyStore
{
    public const string TableName = MartenSetup.Schema + ".idempotent_requests";

    /// <summary>How long a key and its response are kept.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromHours(24);

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var table = new Table(TableName);
        table.AddColumn<string>("scope").AsPrimaryKey();
        table.AddColumn<string>("key").AsPrimaryKey();
        table.AddColumn("request_hash", "bytea").NotNull();
        table.AddColumn<int>("status").NotNull();
        table.AddColumn<string>("content_type");
        table.AddColumn<string>("location");
        table.AddColumn("body", "bytea").NotNull();
        table.AddColumn("created_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        table.Indexes.Add(new IndexDefinition("ix_idempotent_requests_created_at") { Columns = ["created_at"] });
        yield return table;
    }

    /// <summary>Takes the key for the rest of the transaction; false when another request holds it.</summary>
    public static async Task<bool> TryLockAsync(RequestTransaction request, string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select pg_try_advisory_xact_lock(hashtextextended($1 || chr(10) || $2, 15))", request.Connection, request.Transaction);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The response kept for the key in the last 24 hours, if any.</summary>
    public static async Task<StoredResponse?> FindAsync(RequestTransaction request, string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select request_hash, status, content_type, location, body from {TableName} where scope = $1 and key = $2 and created_at > now() - $3",
            request.Connection, request.Transaction);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(KeepFor);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new StoredResponse(
            reader.GetFieldValue<byte[]>(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<byte[]>(4));
    }

    /// <summary>
    /// Keeps the response in the given transaction. It replaces only an expired answer for the same key:
    /// one still kept is never overwritten (false then).
    /// </summary>
    public static async Task<bool> SaveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string scope, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            insert into {TableName} (scope, key, request_hash, status, content_type, location, body, created_at)
            values ($1, $2, $3, $4, $5, $6, $7, now())
            on conflict (scope, key) do update set request_hash = excluded.request_hash, status = excluded.status,
              content_type = excluded.content_type, location = excluded.location, body = excluded.body, created_at = excluded.created_at
              where {TableName}.created_at <= now() - $8
            """,
            connection, transaction);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(response.RequestHash);
        command.Parameters.AddWithValue(response.Status);
        command.Parameters.AddWithValue((object?)response.ContentType ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)response.Location ?? DBNull.Value);
        command.Parameters.AddWithValue(response.Body);
        command.Parameters.AddWithValue(KeepFor);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Deletes, in batches, the keys older than <see cref="KeepFor"/>; returns how many.</summary>
    public static async Task<int> DeleteExpiredAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        while (true)
        {
            await using var command = new NpgsqlCommand(
                $"delete from {TableName} where ctid in (select ctid from {TableName} where created_at <= now() - $1 limit 5000)", connection);
            command.Parameters.AddWithValue(KeepFor);
            var batch = await command.ExecuteNonQueryAsync(cancellationToken);
            deleted += batch;
            if (batch < 5000)
                return deleted;
        }
    }
}

/// <summary>Runs <see cref="IdempotencyStore.DeleteExpiredAsync"/> every hour in every server process.</summary>
public sealed class IdempotencyCleanup(IDocumentStore store, ILogger<IdempotencyCleanup> logger) : PeriodicCleanup(logger)
{
    protected override TimeSpan Period => TimeSpan.FromHours(1);

    protected override string What => "idempotency keys older than a day";

    protected override Task<int> CleanAsync(CancellationToken cancellationToken) => IdempotencyStore.DeleteExpiredAsync(store, cancellationToken);
}
