using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Npq.Infrastructure.Audit.Log;

namespace Npq.Bench;

/// <summary>
/// Issue 18's figures (bench/run.sh seal): on the generated log of N events, the sealer's throughput
/// beside the raw append rate of the same events and beside a bare read of the same rows, the full
/// verification's speed, and the sealed log's storage per event beside the events' own.
/// </summary>
public static class SealBench
{
    public static async Task<int> RunAsync(string serverConnection, int targetEvents, string? apiDll = null)
    {
        var (connection, appended, appendSeconds) = await EventGenerator.GenerateAsync(serverConnection, "npq_bench_seal", targetEvents);
        var options = Microsoft.Extensions.Options.Options.Create(new AuditLogOptions { Origin = "bench/audit-log", SigningKey = CheckpointSigner.NewSeed(), CheckpointEvery = 1000 });
        var signer = new CheckpointSigner(options);
        using var store = new AuditLogStore(connection);

        // The floor: reading the same rows, with their data as text, and nothing else.
        var read = Stopwatch.StartNew();
        long rows = 0;
        await using (var source = NpgsqlDataSource.Create(connection))
        await using (var command = source.CreateCommand(
                         "select seq_id, id, stream_id, version, type, timestamp, data::text, headers::text, correlation_id, causation_id from npq.mt_events order by seq_id"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                _ = AuditLogStore.Read(reader);
                rows++;
            }
        }

        var readSeconds = read.Elapsed.TotalSeconds;

        var sealer = new LogSealer(store, signer, options, TimeProvider.System, NullLogger<LogSealer>.Instance);
        var seal = Stopwatch.StartNew();
        await sealer.SealUpToAsync(long.MaxValue, CancellationToken.None);
        var sealSeconds = seal.Elapsed.TotalSeconds;
        var state = await sealer.StateAsync(CancellationToken.None);

        var verify = await new LogVerifier(store).VerifyAsync(signer.VerifierKey!, null, CancellationToken.None);

        long auditBytes, eventBytes, checkpoints;
        await using (var source = NpgsqlDataSource.Create(connection))
        {
            await using (var size = source.CreateCommand(
                             "select pg_total_relation_size('npq.audit_log_leaves') + pg_total_relation_size('npq.audit_log_nodes') + pg_total_relation_size('npq.audit_log_checkpoints'), pg_total_relation_size('npq.mt_events'), (select count(*) from npq.audit_log_checkpoints)"))
            await using (var reader = await size.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                (auditBytes, eventBytes, checkpoints) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| What ({rows:N0} events) | Measured | Floor, same run | Ratio |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| sealing (leaf hashes, tree nodes, {checkpoints:N0} signed checkpoints) | {state.Size / sealSeconds:N0} events/s ({sealSeconds:F1} s) | raw append of the same events through Marten {appended / appendSeconds:N0}/s; bare read of the rows {rows / readSeconds:N0}/s | {state.Size / sealSeconds / (appended / appendSeconds):F1}× append; {state.Size / sealSeconds / (rows / readSeconds):F2} of the read |");
        Console.WriteLine($"| full verification (every leaf and root recomputed, every signature) | {verify.Events / verify.Seconds:N0} events/s ({verify.Seconds:F1} s), exit {verify.ExitCode} | bare read {rows / readSeconds:N0}/s | {verify.Events / verify.Seconds / (rows / readSeconds):F2} of the read |");
        if (apiDll is not null)
        {
            // Issue 30: the same log checked from outside, over HTTP, by Python's standard library alone.
            var outside = await OutsideVerifier.RunAsync(connection, Path.GetFullPath(apiDll), options.Value.SigningKey!, options.Value.Origin, signer.VerifierKey!);
            Console.WriteLine($"| the auditors' verifier over HTTP (docs/auditing/verify_log.py: checkpoint, tiles, entry bundles; every leaf and the root) | {outside.Leaves / outside.Seconds:N0} leaves/s ({outside.Seconds:F1} s, {outside.Requests:N0} requests), exit {outside.ExitCode} | `audit verify` {verify.Events / verify.Seconds:N0} events/s | {outside.Leaves / outside.Seconds / (verify.Events / verify.Seconds):F2} of `audit verify` |");
        }

        Console.WriteLine($"| storage of the sealed log | {auditBytes / (double)rows:F0} bytes/event ({auditBytes / 1024 / 1024:N0} MiB) | the events themselves {eventBytes / (double)rows:F0} bytes/event | {auditBytes / (double)eventBytes:F2} of the events |");
        return verify.ExitCode;
    }
}
