using System.Net;
using System.Text.RegularExpressions;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Docs;

/// <summary>Interactive docs and guidance pages (CONTRACT B9): served locally, public, limited per IP.</summary>
[Collection(ApiTests.Name)]
public sealed partial class DocsPagesTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task The_interactive_docs_are_served_from_the_package_without_a_cdn(string version)
    {
        using var client = fixture.Anonymous();

        var page = await client.GetAsync($"/api/docs/{version}/index.html");
        var html = await page.Content.ReadAsStringAsync();

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        ExternalUrl().IsMatch(html).ShouldBeFalse("no asset may come from another host");
        (await client.GetAsync($"/api/docs/{version}/swagger-ui-bundle.js")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetStringAsync($"/api/docs/{version}/index.js")).ShouldContain($"/api/docs/{version}/swagger.json");
        page.Headers.Contains("RateLimit-Limit").ShouldBeTrue();
    }

    [Fact]
    public async Task Every_guidance_page_linked_from_the_index_renders()
    {
        using var client = fixture.Anonymous();
        var index = await client.GetAsync("/api/guidance");
        index.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await index.Content.ReadAsStringAsync();
        var links = GuidanceLink().Matches(html).Select(m => m.Groups[1].Value).Distinct().ToList();

        links.Count.ShouldBeGreaterThanOrEqualTo(9);
        foreach (var link in links)
        {
            var page = await client.GetAsync(link);
            page.StatusCode.ShouldBe(HttpStatusCode.OK, link);
            (await page.Content.ReadAsStringAsync()).ShouldContain("<h1", customMessage: link);
        }

        (await client.GetAsync("/api/guidance/no-such-page")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/guidance/..%2F..%2Fappsettings")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("""(src|href)="https?://""")]
    private static partial Regex ExternalUrl();

    [GeneratedRegex("""href="(/api/guidance/[a-z-]+)""")]
    private static partial Regex GuidanceLink();
}
