using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Contract;

/// <summary>
/// Issue 26: v1 and v2 as the reference left them. Served by default, with RFC 9745 <c>Deprecation</c>,
/// RFC 8594 <c>Sunset</c> and a <c>Link</c> to the guidance on every response and <c>deprecated</c>
/// operations in their documents; retired by a setting exactly as the reference retired them (404 for
/// the API and its documents); v3 untouched either way.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class LegacyVersionTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("/api/v1/npq-applications", HttpStatusCode.OK)]
    [InlineData("/api/V2/participants/npq", HttpStatusCode.OK)]
    [InlineData("/api/v2/npq-applications/00000000-0000-0000-0000-000000000001", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/participant-declarations.csv", HttpStatusCode.OK)]
    public async Task Every_v1_and_v2_response_says_it_is_deprecated_since_when_and_where_to_read_more(string path, HttpStatusCode status)
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var client = provider.Client();

        using var response = await client.GetAsync(path);

        response.StatusCode.ShouldBe(status);
        response.Headers.GetValues("Deprecation").ShouldBe(["@1753660800"]);
        response.Headers.GetValues("Sunset").ShouldBe(["Fri, 08 Aug 2025 00:00:00 GMT"]);
        var link = string.Join(", ", response.Headers.GetValues("Link"));
        link.ShouldContain("</api/guidance/versions>; rel=\"deprecation\"");
        link.ShouldContain("</api/guidance/versions>; rel=\"sunset\"");
        using var anonymous = fixture.Anonymous();
        (await anonymous.GetAsync("/api/guidance/versions")).StatusCode.ShouldBe(HttpStatusCode.OK, "the linked guidance exists");
    }

    [Fact]
    public async Task V3_says_nothing_of_deprecation()
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var client = provider.Client();

        using var response = await client.GetAsync("/api/v3/npq-applications");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Contains("Deprecation").ShouldBeFalse();
        response.Headers.Contains("Sunset").ShouldBeFalse();
    }

    [Fact]
    public async Task The_v1_and_v2_documents_mark_every_operation_deprecated_and_v3_none()
    {
        using var anonymous = fixture.Anonymous();
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            using var document = JsonDocument.Parse(await anonymous.GetStringAsync($"/api/docs/{version}/swagger.json"));
            var operations = document.RootElement.GetProperty("paths").EnumerateObject()
                .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put").Select(o => o.Value))
                .ToList();
            operations.ShouldNotBeEmpty();
            var deprecated = operations.Count(o => o.TryGetProperty("deprecated", out var d) && d.GetBoolean());
            deprecated.ShouldBe(version == "v3" ? 0 : operations.Count, version);
        }
    }

    [Fact]
    public async Task Retired_v1_and_v2_answer_404_for_the_api_and_the_documents_as_the_reference_does()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await using var factory = new ApiFactory(fixture.Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Npq:LegacyVersions:Retired"] = "true",
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider.Token);

        foreach (var path in new[]
                 {
                     "/api/v1/npq-applications", "/api/v2/npq-applications", "/api/V2/participants/npq", "/api/v1/participant-declarations.csv",
                     "/api/docs/v1", "/api/docs/v2/swagger.json", "/api/docs/v1/swagger.yaml",
                 })
        {
            using var response = await client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await response.Content.ReadAsStringAsync()).ShouldBe("{\"error\":\"Resource not found\"}", path);
        }

        using var retiredWrite = await client.PostAsync($"/api/v1/npq-applications/{Guid.NewGuid()}/accept", null);
        retiredWrite.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var v3 = await client.GetAsync("/api/v3/npq-applications");
        v3.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var v3Document = await client.GetAsync("/api/docs/v3/swagger.json");
        v3Document.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
