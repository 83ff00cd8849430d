namespace Npq.Infrastructure.Tokens;

public enum TokenKind
{
    LeadProvider,
    Auditor,
    Admin,
}

/// <summary>
/// An API token as stored: never the secret, only its HMAC-SHA256 digest under the server key
/// (CONTRACT B3). Tokens never expire; they can be revoked.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public TokenKind Kind { get; set; }

    public Guid? LeadProviderId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Lower-case hex HMAC-SHA256 of the secret.</summary>
    public string Digest { get; set; } = "";

    /// <summary>
    /// The id of the server key <see cref="Digest"/> is made with (<see cref="TokenOptions.KeyIdOf"/>); empty for
    /// tokens issued before keys had ids (issue 28), until they are next used.
    /// </summary>
    public string KeyId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

public static class TokenKinds
{
    public static string ToWire(TokenKind kind) => kind switch
    {
        TokenKind.LeadProvider => "lead_provider",
        TokenKind.Auditor => "auditor",
        TokenKind.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static TokenKind? FromWire(string? value) => value switch
    {
        "lead_provider" => TokenKind.LeadProvider,
        "auditor" => TokenKind.Auditor,
        "admin" => TokenKind.Admin,
        _ => null,
    };
}
