using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Npq.Application.Audit.Log;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// Asks each witness (C2SP tlog-witness, ADR 0039) to cosign the latest checkpoint, with a consistency
/// proof from the size it cosigned last, and keeps the cosignatures that verify; the checkpoint is served
/// with them. A witness that has seen more of the log than the log holds, or finds the proof false,
/// refuses: the refusal is kept beside the witness and logged as critical, and asked again next round.
/// What the log knows of each witness is in the database, so a crash between asking and storing only
/// costs one 409 (the witness says where it is) the next time.
/// </summary>
public sealed partial class WitnessCollector(AuditLogStore store, IOptions<AuditLogOptions> options, TimeProvider time, ILogger<WitnessCollector> logger) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A witness to ask: its key and its submission prefix.</summary>
    public sealed record Endpoint(Cosignature.Witness Witness, Uri Url);

    /// <summary>How asking one witness ended.</summary>
    public enum Outcome { Cosigned, AlreadyCosigned, Refused, Unreachable, NoCheckpoint }

    public sealed record Result(string Witness, Outcome Outcome, long Size, string? Detail);

    /// <summary>The configured witnesses.</summary>
    public IReadOnlyList<Endpoint> Configured => [.. options.Value.Witnesses.Select(w =>
        new Endpoint(Cosignature.ParseVerifierKey(w.VerifierKey)!, new Uri(w.Url.TrimEnd('/') + "/add-checkpoint")))];

    public Task<IReadOnlyList<Result>> CollectAsync(CancellationToken cancellationToken) => CollectAsync(Configured, cancellationToken);

    public async Task<IReadOnlyList<Result>> CollectAsync(IReadOnlyList<Endpoint> witnesses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(witnesses);
        await using var connection = await store.Source.OpenConnectionAsync(cancellationToken);
        (long Size, string Note)? latest = null;
        await using (var command = new NpgsqlCommand($"select size, note from {AuditLogStore.Checkpoints} order by size desc limit 1", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
                latest = (reader.GetInt64(0), reader.GetString(1));
        }

        var results = new List<Result>(witnesses.Count);
        foreach (var witness in witnesses)
        {
            if (latest is not { } checkpoint)
            {
                results.Add(new Result(witness.Witness.Name, Outcome.NoCheckpoint, 0, null));
                continue;
            }

            try
            {
                results.Add(await AskAsync(connection, witness, checkpoint.Size, checkpoint.Note, cancellationToken));
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Unreachable(logger, witness.Witness.Name, exception.Message);
                results.Add(new Result(witness.Witness.Name, Outcome.Unreachable, checkpoint.Size, exception.Message));
            }
        }

        return results;
    }

    private async Task<Result> AskAsync(NpgsqlConnection connection, Endpoint endpoint, long size, string note, CancellationToken cancellationToken)
    {
        var name = endpoint.Witness.Name;
        var (known, cosigned) = await KnownAsync(connection, name, size, cancellationToken);
        if (known == size && cosigned)
            return new Result(name, Outcome.AlreadyCosigned, size, null);
        var body = Checkpoint.Parse(note)!.Value.Body;
        // Twice at most: the first answer may be a 409 saying where the witness is (after a crash, or a new witness).
        for (var attempt = 0; ; attempt++)
        {
            if (known > size)
                return await RefusedAsync(connection, name, size,
                    $"the witness has cosigned a tree of {known}, larger than this log's {size}: the log is an older copy, or forked", cancellationToken);
            var proof = known == 0 || known == size ? [] : await AuditLogStore.HashesAsync(connection, MerkleTree.ConsistencyRanges(known, size), cancellationToken);
            using var content = new StringContent(Cosignature.AddCheckpointBody(known, proof, note), Encoding.UTF8, "text/plain");
            using var answer = await _http.PostAsync(endpoint.Url, content, cancellationToken);
            var text = await answer.Content.ReadAsStringAsync(cancellationToken);
            if (answer.StatusCode == HttpStatusCode.Conflict && attempt == 0
                && answer.Content.Headers.ContentType?.MediaType == "text/x.tlog.size"
                && long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var theirs) && theirs != known)
            {
                known = theirs;
                continue;
            }

            if (answer.StatusCode != HttpStatusCode.OK)
                return await RefusedAsync(connection, name, size, $"{(int)answer.StatusCode} {answer.StatusCode}: {text.Trim()}", cancellationToken);
            var line = text.Split('\n').FirstOrDefault(l => Verifies(endpoint.Witness, body, l));
            if (line is null)
                return await RefusedAsync(connection, name, size, "the answer holds no cosignature by the witness's key", cancellationToken);
            await StoreAsync(connection, name, size, line, cancellationToken);
            return new Result(name, Outcome.Cosigned, size, null);
        }
    }

    /// <summary>Whether the line is the witness's valid cosignature of the body.</summary>
    public static bool Verifies(Cosignature.Witness witness, string body, string line)
    {
        ArgumentNullException.ThrowIfNull(witness);
        if (SignedNote.Split($"{body}\n{line}\n") is not { Signatures: [var (keyName, keyId, payload)] }
            || keyName != witness.Name || !keyId.AsSpan().SequenceEqual(witness.KeyId) || Cosignature.Read(payload) is not var (timestamp, signature))
            return false;
        return CheckpointSigner.Verify(witness.PublicKey, Cosignature.Message(body, timestamp), signature);
    }

    private static async Task<(long Known, bool Cosigned)> KnownAsync(NpgsqlConnection connection, string name, long size, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select coalesce((select size from {AuditLogStore.Witnesses} where name = $1), 0), exists (select 1 from {AuditLogStore.Cosignatures} where witness = $1 and size = $2)",
            connection);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(size);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetBoolean(1));
    }

    private async Task StoreAsync(NpgsqlConnection connection, string name, long size, string line, CancellationToken cancellationToken)
    {
        // One statement: the cosignature and the witness's new size are stored together or not at all.
        await using var command = new NpgsqlCommand(
            $"""
            with cosigned as (
                insert into {AuditLogStore.Cosignatures} (size, witness, line, cosigned_at) values ($1, $2, $3, $4)
                on conflict (size, witness) do update set line = excluded.line, cosigned_at = excluded.cosigned_at)
            insert into {AuditLogStore.Witnesses} (name, size, updated_at) values ($2, $1, $4)
            on conflict (name) do update set size = excluded.size, updated_at = excluded.updated_at, refusal = null, refused_at = null
            """, connection);
        command.Parameters.AddWithValue(size);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(line);
        command.Parameters.AddWithValue(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<Result> RefusedAsync(NpgsqlConnection connection, string name, long size, string reason, CancellationToken cancellationToken)
    {
        WitnessRefused(logger, name, size, reason);
        await using var command = new NpgsqlCommand(
            $"insert into {AuditLogStore.Witnesses} (name, size, refusal, refused_at, updated_at) values ($1, 0, $2, $3, $3) on conflict (name) do update set refusal = excluded.refusal, refused_at = excluded.refused_at",
            connection);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(reason);
        command.Parameters.AddWithValue(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new Result(name, Outcome.Refused, size, reason);
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "Witness {Witness} refused the checkpoint of {Size}: {Reason}")]
    private static partial void WitnessRefused(ILogger logger, string witness, long size, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Witness {Witness} could not be reached: {Reason}")]
    private static partial void Unreachable(ILogger logger, string witness, string reason);
}
