using System.Text;
using Microsoft.Extensions.Options;
using Npq.Application.Audit.Log;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>
/// Signs checkpoints with the log's Ed25519 key (BouncyCastle, managed code), read from configuration
/// or a file: the database never holds it. Without a key the log is sealed but no checkpoint is signed.
/// </summary>
public sealed class CheckpointSigner
{
    private readonly Ed25519PrivateKeyParameters? _key;

    public CheckpointSigner(IOptions<AuditLogOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        KeyName = o.Origin;
        var seed = o.SigningKey is { Length: > 0 } inline ? inline
            : o.SigningKeyFile is { Length: > 0 } file ? File.ReadAllText(file).Trim()
            : null;
        if (seed is null)
            return;
        var bytes = Convert.FromBase64String(seed);
        if (bytes.Length != 32)
            throw new InvalidOperationException("Npq:Audit:SigningKey must be a 32-byte Ed25519 seed in base64.");
        _key = new Ed25519PrivateKeyParameters(bytes);
        PublicKey = _key.GeneratePublicKey().GetEncoded();
    }

    public string KeyName { get; }

    public byte[]? PublicKey { get; }

    public bool CanSign => _key is not null;

    /// <summary>The C2SP verifier key auditors are given.</summary>
    public string? VerifierKey => PublicKey is null ? null : Checkpoint.VerifierKey(KeyName, PublicKey);

    public string Sign(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return SignBody(checkpoint.Body);
    }

    /// <summary>Any signed note's body (a checkpoint's, a restore's) with this key's signature line.</summary>
    public string SignBody(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var key = _key ?? throw new InvalidOperationException("No signing key is configured (Npq:Audit:SigningKey).");
        var bytes = Encoding.UTF8.GetBytes(body);
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return SignedNote.Of(body, KeyName, Checkpoint.KeyId(KeyName, PublicKey!), signer.GenerateSignature());
    }

    /// <summary>Whether <paramref name="signature"/> is the key's Ed25519 signature of <paramref name="body"/>.</summary>
    public static bool Verify(byte[] publicKey, string body, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(body);
        if (publicKey.Length != 32 || signature is not { Length: 64 })
            return false;
        var bytes = Encoding.UTF8.GetBytes(body);
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        verifier.BlockUpdate(bytes, 0, bytes.Length);
        return verifier.VerifySignature(signature);
    }

    /// <summary>A new random seed (base64), for <c>audit new-key</c>.</summary>
    public static string NewSeed() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
