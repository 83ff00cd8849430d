using System.Text.Json;
using System.Text.RegularExpressions;
using Asp.Versioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npq.IntegrationTests.Support;
using YamlDotNet.RepresentationModel;

namespace Npq.IntegrationTests.Docs;

/// <summary>
/// The OpenAPI documents (CONTRACT B9): one per version, generated from the code, matching the
/// committed copy in docs/openapi (set NPQ_UPDATE_OPENAPI=1 to refresh it), and describing exactly
/// the routes the server has.
/// </summary>
[Collection(ApiTests.Name)]
public sealed partial class OpenApiTests(ApiFixture fixture)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    [InlineData("v1-3.0")]
    [InlineData("v2-3.0")]
    [InlineData("v3-3.0")]
    public async Task Each_version_has_a_json_and_yaml_document_equal_to_the_committed_copy(string version)
    {
        using var client = fixture.Anonymous();
        var json = await client.GetStringAsync($"/api/docs/{version}/swagger.json");
        var document = JsonDocument.Parse(json).RootElement;
        // Each version in 3.1, and in 3.0 for the generators that read it best (issue 29).
        document.GetProperty("openapi").GetString()!.ShouldStartWith(version.EndsWith("-3.0", StringComparison.Ordinal) ? "3.0." : "3.1.");
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        document.GetProperty("servers").GetArrayLength().ShouldBe(1);

        var yaml = new YamlStream();
        yaml.Load(new StringReader(await client.GetStringAsync($"/api/docs/{version}/swagger.yaml")));
        ((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("openapi")].ToString().ShouldStartWith("3.");

        var path = Repository.File("docs", "openapi", $"{version}.json");
        var pretty = JsonSerializer.Serialize(document, Indented) + "\n";
        if (Environment.GetEnvironmentVariable("NPQ_UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(path, pretty);
        File.Exists(path).ShouldBeTrue($"{path} is missing: run the tests with NPQ_UPDATE_OPENAPI=1 and commit it");
        (await File.ReadAllTextAsync(path)).ShouldBe(pretty, "the generated document drifted from docs/openapi: refresh it with NPQ_UPDATE_OPENAPI=1");
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    [InlineData("v3-3.0")]
    public async Task Every_operation_has_a_captured_example_of_its_success_and_of_its_request_body(string version)
    {
        var document = await DocumentAsync(version);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var where = $"{operation.Name} {path.Name}";
                var success = operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
                success.ShouldNotBeEmpty(where);
                foreach (var media in success.SelectMany(r => r.Value.GetProperty("content").EnumerateObject()))
                    media.Value.TryGetProperty("example", out _).ShouldBeTrue($"{where}: {media.Name} has no example");
                if (operation.Value.TryGetProperty("requestBody", out var body) && path.Name.Split('/')[^1] is not "accept" and not "reject" and not "void")
                {
                    foreach (var media in body.GetProperty("content").EnumerateObject())
                        media.Value.TryGetProperty("example", out _).ShouldBeTrue($"{where}: the request body has no example");
                }
            }
        }
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task Every_operation_documents_every_status_and_header_a_client_can_meet(string version)
    {
        var document = await DocumentAsync(version);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var where = $"{operation.Name} {path.Name}";
                var responses = operation.Value.GetProperty("responses");
                var statuses = responses.EnumerateObject().Select(r => r.Name).ToList();
                statuses.ShouldContain("503", where);
                statuses.ShouldContain("429", where);
                if (operation.Name is "post" or "put")
                    new[] { "409", "413" }.ShouldBeSubsetOf(statuses, where);
                foreach (var response in responses.EnumerateObject())
                {
                    var headers = response.Value.GetProperty("headers").EnumerateObject().Select(h => h.Name).ToList();
                    new[] { "X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset" }.ShouldBeSubsetOf(headers, $"{where} {response.Name}");
                    if (response.Name is "429" or "503")
                        headers.ShouldContain("Retry-After", $"{where} {response.Name}");
                    if (operation.Name is "post" or "put" && response.Name.StartsWith('2'))
                        headers.ShouldContain("Idempotent-Replayed", $"{where} {response.Name}");
                    if (version is "v1" or "v2")
                        new[] { "Deprecation", "Sunset", "Link" }.ShouldBeSubsetOf(headers, $"{where} {response.Name}");
                }
            }
        }
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task Every_parameter_and_every_filter_and_page_field_says_what_it_means(string version)
    {
        var document = await DocumentAsync(version);
        var parameters = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                foreach (var parameter in operation.Value.TryGetProperty("parameters", out var list) ? list.EnumerateArray() : default)
                {
                    var name = parameter.GetProperty("name").GetString();
                    parameters++;
                    parameter.TryGetProperty("description", out var description).ShouldBeTrue($"{operation.Name} {path.Name}: {name}");
                    description.GetString().ShouldNotBeNullOrWhiteSpace();
                    if (parameter.GetProperty("schema").TryGetProperty("properties", out var fields))
                    {
                        foreach (var field in fields.EnumerateObject())
                            field.Value.TryGetProperty("description", out _).ShouldBeTrue($"{operation.Name} {path.Name}: {name}[{field.Name}]");
                    }
                }
            }
        }

        parameters.ShouldBeGreaterThan(20);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task At_least_95_percent_of_the_properties_say_what_they_mean(string version)
    {
        var document = await DocumentAsync(version);
        var properties = document.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .SelectMany(schema => schema.Value.TryGetProperty("properties", out var list) ? list.EnumerateObject().Select(p => (Schema: schema.Name, Property: p)) : [])
            .Where(p => !p.Property.Value.TryGetProperty("$ref", out _)) // a reference is described by its schema
            .ToList();
        var undescribed = properties.Where(p => !p.Property.Value.TryGetProperty("description", out _)).Select(p => $"{p.Schema}.{p.Property.Name}").ToList();
        properties.Count.ShouldBeGreaterThan(50);
        (1.0 - ((double)undescribed.Count / properties.Count)).ShouldBeGreaterThanOrEqualTo(0.95, string.Join(", ", undescribed));
    }

    [Fact]
    public async Task Every_operation_has_its_operation_id_summary_and_tag_and_the_table_names_nothing_else()
    {
        using var client = fixture.Anonymous();
        var named = new HashSet<(string, string)>();
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            var document = JsonDocument.Parse(await client.GetStringAsync($"/api/docs/{version}/swagger.json")).RootElement;
            var ids = new List<string>();
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                foreach (var operation in path.Value.EnumerateObject())
                {
                    var key = (operation.Name.ToUpperInvariant(), path.Name[$"/api/{version}".Length..]);
                    var name = Npq.Api.OpenApi.OperationNames.All.GetValueOrDefault(key)
                               ?? throw new ShouldAssertException($"{version} {key}: no entry in OpenApi/OperationNames.cs");
                    named.Add(key);
                    operation.Value.GetProperty("operationId").GetString().ShouldBe(name.OperationId);
                    operation.Value.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace();
                    operation.Value.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe([name.Tag]);
                    ids.Add(name.OperationId);
                }
            }

            ids.ShouldBeUnique($"{version}: a generator needs one name per operation");
            document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString())
                .ShouldBe(Npq.Api.OpenApi.OperationNames.All.Values.Select(n => n.Tag).Distinct().Where(t => ids.Any(id => Npq.Api.OpenApi.OperationNames.All.Values.Any(n => n.OperationId == id && n.Tag == t))),
                    $"{version}: the document lists the tags its operations use, in the table's order");
        }

        Npq.Api.OpenApi.OperationNames.All.Keys.Except(named).ShouldBeEmpty("an entry no document uses");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_routed_endpoint_is_documented_and_every_documented_path_is_routed(int version)
    {
        var routed = new HashSet<string>();
        foreach (var endpoint in fixture.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.OfType<ApiExplorerSettingsAttribute>().Any(a => a.IgnoreApi)
                || endpoint.Metadata.GetMetadata<ApiVersionMetadata>() is not { } versions)
            {
                continue;
            }

            // The versions the endpoint's controller declares ([ApiVersion] on the class).
            if (!versions.Map(ApiVersionMapping.Implicit).DeclaredApiVersions.Any(v => v.MajorVersion == version))
                continue;
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant();
            var template = Constraint().Replace(endpoint.RoutePattern.RawText!.Replace("{version:apiVersion}", $"{version}", StringComparison.Ordinal), "{$1}");
            routed.Add($"{method} /{template.TrimStart('~', '/')}");
        }

        using var client = fixture.Anonymous();
        var document = JsonDocument.Parse(await client.GetStringAsync($"/api/docs/v{version}/swagger.json")).RootElement;
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => $"{operation.Name} {path.Name}"))
            .ToHashSet();

        routed.ShouldNotBeEmpty();
        documented.Order().ShouldBe(routed.Order());
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task Every_operation_documents_its_success_body_and_every_write_that_reads_a_body_documents_it(string version)
    {
        var document = await DocumentAsync(version);
        var withoutBody = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var name = $"{operation.Name} {path.Name}";
                var content = operation.Value.GetProperty("responses").GetProperty("200").GetProperty("content");
                content.EnumerateObject().ShouldNotBeEmpty($"{name} has no 200 body");
                foreach (var media in content.EnumerateObject())
                    media.Value.TryGetProperty("schema", out _).ShouldBeTrue($"{name} has no 200 schema for {media.Name}");

                if (operation.Name is "post" or "put" && !operation.Value.TryGetProperty("requestBody", out _))
                    withoutBody.Add(name);
            }
        }

        // Only reject and void take no body.
        withoutBody.ShouldAllBe(n => n.EndsWith("/reject", StringComparison.Ordinal) || n.EndsWith("/void", StringComparison.Ordinal), string.Join(", ", withoutBody));
        var bodies = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Value.TryGetProperty("requestBody", out _)).Select(o => $"{o.Name} {p.Name}"))
            .ToList();
        bodies.ShouldContain($"put /api/{version}/participants/npq/{{id}}/withdraw");
        bodies.ShouldContain($"post /api/{version}/participant-declarations");
    }

    [GeneratedRegex(@"\{(\w+):[^}]+\}")]
    private static partial Regex Constraint();

    /// <summary>A version's generated document, as a client downloads it.</summary>
    private async Task<JsonElement> DocumentAsync(string version)
    {
        using var client = fixture.Anonymous();
        return JsonDocument.Parse(await client.GetStringAsync($"/api/docs/{version}/swagger.json")).RootElement;
    }
}
