using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Options;
using Npq.Application.Common;
using Npq.Application.ReferenceData;

namespace Npq.Infrastructure.Tokens;

/// <summary>Issues, revokes, lists and checks API tokens (CONTRACT B3).</summary>
public sealed class TokenService(IDocumentStore store, IOptions<TokenOptions> options, TokenUsageTracker usage, [FromKeyedServices(Time.SystemTime.Key)] TimeProvider time)
{
    public const string Prefix = "npq_";

    /// <summary>At most this many valid tokens are remembered; past it the cache starts again (an attacker cannot grow it: unknown tokens are never cached).</summary>
    private const int CacheLimit = 10_000;

    /// <summary>How long an unknown digest is remembered as unknown.</summary>
    private static readonly TimeSpan UnknownFor = TimeSpan.FromMinutes(5);

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Secret);
    private readonly string _keyId = TokenOptions.KeyIdOf(options.Value.Secret);
    // Secrets accepted during a rotation (issue 28): tried after the current one, never used to write.
    // A token found under a previous one moves to the current key; under the next one it stays.
    private readonly byte[][] _accepted = [.. options.Value.AllSecrets.Skip(1).Select(Encoding.UTF8.GetBytes)];
    private readonly HashSet<int> _previous = [.. options.Value.AllSecrets.Skip(1).Select((secret, i) => (secret, i))
        .Where(s => options.Value.PreviousSecrets.Contains(s.secret)).Select(s => s.i + 1)];
    private readonly TimeSpan _cacheFor = options.Value.CacheFor;
    // Expiry on the monotonic clock: a request's X-With-Server-Date (Sandbox) must not stretch it.
    private readonly ConcurrentDictionary<string, (ApiToken Token, long Until)> _valid = new(StringComparer.Ordinal);

    // Digests of no token, or of a revoked one (issue 24): sent again, they are refused from memory, not
    // looked up. A token is issued with a fresh random secret and never unrevoked, so none becomes valid.
    private readonly ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);

    public sealed record IssuedToken(ApiToken Token, string Secret, LeadProvider? LeadProvider);

    public async Task<IssuedToken> IssueForLeadProviderAsync(string nameOrId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var providers = await session.Query<LeadProvider>().ToListAsync(cancellationToken);
        var value = nameOrId.Trim();
        var provider = providers.FirstOrDefault(p => Guid.TryParse(value, out var id) && p.Id == id)
                       ?? providers.FirstOrDefault(p => string.Equals(p.Name, value, StringComparison.OrdinalIgnoreCase))
                       ?? providers.FirstOrDefault(p => string.Equals(p.Slug, value, StringComparison.OrdinalIgnoreCase))
                       ?? throw new ArgumentException(
                           $"No lead provider is called '{nameOrId}'. Known: {string.Join(", ", providers.Select(p => p.Name))}.");

        return await IssueAsync(TokenKind.LeadProvider, provider.Name, provider, cancellationToken);
    }

    public Task<IssuedToken> IssueAsync(TokenKind kind, string name, CancellationToken cancellationToken)
    {
        if (kind == TokenKind.LeadProvider)
            throw new ArgumentException("Use --lead-provider to issue a lead-provider token.");
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A token needs a --name.");
        return IssueAsync(kind, name.Trim(), null, cancellationToken);
    }

    private async Task<IssuedToken> IssueAsync(TokenKind kind, string name, LeadProvider? provider, CancellationToken cancellationToken)
    {
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(),
            Kind = kind,
            LeadProviderId = provider?.Id,
            Name = name,
            Digest = Digest(secret),
            KeyId = _keyId,
            CreatedAt = time.GetUtcNow(),
        };
        await using var session = store.LightweightSession();
        session.Insert(token);
        await session.SaveChangesAsync(cancellationToken);
        return new IssuedToken(token, secret, provider);
    }

    public async Task<ApiToken?> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var token = await session.LoadAsync<ApiToken>(id, cancellationToken);
        if (token is null)
            return null;
        token.RevokedAt ??= time.GetUtcNow();
        session.Update(token);
        await session.SaveChangesAsync(cancellationToken);
        _valid.TryRemove(token.Digest, out _);
        return token;
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Query<ApiToken>().OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>The caller a presented secret stands for, or null when it is unknown or revoked.</summary>
    public async Task<(Caller Caller, ApiToken Token)?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        // Every token is the prefix and 32 random bytes in base64url (43 characters): anything else is
        // refused without a look-up (issue 24).
        if (secret.Length != Prefix.Length + 43 || !secret.StartsWith(Prefix, StringComparison.Ordinal)
            || !secret.AsSpan(Prefix.Length).ContainsOnlyBase64UrlCharacters())
            return null;

        var digest = Digest(secret);
        var tick = Environment.TickCount64;
        ApiToken? token;
        if (_valid.TryGetValue(digest, out var cached) && cached.Until > tick)
        {
            token = cached.Token;
        }
        else if (_unknown.TryGetValue(digest, out var unknownUntil) && unknownUntil > tick)
        {
            return null;
        }
        else
        {
            string[] digests = [digest, .. _accepted.Select(key => Digest(key, secret))];
            await using (var session = store.QuerySession())
            {
                token = digests.Length == 1
                    ? await session.Query<ApiToken>().Where(t => t.Digest == digest).FirstOrDefaultAsync(cancellationToken)
                    : await session.Query<ApiToken>().Where(t => t.Digest.IsOneOf(digests)).FirstOrDefaultAsync(cancellationToken);
            }

            if (token is null || token.RevokedAt is not null
                || !digests.Any(d => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token.Digest), Encoding.ASCII.GetBytes(d))))
            {
                _valid.TryRemove(digest, out _);
                // Unknown or revoked: neither ever becomes valid (revocation is for good).
                if (_unknown.Count >= CacheLimit)
                    _unknown.Clear();
                _unknown[digest] = tick + (long)UnknownFor.TotalMilliseconds;

                return null;
            }

            if (_previous.Contains(Array.IndexOf(digests, token.Digest)))
                token = await RekeyAsync(token, digest, cancellationToken);

            if (_cacheFor > TimeSpan.Zero)
            {
                if (_valid.Count >= CacheLimit)
                    _valid.Clear();
                _valid[digest] = (token, tick + (long)_cacheFor.TotalMilliseconds);
            }
        }

        // Fail closed: a kind this version does not know grants nothing.
        CallerKind? kind = token.Kind switch
        {
            TokenKind.LeadProvider => CallerKind.LeadProvider,
            TokenKind.Auditor => CallerKind.Auditor,
            TokenKind.Admin => CallerKind.Admin,
            _ => null,
        };
        if (kind is not { } known)
            return null;
        usage.Record(token.Id, time.GetUtcNow());
        return (new Caller(known, token.Id, token.LeadProviderId, token.Name), token);
    }

    public string Digest(string secret) => Digest(_key, secret);

    private static string Digest(byte[] key, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// A token presented under an accepted (older) key moves to the current one: its digest and key id
    /// only, in one statement guarded by the old digest, so a revocation at the same moment is never undone.
    /// </summary>
    private async Task<ApiToken> RekeyAsync(ApiToken token, string digest, CancellationToken cancellationToken)
    {
        const string table = Persistence.MartenSetup.Schema + ".mt_doc_apitoken";
        await using var session = store.LightweightSession();
        session.QueueSqlCommand(
            $"update {table} set data = data || jsonb_build_object('Digest', ?::text, 'KeyId', ?::text) where id = ? and data ->> 'Digest' = ?",
            digest, _keyId, token.Id, token.Digest);
        await session.SaveChangesAsync(cancellationToken);
        token.Digest = digest;
        token.KeyId = _keyId;
        return token;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal static class Base64UrlText
{
    public static bool ContainsOnlyBase64UrlCharacters(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                return false;
        }

        return true;
    }
}
