using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Npq.Application.Audit.Log;

/// <summary>
/// A witness's cosignature of a checkpoint (C2SP <c>tlog-cosignature</c>, Ed25519, ADR 0039): a signed-note
/// line <c>— &lt;witness name&gt; base64(key id ‖ timestamp ‖ signature)</c>, the signature over
/// <c>cosignature/v1\ntime &lt;timestamp&gt;\n</c> followed by the checkpoint's body; and the body of the
/// C2SP <c>tlog-witness</c> request that asks for one.
/// </summary>
public static class Cosignature
{
    /// <summary>The C2SP signature type of an Ed25519 cosignature/v1 key.</summary>
    public const byte KeyType = 0x04;

    /// <summary>A witness: its name, key id and Ed25519 public key, parsed from its verifier key.</summary>
    public sealed record Witness(string Name, byte[] KeyId, byte[] PublicKey);

    /// <summary>The key id: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key).</summary>
    public static byte[] KeyId(string name, byte[] publicKey) =>
        SHA256.HashData([.. Encoding.UTF8.GetBytes(name), (byte)'\n', KeyType, .. publicKey])[..4];

    /// <summary>A witness's verifier key: <c>name+hex(key id)+base64(0x04 ‖ public key)</c>.</summary>
    public static string VerifierKey(string name, byte[] publicKey) =>
        $"{name}+{Convert.ToHexStringLower(KeyId(name, publicKey))}+{Convert.ToBase64String([KeyType, .. publicKey])}";

    /// <summary>The witness a verifier key names; null when it is not an Ed25519 cosignature key.</summary>
    public static Witness? ParseVerifierKey(string vkey)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        var parts = vkey.Split('+', 3);
        if (parts.Length != 3 || parts[0].Length == 0)
            return null;
        try
        {
            var bytes = Convert.FromBase64String(parts[2]);
            if (bytes.Length != 33 || bytes[0] != KeyType)
                return null;
            var key = bytes[1..];
            var id = KeyId(parts[0], key);
            return Convert.ToHexStringLower(id) == parts[1] ? new Witness(parts[0], id, key) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>What the witness signs for a checkpoint body at a time (POSIX seconds).</summary>
    public static string Message(string body, ulong timestamp) =>
        $"cosignature/v1\ntime {timestamp.ToString(CultureInfo.InvariantCulture)}\n{body}";

    /// <summary>The timestamp and Ed25519 signature in a signature line's payload (after the 4-byte key id); null when it is not one.</summary>
    public static (ulong Timestamp, byte[] Signature)? Read(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return payload.Length == 72 ? (BinaryPrimitives.ReadUInt64BigEndian(payload), payload[8..]) : null;
    }

    /// <summary>The body of a tlog-witness <c>add-checkpoint</c> request: the old size, the consistency proof, a blank line, the signed checkpoint.</summary>
    public static string AddCheckpointBody(long oldSize, IEnumerable<byte[]> proof, string note)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var text = new StringBuilder("old ").Append(oldSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in proof)
            text.Append(Convert.ToBase64String(hash)).Append('\n');
        return text.Append('\n').Append(note).ToString();
    }
}
