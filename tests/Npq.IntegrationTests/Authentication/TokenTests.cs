using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Infrastructure.Tokens;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Authentication;

/// <summary>Token kinds, revocation and the accepted header forms (CONTRACT §1.2, B3).</summary>
[Collection(ApiTests.Name)]
public sealed class TokenTests(ApiFixture fixture)
{
    [Theory]
    [InlineData(TokenKind.Auditor)]
    [InlineData(TokenKind.Admin)]
    public async Task Auditor_and_admin_tokens_get_401_on_provider_endpoints(TokenKind kind)
    {
        var (token, _) = await fixture.IssueTokenAsync(kind);
        using var client = fixture.WithToken(token);

        foreach (var path in new[] { "/api/v1/npq-applications", "/api/v2/npq-applications.csv", "/api/v3/npq-applications" })
        {
            var response = await client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            (await response.Content.ReadAsStringAsync()).ShouldBe("""{"error":"HTTP Token: Access denied"}""");
        }
    }

    [Fact]
    public async Task A_revoked_token_gets_401()
    {
        var provider = await fixture.NewLeadProviderAsync();
        (await provider.GetAsync("/api/v3/npq-applications")).Status.ShouldBe(HttpStatusCode.OK);

        await fixture.Services.GetRequiredService<TokenService>().RevokeAsync(provider.TokenId, CancellationToken.None);

        (await provider.GetAsync("/api/v3/npq-applications")).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_of_a_kind_this_version_does_not_know_grants_nothing()
    {
        var (secret, id) = await fixture.IssueTokenAsync(TokenKind.Admin);
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var token = (await session.LoadAsync<ApiToken>(id))!;
            token.Kind = (TokenKind)7; // written by a newer version, say
            session.Update(token);
            await session.SaveChangesAsync();
        }

        using var client = fixture.WithToken(secret);
        foreach (var path in new[] { "/api/admin/statements", "/api/audit/events", "/api/v3/npq-applications" })
        {
            var response = path.EndsWith("statements", StringComparison.Ordinal)
                ? await client.PostAsync(path, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))
                : await client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
        }
    }

    [Fact]
    public async Task A_token_revoked_by_another_process_is_refused_within_the_cache_time()
    {
        var provider = await fixture.NewLeadProviderAsync();
        (await provider.GetAsync("/api/v3/npq-applications")).Status.ShouldBe(HttpStatusCode.OK);

        // As `tokens revoke` in another process does: straight to the database, this server's cache untouched.
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var token = (await session.LoadAsync<ApiToken>(provider.TokenId))!;
            token.RevokedAt = DateTimeOffset.UtcNow;
            session.Update(token);
            await session.SaveChangesAsync();
        }

        var cacheFor = fixture.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TokenOptions>>().Value.CacheFor;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await provider.GetAsync("/api/v3/npq-applications")).Status;
            if (status == HttpStatusCode.OK)
                await Task.Delay(100);
        }
        while (status == HttpStatusCode.OK && watch.Elapsed < cacheFor + TimeSpan.FromSeconds(5));

        status.ShouldBe(HttpStatusCode.Unauthorized);
        watch.Elapsed.ShouldBeLessThan(cacheFor + TimeSpan.FromSeconds(2), "a revocation elsewhere is obeyed once the cached lookup expires");
    }

    [Theory]
    [InlineData("Bearer npq_not-a-real-token")]
    [InlineData("Bearer")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("npq_missing-scheme")]
    public async Task Unknown_or_malformed_credentials_get_401(string header)
    {
        using var client = fixture.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/npq-applications");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Theory]
    [InlineData("Token {0}")]
    [InlineData("Token token=\"{0}\"")]
    [InlineData("bearer {0}")]
    public async Task The_rails_token_forms_are_accepted(string format)
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var client = fixture.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/npq-applications");
        request.Headers.TryAddWithoutValidation("Authorization", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, provider.Token));

        var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Only_a_digest_is_stored_and_use_is_remembered_without_a_write_per_request()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.GetAsync("/api/v3/npq-applications");

        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.QuerySession())
        {
            var token = await session.LoadAsync<ApiToken>(provider.TokenId);
            token.ShouldNotBeNull();
            token.Digest.ShouldNotContain(provider.Token);
            token.Digest.Length.ShouldBe(64);
            token.LastUsedAt.ShouldBeNull("nothing is written until the tracker flushes");
        }

        await fixture.Services.GetRequiredService<TokenUsageFlusher>().FlushAsync(CancellationToken.None);

        await using (var session = store.QuerySession())
        {
            var token = await session.LoadAsync<ApiToken>(provider.TokenId);
            token!.LastUsedAt.ShouldNotBeNull();
        }
    }
}
