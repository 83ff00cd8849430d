using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npq.Application.Audit.Log;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// Erasures kept outside the database (ADR 0040), beside the checkpoint copies in the second place
/// (<see cref="AuditLogOptions.CheckpointDirectory"/>): a backup taken before an erasure brings the person's
/// data back when restored, and <c>audit record-restore</c> erases them again from these notes. Each is a
/// signed note (the log's key) naming the participant, written before the erasure commits, so a process that
/// dies between the two leaves an erasure that a restore re-applies rather than one it forgets.
/// </summary>
public sealed partial class ErasureNotes(CheckpointSigner signer, IOptions<AuditLogOptions> options, TimeProvider time, ILogger<ErasureNotes> logger)
{
    private const string Kind = "erasure/v1";

    /// <summary>Keeps the note of the participant's erasure (once per participant: the first stays).</summary>
    public void Keep(Guid participantId)
    {
        if (options.Value.CheckpointDirectory is not { Length: > 0 } directory || !signer.CanSign)
        {
            NotKept(logger, participantId);
            return;
        }

        var at = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var note = signer.SignBody($"{signer.KeyName}\n{Kind}\nparticipant {participantId:D}\ntime {at}\n");
        Directory.CreateDirectory(directory);
        try
        {
            using var file = new FileStream(Path.Combine(directory, $"erasure-{participantId:N}.txt"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough);
            file.Write(Encoding.UTF8.GetBytes(note));
            file.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(Path.Combine(directory, $"erasure-{participantId:N}.txt")))
        {
            // Erased before (new data since, erased again): the first note already says to erase this person.
        }
    }

    /// <summary>The participants whose erasure notes in the directory the log's key (or a retired one) signed.</summary>
    public IReadOnlyList<(Guid ParticipantId, DateTimeOffset At)> Read(string? directory)
    {
        if (directory is not { Length: > 0 } || !Directory.Exists(directory))
            return [];
        var keys = options.Value.RetiredKeys.Select(r => Checkpoint.ParseVerifierKey(r.VerifierKey)).OfType<(string KeyName, byte[] PublicKey)>().ToList();
        if (signer.PublicKey is { } current)
            keys.Add((signer.KeyName, current));
        var found = new List<(Guid, DateTimeOffset)>();
        foreach (var path in Directory.EnumerateFiles(directory, "erasure-*.txt").Order(StringComparer.Ordinal))
        {
            if (SignedNote.Split(File.ReadAllText(path)) is not { } note)
                continue;
            var lines = note.Body.Split('\n');
            var signed = keys.Any(k => note.Signatures.Any(s => s.KeyName == k.KeyName && s.KeyId.AsSpan().SequenceEqual(Checkpoint.KeyId(k.KeyName, k.PublicKey))
                                                               && CheckpointSigner.Verify(k.PublicKey, note.Body, s.Signature)));
            if (signed && lines is [_, Kind, var participant, var at, ..] && participant.StartsWith("participant ", StringComparison.Ordinal)
                && Guid.TryParse(participant["participant ".Length..], out var id) && at.StartsWith("time ", StringComparison.Ordinal)
                && DateTimeOffset.TryParse(at["time ".Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                found.Add((id, when));
            else
                Unsigned(logger, Path.GetFileName(path));
        }

        return found;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "The erasure of participant {ParticipantId} is not kept outside the database (no Npq:Audit:CheckpointDirectory or signing key): a restore of an older backup would bring the data back")]
    private static partial void NotKept(ILogger logger, Guid participantId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{File} is not an erasure note signed by the log's key: ignored")]
    private static partial void Unsigned(ILogger logger, string file);
}
