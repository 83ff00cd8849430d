using System.Globalization;
using System.Text;

namespace Npq.Application.Audit.Log;

/// <summary>
/// The event that records a lawful restore in the log itself (issue 28, ADR 0033): the new epoch of the
/// change feed, why the operator restored, and the signed note that says which history the log now
/// continues and which signed checkpoints it abandoned. The note is what a verifier trusts; the other
/// members repeat it for people reading the event.
/// </summary>
public sealed record AuditLogRestored(int Epoch, string Reason, DateTimeOffset? RestoredTo, long RestoredSize, int AbandonedCheckpoints, string Note)
{
    /// <summary>The event's type name in <c>mt_events</c> (Marten's alias of this record).</summary>
    public const string TypeName = "audit_log_restored";
}

/// <summary>
/// The signed statement of a restore, as a C2SP signed note like a checkpoint: the log's origin, then
/// <c>restore &lt;epoch&gt;</c>, the size and root (base64) of the log it continues, <c>time …</c>,
/// <c>reason …</c> (one line), and one <c>abandoned &lt;size&gt; &lt;root&gt;</c> line per signed
/// checkpoint of the history given up.
/// </summary>
public sealed record RestoreNote(string Origin, int Epoch, long RestoredSize, byte[] RestoredRoot, DateTimeOffset At, string Reason, IReadOnlyList<(long Size, byte[] Root)> Abandoned)
{
    public string Body
    {
        get
        {
            var b = new StringBuilder()
                .Append(Origin).Append('\n')
                .Append("restore ").Append(Epoch.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(RestoredSize.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Convert.ToBase64String(RestoredRoot)).Append('\n')
                .Append("time ").Append(At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\n')
                .Append("reason ").Append(OneLine(Reason)).Append('\n');
            foreach (var (size, root) in Abandoned)
                b.Append("abandoned ").Append(size.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Convert.ToBase64String(root)).Append('\n');
            return b.ToString();
        }
    }

    /// <summary>The statement and its signatures; null when the text is not a signed restore note.</summary>
    public static (RestoreNote Restore, string Body, IReadOnlyList<(string KeyName, byte[] KeyId, byte[] Signature)> Signatures)? Parse(string note)
    {
        if (SignedNote.Split(note) is not { } signed)
            return null;
        var (body, signatures) = signed;
        var lines = body.TrimEnd('\n').Split('\n');
        if (lines.Length < 6 || !lines[1].StartsWith("restore ", StringComparison.Ordinal)
            || !int.TryParse(lines[1][8..], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(lines[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !lines[4].StartsWith("time ", StringComparison.Ordinal)
            || !DateTimeOffset.TryParse(lines[4][5..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            || !lines[5].StartsWith("reason ", StringComparison.Ordinal))
            return null;
        try
        {
            var abandoned = new List<(long, byte[])>();
            foreach (var line in lines[6..])
            {
                var parts = line.Split(' ');
                if (parts.Length != 3 || parts[0] != "abandoned" || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var abandonedSize))
                    return null;
                abandoned.Add((abandonedSize, Convert.FromBase64String(parts[2])));
            }

            return (new RestoreNote(lines[0], epoch, size, Convert.FromBase64String(lines[3]), at, lines[5][7..], abandoned), body, signatures);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}

/// <summary>The C2SP signed-note frame shared by checkpoints and restore notes: a body, a blank line, signature lines.</summary>
public static class SignedNote
{
    /// <summary>The note's text with its signature line (<c>— &lt;key name&gt; base64(key id ‖ signature)</c>).</summary>
    public static string Of(string body, string keyName, byte[] keyId, byte[] signature) =>
        $"{body}\n{Checkpoint.SignatureDash}{keyName} {Convert.ToBase64String([.. keyId, .. signature])}\n";

    /// <summary>The body (through its last newline) and the signatures; null when the text is not a signed note.</summary>
    public static (string Body, IReadOnlyList<(string KeyName, byte[] KeyId, byte[] Signature)> Signatures)? Split(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        var split = note.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
            return null;
        var signatures = new List<(string, byte[], byte[])>();
        foreach (var line in note[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith(Checkpoint.SignatureDash, StringComparison.Ordinal))
                return null;
            var parts = line[Checkpoint.SignatureDash.Length..].Split(' ');
            if (parts.Length != 2)
                return null;
            try
            {
                var bytes = Convert.FromBase64String(parts[1]);
                if (bytes.Length < 5)
                    return null;
                signatures.Add((parts[0], bytes[..4], bytes[4..]));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return (note[..(split + 1)], signatures);
    }
}
