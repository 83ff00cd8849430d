using System.Text.Json;
using System.Text.Json.Nodes;

namespace Npq.Api.OpenApi;

/// <summary>One captured exchange: the request a test sent and the responses it got (issue 29).</summary>
public sealed record CapturedExample(string Method, string Path, JsonNode? RequestBody, IReadOnlyList<(int Status, JsonNode? Body)> Responses);

/// <summary>
/// The request and response examples of the OpenAPI documents and the guidance, per version and
/// <c>operationId</c>. They are never written by hand: <c>ExampleCaptureTests</c> sends each operation to
/// a test server and writes what came back to <c>docs/openapi/examples/{version}.json</c> (with
/// <c>NPQ_UPDATE_OPENAPI=1</c>; otherwise it fails when the committed ones no longer have the shape of the
/// server's answers). The files are copied beside the executable.
/// </summary>
public static class CapturedExamples
{
    private static readonly Lazy<Dictionary<string, Dictionary<string, CapturedExample>>> All = new(Load);

    public static CapturedExample? Find(string version, string operationId) =>
        All.Value.TryGetValue(version, out var operations) ? operations.GetValueOrDefault(operationId) : null;

    public static IEnumerable<string> Folders =>
    [
        Path.Combine(AppContext.BaseDirectory, "openapi-data"),
        Path.Combine(Directory.GetCurrentDirectory(), "..", "..", "docs", "openapi", "examples"),
    ];

    private static Dictionary<string, Dictionary<string, CapturedExample>> Load()
    {
        var versions = new Dictionary<string, Dictionary<string, CapturedExample>>(StringComparer.Ordinal);
        foreach (var version in OpenApiSetup.Versions)
        {
            var path = Folders.Select(f => Path.Combine(f, version + ".json")).FirstOrDefault(File.Exists);
            if (path is null || JsonNode.Parse(File.ReadAllText(path)) is not JsonObject operations)
                continue;
            versions[version] = operations.ToDictionary(o => o.Key, o => Parse(o.Value!.AsObject()), StringComparer.Ordinal);
        }

        return versions;
    }

    private static CapturedExample Parse(JsonObject example)
    {
        var request = example["request"]!.AsObject();
        var responses = example["responses"]!.AsArray()
            .Select(r => (r!["status"]!.GetValue<int>(), r["body"]?.DeepClone()))
            .ToList();
        return new CapturedExample(request["method"]!.GetValue<string>(), request["path"]!.GetValue<string>(), request["body"]?.DeepClone(), responses);
    }

    /// <summary>The operation's captured request body and responses as the <c>example</c> of their media types.</summary>
    public static void Describe(Microsoft.OpenApi.OpenApiOperation operation, string version)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.OperationId is not { } id || Find(version, id) is not { } example)
            return;
        if (example.RequestBody is not null)
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                media.Example = example.RequestBody.DeepClone();
        }

        foreach (var (status, body) in example.Responses)
        {
            if (operation.Responses?.GetValueOrDefault(status.ToString(System.Globalization.CultureInfo.InvariantCulture)) is not { Content: { } content })
                continue;
            foreach (var media in content.Values)
                media.Example = body?.DeepClone();
        }
    }

    /// <summary>An example as Markdown: the request (with the headers a CRM sends) and each response.</summary>
    public static string Markdown(CapturedExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var indented = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var text = new System.Text.StringBuilder();
        text.AppendLine("**Request**").AppendLine().AppendLine("```http").Append(example.Method).Append(' ').AppendLine(example.Path);
        text.AppendLine("Authorization: Bearer <your token>");
        if (example.Method is "POST" or "PUT")
            text.AppendLine("Idempotency-Key: <a new UUID for each change>");
        if (example.RequestBody is not null)
            text.AppendLine("Content-Type: application/json").AppendLine().AppendLine(example.RequestBody.ToJsonString(indented));
        text.AppendLine("```");
        foreach (var (status, body) in example.Responses)
        {
            text.AppendLine().Append(System.Globalization.CultureInfo.InvariantCulture, $"**Response {status}**").AppendLine().AppendLine();
            var csv = body is JsonValue value && value.TryGetValue<string>(out var raw) ? raw : null;
            text.AppendLine(csv is null ? "```json" : "```csv");
            text.AppendLine(csv?.TrimEnd() ?? body?.ToJsonString(indented) ?? "");
            text.AppendLine("```");
        }

        return text.ToString();
    }
}
