namespace Npq.Infrastructure.Tokens;

/// <summary>Configuration <c>Npq:Tokens</c>.</summary>
public sealed class TokenOptions
{
    /// <summary>The server key of the HMAC that token digests are made with. Required outside Development/Sandbox.</summary>
    public string Secret { get; set; } = "";

    /// <summary>How often the remembered <c>last_used_at</c> times are written back.</summary>
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromSeconds(30);
}
