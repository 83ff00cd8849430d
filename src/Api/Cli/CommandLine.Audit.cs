using System.CommandLine;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications.TransferApplication;
using Npq.Application.Participants.ChangeParticipantId;
using Npq.Application.ReferenceData;
using Npq.Application.Statements;
using Npq.Application.Statements.Admin;
using Npq.Domain.Courses;
using Npq.Infrastructure.Seed;
using Npq.Infrastructure.Tokens;

namespace Npq.Api.Cli;

/// <summary>The auditor's and operator's commands over the log and the read models: <c>audit verify</c>, <c>audit new-key</c>, <c>projections verify|rebuild</c>.</summary>
public static partial class CommandLine
{
    private static Command AuditLog(Func<Task<WebApplication>> start)
    {
        var key = new Option<string>("--key") { Description = "The log's C2SP verifier key (name+id+base64); default: the configured key's" };
        var directory = new Option<string>("--checkpoints-dir") { Description = "Checkpoints kept outside the database (default: Npq:Audit:CheckpointDirectory)" };
        var retiredKeys = new Option<string[]>("--retired-key")
        {
            Description = "An earlier key of the log (repeat for each), as a verifier key, optionally '@<largest tree size it may have signed>'; default, without --key: the configured Npq:Audit:RetiredKeys",
            AllowMultipleArgumentsPerToken = false,
        };
        var verify = new Command("verify", "Recompute every leaf and root of the sealed log from the events and check every checkpoint") { key, retiredKeys, directory };
        verify.SetAction(Run(start, async (services, parse) =>
        {
            var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.Audit.Log.AuditLogOptions>>().Value;
            var verifierKey = parse.GetValue(key) ?? services.GetRequiredService<Infrastructure.Audit.Log.CheckpointSigner>().VerifierKey
                ?? throw new ArgumentException("No key: pass --key, or configure Npq:Audit:SigningKey.");
            var retired = parse.GetValue(retiredKeys) is { Length: > 0 } given
                ? [.. given.Select(RetiredKeyOf)]
                : parse.GetValue(key) is null ? options.RetiredKeys : [];
            var dir = parse.GetValue(directory) ?? options.CheckpointDirectory;
            var report = await services.GetRequiredService<Infrastructure.Audit.Log.LogVerifier>().VerifyAsync(verifierKey, dir, CancellationToken.None, retired);
            foreach (var finding in report.Findings)
                await Console.Error.WriteLineAsync($"{finding.Kind}: {finding.Detail}");
            foreach (var restore in report.Restores)
            {
                await Console.Error.WriteLineAsync(
                    $"LawfulRestore: epoch {restore.Epoch} at {restore.At:O}: the log goes on from its first {restore.RestoredSize} events and gave up " +
                    $"{restore.AbandonedCheckpoints} signed checkpoints ({restore.ExplainedCopies} copies found here); reason: {restore.Reason}");
            }

            await Console.Error.WriteLineAsync(
                $"{report.Events} events, {report.Sealed} sealed, {report.Checkpoints} checkpoints (last {report.LastCheckpoint}); " +
                $"{report.UnsignedTail} events after the last checkpoint are not yet covered by a signature; {report.Seconds:F1} s");
            Environment.ExitCode = report.ExitCode;
            return new
            {
                ok = report.Ok, exit_code = report.ExitCode, events = report.Events, @sealed = report.Sealed, checkpoints = report.Checkpoints,
                last_checkpoint = report.LastCheckpoint, unsigned_tail = report.UnsignedTail, erased_before_commitments = report.ErasedBeforeCommitments,
                seconds = Math.Round(report.Seconds, 2),
                findings = report.Findings.Select(f => new { kind = f.Kind.ToString(), code = (int)f.Kind, detail = f.Detail }),
                restores = report.Restores.Select(r => new
                {
                    epoch = r.Epoch, at = r.At, reason = r.Reason, restored_size = r.RestoredSize, abandoned_checkpoints = r.AbandonedCheckpoints,
                    explained_copies = r.ExplainedCopies,
                }),
            };
        }));
        var newKey = new Command("new-key", "Print a new Ed25519 seed (keep it secret) and the verifier key to publish");
        newKey.SetAction(Run(start, (services, _) =>
        {
            var seed = Infrastructure.Audit.Log.CheckpointSigner.NewSeed();
            var origin = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.Audit.Log.AuditLogOptions>>().Value.Origin;
            var signer = new Infrastructure.Audit.Log.CheckpointSigner(Microsoft.Extensions.Options.Options.Create(
                new Infrastructure.Audit.Log.AuditLogOptions { Origin = origin, SigningKey = seed }));
            return Task.FromResult<object>(new { signing_key = seed, verifier_key = signer.VerifierKey });
        }));
        return new Command("audit", "The sealed audit log (ADR 0022)") { verify, newKey, RecordRestore(start, directory) };
    }

    /// <summary><c>audit record-restore</c>: after a restore to an earlier moment, before traffic (ADR 0033).</summary>
    private static Command RecordRestore(Func<Task<WebApplication>> start, Option<string> directory)
    {
        var reason = new Option<string>("--reason") { Description = "Why the data was restored, in a line: auditors read it in the log", Required = true };
        var restoredTo = new Option<DateTimeOffset?>("--restored-to") { Description = "The moment the database was restored to (recorded for readers)" };
        var command = new Command("record-restore",
            "After a restore to an earlier moment: record it in the log, signed, with the checkpoints it gave up, and start the change feed's next epoch (every earlier cursor answers 410)")
        {
            reason, restoredTo, directory,
        };
        command.SetAction(Run(start, async (services, parse) =>
        {
            var recorded = await services.GetRequiredService<Infrastructure.Audit.Log.LogRestore>().RecordAsync(
                parse.GetValue(reason)!, parse.GetValue(restoredTo), parse.GetValue(directory), CancellationToken.None);
            await Console.Error.WriteLineAsync(
                $"Recorded: the log goes on from its first {recorded.RestoredSize} events; {recorded.Abandoned.Count} checkpoints given up; the change feed is in epoch {recorded.Epoch}");
            var erasures = await ReapplyErasuresAsync(services, parse.GetValue(directory), recorded.Epoch);
            return new
            {
                epoch = recorded.Epoch, restored_size = recorded.RestoredSize, restored_root = recorded.RestoredRoot, abandoned_checkpoints = recorded.Abandoned,
                note = recorded.Note, erasures_reapplied = erasures,
            };
        }));
        return command;
    }

    /// <summary>
    /// Erases again every person whose erasure is noted outside the database (ADR 0040) and whose data the
    /// restored database holds once more. The restored events are sealed first: an erasure needs them sealed.
    /// </summary>
    private static async Task<List<object>> ReapplyErasuresAsync(IServiceProvider services, string? directory, int epoch)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.Audit.Log.AuditLogOptions>>().Value;
        var notes = services.GetRequiredService<Infrastructure.Audit.Log.ErasureNotes>().Read(directory ?? options.CheckpointDirectory);
        var done = new List<object>();
        if (notes.Count == 0)
            return done;
        await services.GetRequiredService<Infrastructure.Audit.Log.LogSealer>().SealAllAsync(CancellationToken.None);
        foreach (var (participant, at) in notes)
        {
            string outcome;
            try
            {
                await SendAsync(services, new Application.Participants.ErasePersonalData.ErasePersonalData(
                    Caller.System, participant, $"Re-applied after the restore of epoch {epoch}: erased on {at:yyyy-MM-dd'T'HH:mm:ss'Z'}"));
                outcome = "erased again";
            }
            catch (ResourceNotFoundException)
            {
                outcome = "not in the restored data";
            }
            catch (RuleViolationException)
            {
                outcome = "already erased";
            }

            await Console.Error.WriteLineAsync($"Erasure of participant {participant} ({at:O}): {outcome}");
            done.Add(new { participant_id = participant, erased_at = at, outcome });
        }

        return done;
    }

    /// <summary>'verifier key' or 'verifier key@size' (a verifier key holds no '@').</summary>
    private static Infrastructure.Audit.Log.RetiredKey RetiredKeyOf(string value)
    {
        var at = value.LastIndexOf('@');
        return at < 0 ? new Infrastructure.Audit.Log.RetiredKey { VerifierKey = value }
            : long.TryParse(value[(at + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
                ? new Infrastructure.Audit.Log.RetiredKey { VerifierKey = value[..at], LastCheckpoint = size }
                : throw new ArgumentException($"'{value}' is not a verifier key with '@<tree size>'.");
    }

    /// <summary>The managed heap of <c>projections rebuild|verify</c>: a batch of the bulk rebuild needs a few tens of MB.</summary>
    private const long RebuildHeapLimitBytes = 128L * 1024 * 1024;

    private static Command Projections(Func<Task<WebApplication>> start)
    {
        var projections = new Command("projections", "Read models against the event log");
        foreach (var (mode, description) in new[]
                 {
                     ("verify", "Replay the log into a shadow schema and compare every read model (exit code 3 on a difference)"),
                     ("rebuild", "Rebuild every read model from the log, then verify"),
                 })
        {
            var command = new Command(mode, description);
            command.SetAction(Run(start, async (services, _) =>
            {
                // The replay's memory is bounded by its batches, but the server GC lets garbage pile up to
                // several times that before it collects; a limit on the heap makes it collect sooner (ADR 0028).
                AppContext.SetData("GCHeapHardLimit", (ulong)RebuildHeapLimitBytes);
                GC.RefreshMemoryLimit();
                var verifier = services.GetRequiredService<Infrastructure.Audit.ProjectionVerifier>();
                var report = mode == "rebuild" ? await verifier.RebuildAsync(CancellationToken.None) : await verifier.VerifyAsync(CancellationToken.None);
                foreach (var model in report.ReadModels)
                {
                    await Console.Error.WriteLineAsync(
                        $"{model.Name,-26} live {model.Live,8}  replayed {model.Replayed,8}  {(model.Matches ? "ok" : "DIVERGES")}  {model.LiveDigest[..Math.Min(16, model.LiveDigest.Length)]}");
                }

                foreach (var (projection, seconds) in report.ReplaySeconds)
                    await Console.Error.WriteLineAsync($"{projection,-36} replayed in {seconds,6:F1} s");
                if (report.PersonViews is { } people)
                {
                    await Console.Error.WriteLineAsync(
                        $"person views in bulk: grouped {people.Streams} streams in {people.GroupSeconds:F1} s; folded and copied {people.Events} events in {people.Batches} batches in {people.FoldAndCopySeconds:F1} s; indexes and analyze {people.IndexSeconds:F1} s");
                    foreach (var (index, seconds) in people.Indexes)
                        await Console.Error.WriteLineAsync($"  index {index,-58} {seconds,6:F2} s");
                }

                await Console.Error.WriteLineAsync($"{report.Events} events replayed in {report.Seconds:F1} s ({report.EventsPerSecond:F0} events/s)");
                if (!report.Ok)
                    Environment.ExitCode = 3;
                return new
                {
                    ok = report.Ok,
                    events = report.Events,
                    seconds = Math.Round(report.Seconds, 2),
                    events_per_second = Math.Round(report.EventsPerSecond),
                    read_models = report.ReadModels.Select(m => new
                    {
                        name = m.Name, live = m.Live, replayed = m.Replayed, live_digest = m.LiveDigest, replayed_digest = m.ReplayedDigest,
                        matches = m.Matches, divergent_ids = m.Divergent,
                    }),
                };
            }));
            projections.Subcommands.Add(command);
        }

        return projections;
    }
}
