using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Hostile;

/// <summary>
/// Issue 14: every operation of every version, from our committed OpenAPI documents, is sent hostile
/// values in each path parameter, query parameter and body attribute (wrong JSON types, empty, long,
/// NUL, other scripts' digits, out-of-range dates, offsets and numbers, unknown enum values, deep
/// nesting, another provider's ids, invalid UTF-8). Every answer must be below 500 with a JSON body,
/// and a refused request must not append an event.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class HostileSweepTests(ApiFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] HostileStrings =
    [
        "", " ", "\u0000", "Nul\u0000Name", "bell\u0007", "\ud800", new string('x', 10_000), "٢٠٢٤-٠١-٠١T00:00:00Z", "2025-01-01T00:00:00+15:00", "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-12:00", "-1", "99999999999999999999", "1e309", "not-an-enum", "=1+1", "%00", "../../etc/passwd",
        "00000000-0000-0000-0000-000000000000",
    ];

    private static readonly JsonNode?[] HostileJson =
    [
        null, JsonValue.Create(true), JsonValue.Create(-1), JsonValue.Create(1e300), new JsonArray(1, 2), new JsonObject { ["a"] = 1 },
        Nested(60),
    ];

    [Fact]
    public async Task No_hostile_value_in_any_parameter_of_any_operation_gets_a_500_or_a_partial_write()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var other = await fixture.NewLeadProviderAsync();
        var theirs = await other.RegisterAsync(); // another provider's ids are hostile input too
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        using var client = provider.Client();
        var requests = 0;
        var failures = new List<string>();

        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            var document = JsonNode.Parse(await File.ReadAllTextAsync(Repository.File("docs", "openapi", $"{version}.json")))!;
            foreach (var (template, operations) in document["paths"]!.AsObject())
            {
                foreach (var (method, operation) in operations!.AsObject())
                {
                    foreach (var (path, query, body) in Variations(document, template, operation!, theirs))
                    {
                        var before = await EventCountAsync(store);
                        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path + query);
                        if (body is not null)
                        {
                            request.Content = new ByteArrayContent(body);
                            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                        }

                        using var response = await client.SendAsync(request);
                        requests++;
                        var text = await response.Content.ReadAsStringAsync();
                        var status = (int)response.StatusCode;
                        var what = $"{method.ToUpperInvariant()} {path}{(query.Length > 120 ? query[..120] + "…" : query)} body {(body is null ? 0 : body.Length)} bytes";
                        if (status >= 500)
                            failures.Add($"{status} {what}: {text}");
                        else if (response.Content.Headers.ContentType?.MediaType is not ("application/json" or "text/csv"))
                            failures.Add($"{status} without JSON {what}");
                        else if (status >= 400 && await EventCountAsync(store) != before)
                            failures.Add($"{status} but events were appended: {what}");
                    }
                }
            }
        }

        output.WriteLine($"{requests} hostile requests");
        requests.ShouldBeGreaterThan(1000);
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(30)));
    }

    private static IEnumerable<(string Path, string Query, byte[]? Body)> Variations(JsonNode document, string template, JsonNode operation, RegisteredApplication theirs)
    {
        var pathParameters = System.Text.RegularExpressions.Regex.Matches(template, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToList();
        string Path(string? hostile) => pathParameters.Aggregate(template, (p, name) =>
            p.Replace("{" + name + "}", Uri.EscapeDataString(hostile ?? theirs.Id.ToString()), StringComparison.Ordinal));
        var validBody = Body(document, operation, theirs, null, null);

        // Path parameters: another provider's ids, then hostile strings.
        yield return (Path(theirs.ParticipantId.ToString()), "", validBody);
        // (A NUL in the path is refused by Kestrel before the application, and by the test client.)
        foreach (var value in HostileStrings.Where(v => v.Length > 0 && !v.Any(char.IsControl) && !v.Any(char.IsSurrogate) && pathParameters.Count > 0))
            yield return (Path(value), "", validBody);

        // Query parameters (deepObject filter/page: each property; plain ones as they are).
        foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
        {
            var name = parameter!["name"]!.GetValue<string>();
            var properties = parameter["schema"]?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
            var keys = properties.Count > 0 ? properties.Select(p => $"{name}[{p}]").ToList() : [name];
            foreach (var key in keys)
            {
                foreach (var value in HostileStrings)
                    yield return (Path(null), $"?{key}={Uri.EscapeDataString(value)}", null);
                yield return (Path(null), $"?{key}[nested]=1", null);
            }
        }

        // Body attributes: each one hostile in turn, as JSON values and as strings; then raw bodies.
        if (validBody is null)
            yield break;
        foreach (var attribute in Attributes(document, operation))
        {
            foreach (var value in HostileJson)
                yield return (Path(null), "", Body(document, operation, theirs, attribute, value?.DeepClone() ?? JsonValue.Create((string?)null)));
            foreach (var value in HostileStrings)
                yield return (Path(null), "", Body(document, operation, theirs, attribute, JsonValue.Create(value)));
        }

        yield return (Path(null), "", [0x7b, 0x22, 0x64, 0x61, 0x74, 0x61, 0x22, 0x3a, 0x22, 0xC3, 0x28, 0x22, 0x7d]); // {"data":"\xC3("} invalid UTF-8
        yield return (Path(null), "", Encoding.UTF8.GetBytes(Nested(100)!.ToJsonString()));
        yield return (Path(null), "", Encoding.UTF8.GetBytes("[]"));
    }

    private static List<string> Attributes(JsonNode document, JsonNode operation) =>
        AttributesSchema(document, operation)?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];

    private static JsonNode? AttributesSchema(JsonNode document, JsonNode operation)
    {
        var envelope = Resolve(document, operation["requestBody"]?["content"]?["application/json"]?["schema"]);
        var data = Resolve(document, envelope?["properties"]?["data"]);
        return Resolve(document, data?["properties"]?["attributes"]);
    }

    /// <summary>A body whose attributes are all plausible (ids of another provider), with one attribute replaced.</summary>
    private static byte[]? Body(JsonNode document, JsonNode operation, RegisteredApplication theirs, string? attribute, JsonNode? value)
    {
        var schema = AttributesSchema(document, operation);
        if (schema is null)
            return operation["requestBody"] is null ? null : "{}"u8.ToArray();
        var attributes = new JsonObject();
        foreach (var (name, property) in schema["properties"]!.AsObject())
        {
            var resolved = Resolve(document, property);
            attributes[name] = resolved?["enum"]?.AsArray().FirstOrDefault()?.DeepClone()
                ?? (resolved?["format"]?.GetValue<string>() == "uuid" ? JsonValue.Create(theirs.ParticipantId.ToString()) : JsonValue.Create("2024-01-01T00:00:00Z"));
        }

        if (attribute is not null)
            attributes[attribute] = value;
        return Encoding.UTF8.GetBytes(new JsonObject { ["data"] = new JsonObject { ["type"] = "x", ["attributes"] = attributes } }.ToJsonString());
    }

    private static JsonNode? Resolve(JsonNode document, JsonNode? schema)
    {
        while (schema?["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = reference.TrimStart('#', '/').Split('/').Aggregate((JsonNode?)document, (node, part) => node?[part]);
        }

        return schema;
    }

    private static JsonNode? Nested(int depth)
    {
        JsonNode node = JsonValue.Create(1);
        for (var i = 0; i < depth; i++)
            node = new JsonObject { ["a"] = node };
        return node;
    }

    private static async Task<long> EventCountAsync(IDocumentStore store)
    {
        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync();
    }
}
