namespace Npq.Infrastructure.Tokens;

/// <summary>Configuration <c>Npq:Tokens</c>.</summary>
public sealed class TokenOptions
{
    /// <summary>The server key of the HMAC that token digests are made with. Required outside Development/Sandbox.</summary>
    public string Secret { get; set; } = "";

    /// <summary>How often the remembered <c>last_used_at</c> times are written back.</summary>
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a server process trusts a valid token it has looked up before it asks the database
    /// again: the longest a revocation made by another process (or the CLI) can take to be obeyed
    /// here. Zero looks every token up on every request. Revocations through this process apply at once.
    /// </summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(5);
}
