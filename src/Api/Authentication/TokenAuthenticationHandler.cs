using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npq.Api.Errors;
using Npq.Api.Http;
using Npq.Application.Common;
using Npq.Infrastructure.Tokens;

namespace Npq.Api.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> (also Rails' <c>Token &lt;token&gt;</c> and
/// <c>Token token="…"</c>, §1.2). A failed challenge — no token, unknown or revoked token, or a token
/// of the wrong kind — is the contract's 401 with <c>WWW-Authenticate: Bearer</c> (B2).
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";
    public const string KindClaim = "npq:kind";
    public const string TokenIdClaim = "npq:token_id";
    public const string ProviderClaim = "npq:lead_provider_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadToken(Request.Headers.Authorization.ToString());
        if (secret is null)
            return AuthenticateResult.NoResult();

        var result = await tokens.AuthenticateAsync(secret, Context.RequestAborted);
        if (result is not { } authenticated)
            return AuthenticateResult.Fail("Unknown or revoked token");

        var (caller, token) = authenticated;
        var claims = new List<Claim>
        {
            new(TokenIdClaim, token.Id.ToString()),
            new(KindClaim, TokenKinds.ToWire(token.Kind)),
            new(ClaimTypes.Name, token.Name),
        };
        if (caller.LeadProviderId is { } providerId)
            claims.Add(new Claim(ProviderClaim, providerId.ToString()));

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => WriteDenied();

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => WriteDenied();

    private async Task WriteDenied()
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        Response.Headers.CacheControl = "no-store";
        await ApiJsonResult.Write(Response, StatusCodes.Status401Unauthorized, ErrorBodies.AccessDenied);
    }

    public static string? ReadToken(string header)
    {
        if (string.IsNullOrWhiteSpace(header))
            return null;
        var value = header.Trim();
        string rest;
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            rest = value[7..].Trim();
        else if (value.StartsWith("Token ", StringComparison.OrdinalIgnoreCase))
            rest = value[6..].Trim();
        else
            return null;

        // Rails' form: Token token="abc", other="..."
        if (rest.StartsWith("token=", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest[6..];
            var comma = rest.IndexOf(',', StringComparison.Ordinal);
            if (comma >= 0)
                rest = rest[..comma];
            rest = rest.Trim().Trim('"');
        }

        return rest.Length == 0 ? null : rest;
    }

    /// <summary>The caller a request's principal stands for (anonymous when it has none).</summary>
    public static Caller CallerOf(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || !Guid.TryParse(user.FindFirstValue(TokenIdClaim), out var tokenId))
            return Caller.Anonymous;

        var providerId = Guid.TryParse(user.FindFirstValue(ProviderClaim), out var id) ? id : (Guid?)null;
        var kind = TokenKinds.FromWire(user.FindFirstValue(KindClaim)) switch
        {
            TokenKind.LeadProvider => CallerKind.LeadProvider,
            TokenKind.Auditor => CallerKind.Auditor,
            TokenKind.Admin => CallerKind.Admin,
            _ => CallerKind.Anonymous,
        };
        return new Caller(kind, tokenId, providerId, user.Identity.Name);
    }
}

public static class Policies
{
    public const string LeadProvider = "lead_provider";
    public const string Admin = "admin";
    public const string Auditor = "auditor";
}
