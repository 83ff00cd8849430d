namespace Npq.Infrastructure.Tokens;

/// <summary>Configuration <c>Npq:Tokens</c>.</summary>
public sealed class TokenOptions
{
    /// <summary>The server key of the HMAC that token digests are made with. Required outside Development/Sandbox.</summary>
    public string Secret { get; set; } = "";

    /// <summary>
    /// Rotation, step 1 (issue 28, docs/operations.md#rotating-the-token-secret): the secret that comes next,
    /// accepted for tokens and cursors but never used to write, so that every process knows it before any
    /// process starts using it.
    /// </summary>
    public string? NextSecret { get; set; }

    /// <summary>
    /// Rotation, step 2: the secrets before <see cref="Secret"/>, still accepted; a token presented under one
    /// of them is moved to <see cref="Secret"/> as it is used. Removed in step 3, once the window has passed.
    /// </summary>
    public string[] PreviousSecrets { get; set; } = [];

    /// <summary>The secrets in the order they are tried: <see cref="Secret"/>, the next one, the previous ones.</summary>
    public IReadOnlyList<string> AllSecrets =>
        [.. new[] { Secret, NextSecret ?? "" }.Concat(PreviousSecrets).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>A secret's public name (8 hex digits of an HMAC under it), shown by 'tokens list': it says which key a token is under, never the key.</summary>
    public static string KeyIdOf(string secret) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), "npq key id"u8))[..8];

    /// <summary>How often the remembered <c>last_used_at</c> times are written back.</summary>
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a server process trusts a valid token it has looked up before it asks the database
    /// again: the longest a revocation made by another process (or the CLI) can take to be obeyed
    /// here. Zero looks every token up on every request. Revocations through this process apply at once.
    /// </summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(5);
}
