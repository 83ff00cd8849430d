using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Npq.Application.Audit.Log;

/// <summary>
/// A checkpoint of the sealed log in the C2SP <c>tlog-checkpoint</c> format: the log's origin, its size
/// and its root hash (base64), and no extension line (those signed before issue 30 have a time line); signed as a C2SP
/// <c>signed-note</c> with Ed25519 (the signature lines follow a blank line:
/// <c>— &lt;key name&gt; base64(key id ‖ signature)</c>).
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] Root, DateTimeOffset At)
{
    public const string SignatureDash = "\u2014 ";

    /// <summary>
    /// The note's text: what the signature covers. Origin, size and root only: C2SP advises against
    /// extension lines, so since issue 30 the time is kept beside the note (the checkpoints table, the
    /// API's <c>time</c>), not in it. Notes signed earlier carry a <c>time</c> line and still parse.
    /// </summary>
    public string Body =>
        $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(Root)}\n";

    /// <summary>The signed note: the body, a blank line and the signature line.</summary>
    public string Note(string keyName, byte[] keyId, byte[] signature) => SignedNote.Of(Body, keyName, keyId, signature);

    /// <summary>The body and the signatures of a signed note; null when it is not one.</summary>
    public static (Checkpoint Checkpoint, string Body, IReadOnlyList<(string KeyName, byte[] KeyId, byte[] Signature)> Signatures)? Parse(string note)
    {
        if (SignedNote.Split(note) is not { } signed)
            return null;
        var (body, signatures) = signed;
        var lines = body.Split('\n');
        if (lines.Length < 4 || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            return null;
        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            return null;
        }

        var at = lines.FirstOrDefault(l => l.StartsWith("time ", StringComparison.Ordinal)) is { } time
                 && DateTimeOffset.TryParse(time[5..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : DateTimeOffset.MinValue;
        return (new Checkpoint(lines[0], size, root, at), body, signatures);
    }

    /// <summary>The C2SP key id of an Ed25519 key: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).</summary>
    public static byte[] KeyId(string keyName, byte[] publicKey) =>
        SHA256.HashData([.. Encoding.UTF8.GetBytes(keyName), (byte)'\n', 0x01, .. publicKey])[..4];

    /// <summary>The C2SP verifier key: <c>name+hex(key id)+base64(0x01 ‖ public key)</c>.</summary>
    public static string VerifierKey(string keyName, byte[] publicKey) =>
        $"{keyName}+{Convert.ToHexStringLower(KeyId(keyName, publicKey))}+{Convert.ToBase64String([0x01, .. publicKey])}";

    /// <summary>The name and public key of a verifier key; null when it is not an Ed25519 one.</summary>
    public static (string KeyName, byte[] PublicKey)? ParseVerifierKey(string vkey)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        var parts = vkey.Split('+', 3); // the name and the id hold no '+'; base64 may
        if (parts.Length != 3)
            return null;
        try
        {
            var bytes = Convert.FromBase64String(parts[2]);
            if (bytes.Length != 33 || bytes[0] != 0x01)
                return null;
            var key = bytes[1..];
            return Convert.ToHexStringLower(KeyId(parts[0], key)) == parts[1] ? (parts[0], key) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
