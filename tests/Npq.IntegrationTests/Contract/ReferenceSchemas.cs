using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npq.IntegrationTests.Support;
using YamlDotNet.RepresentationModel;

namespace Npq.IntegrationTests.Contract;

/// <summary>
/// A published OpenAPI description used to check what we send: the reference service's documents
/// (<see cref="ContractDocuments.Reference"/>, found through <see cref="Repository.ReferenceOpenApi"/>),
/// where only the deviations that CONTRACT.md names are allowed (each is listed in
/// <see cref="AllowedDeviations"/> with its reason), or our own committed documents in docs/openapi
/// (<see cref="ContractDocuments.Own"/>), where nothing is excused.
/// </summary>
public sealed partial class ReferenceSchemas
{
    private static readonly Dictionary<(string, ContractDocuments), ReferenceSchemas> Cache = [];
    private readonly JsonNode _document;
    private readonly bool _strict;

    private ReferenceSchemas(JsonNode document, bool strict)
    {
        _document = document;
        _strict = strict;
    }

    /// <summary>
    /// (path ending, what differs) pairs that CONTRACT.md documents, matched against the value's path
    /// with array indexes folded to <c>[]</c>: §9.5 <c>headteacher_status</c> and <c>school_urn</c> can
    /// be null; §9.2 <c>works_as_senco</c> is the stored string answer, <c>has_passed</c> a boolean and
    /// a delivery partner's <c>cohort</c> holds integers; §9.1 declaration states are hyphenated on the wire.
    /// </summary>
    public static IReadOnlySet<(string PathEnding, string Deviation)> AllowedDeviations { get; } = new HashSet<(string, string)>
    {
        (".attributes.headteacher_status", "null"),
        (".attributes.school_urn", "null"),
        (".attributes.works_as_senco", "type"),
        (".attributes.has_passed", "type"),
        (".attributes.state", "enum"),
        (".attributes.cohort[]", "type"),
    };

    public static ReferenceSchemas For(string version, ContractDocuments documents)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue((version, documents), out var schemas))
            {
                Cache[(version, documents)] = schemas = documents switch
                {
                    ContractDocuments.Own => new ReferenceSchemas(
                        JsonNode.Parse(File.ReadAllText(Repository.File("docs", "openapi", $"{version}.json")))!, strict: true),
                    _ when Repository.ReferenceOpenApiMissing is { } missing => throw new InvalidOperationException(missing),
                    _ => new ReferenceSchemas(Load(Path.Combine(Repository.ReferenceOpenApi, $"{version}.yaml")), strict: false),
                };
            }

            return schemas;
        }
    }

    /// <summary>Fails the test with every mismatch listed.</summary>
    public static void AssertFits(IReadOnlyList<string> errors) =>
        errors.ShouldBeEmpty(string.Join(Environment.NewLine, errors));

    /// <summary>Checks a response body against the schema the document gives for that path, method and status.</summary>
    public IReadOnlyList<string> Validate(string pathTemplate, string method, int status, JsonElement body)
    {
        var schema = _document["paths"]?[pathTemplate]?[method]?["responses"]?[status.ToString(CultureInfo.InvariantCulture)]?["content"]?["application/json"]?["schema"];
        var errors = new List<string>();
        if (schema is null)
        {
            if (!_strict)
                throw new InvalidOperationException($"The reference documents no {status} JSON response for {method.ToUpperInvariant()} {pathTemplate}.");
            errors.Add($"no {status} JSON response for {method.ToUpperInvariant()} {pathTemplate}");
        }
        else
        {
            Check(schema, body, "$", errors);
        }

        return _strict ? errors.Select(e => "our document: " + e).ToList() : errors;
    }

    private void Check(JsonNode schema, JsonElement value, string at, List<string> errors)
    {
        schema = Resolve(schema);
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!Nullable(schema) && !Allowed(at, "null"))
                errors.Add($"{at} is null, but the schema does not allow null");
            return;
        }

        // OpenAPI 3.1 (our documents): oneOf/anyOf alternatives, one of which must fit.
        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray alternatives && schema["type"] is null)
        {
            var candidates = alternatives.Select(a => Resolve(a!)).Where(a => a["type"]?.ToString() != "null").ToList();
            var attempts = candidates.Select(c => { var e = new List<string>(); Check(c, value, at, e); return e; }).ToList();
            if (attempts.Count > 0 && attempts.All(e => e.Count > 0))
                errors.AddRange(attempts.OrderBy(e => e.Count).First());
            return;
        }

        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
            { } single => single.GetValue<string>(),
            null => null,
        };
        var kindMatches = type switch
        {
            null => true,
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "number" => value.ValueKind == JsonValueKind.Number,
            _ => true,
        };
        if (!kindMatches)
        {
            if (!Allowed(at, "type"))
                errors.Add($"{at} is a {value.ValueKind}, the schema says {type}");
            return;
        }

        if (schema["enum"] is JsonArray values && value.ValueKind == JsonValueKind.String
            && values.All(v => v?.GetValue<string>() != value.GetString()) && !Allowed(at, "enum"))
        {
            errors.Add($"{at} is '{value.GetString()}', not one of the schema's values");
        }

        if (value.ValueKind == JsonValueKind.String && schema["format"]?.GetValue<string>() is { } format && !FormatMatches(format, value.GetString()!))
            errors.Add($"{at} '{value.GetString()}' is not a {format}");

        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = schema["properties"] as JsonObject;
            foreach (var required in schema["required"] as JsonArray ?? [])
            {
                if (!value.TryGetProperty(required!.GetValue<string>(), out _))
                    errors.Add($"{at} lacks the required '{required}'");
            }

            foreach (var member in value.EnumerateObject())
            {
                if (properties?[member.Name] is { } memberSchema)
                    Check(memberSchema, member.Value, $"{at}.{member.Name}", errors);
                else if (properties is not null && !Allowed($"{at}.{member.Name}", "extra"))
                    errors.Add($"{at}.{member.Name} is not in the reference schema");
            }
        }

        if (value.ValueKind == JsonValueKind.Array && schema["items"] is { } items)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
                Check(items, item, $"{at}[{i++}]", errors);
        }
    }

    private bool Nullable(JsonNode schema) =>
        schema["nullable"]?.GetValue<bool>() == true
        || (schema["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "null"))
        || ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray alternatives && alternatives.Any(a => Resolve(a!)["type"]?.ToString() == "null"));

    private bool Allowed(string at, string deviation)
    {
        if (_strict)
            return false;
        var folded = ArrayIndex().Replace(at, "[]");
        return AllowedDeviations.Any(d => d.Deviation == deviation && folded.EndsWith(d.PathEnding, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex ArrayIndex();

    private JsonNode Resolve(JsonNode schema)
    {
        while (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var node = _document;
            foreach (var part in reference.TrimStart('#', '/').Split('/'))
                node = node[part] ?? throw new InvalidOperationException($"Unresolvable $ref {reference}");
            schema = node;
        }

        return schema;
    }

    private static bool FormatMatches(string format, string value) => format switch
    {
        "uuid" => Guid.TryParseExact(value, "D", out _),
        "date-time" => DateTimeRfc3339().IsMatch(value),
        "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        _ => true,
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeRfc3339();

    private static JsonNode Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
            yaml.Load(reader);
        return Convert(yaml.Documents[0].RootNode)!;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value;
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted)
            return JsonValue.Create(text);
        return text switch
        {
            null or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
