using Microsoft.OpenApi;

namespace Npq.Api.OpenApi;

/// <summary>
/// The list parameters (<c>filter[…]</c>, <c>page[…]</c>) and the path ids, each with what it means and
/// which values it takes, in the contract's words (docs/contract.md, "Filters" and "Pagination"; issue 29).
/// </summary>
public static class Parameters
{
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["filter"] = "Narrows the list: `filter[<name>]=<value>`. An empty value is no filter; unknown names are ignored.",
        ["page"] = "Pages of the list: `page[page]` from 1 (default 1) and `page[per_page]` (default 100, at most 3000: larger values are read as 3000). " +
                   "A page past the last is an empty `data`. Either below 1 is a 400.",
        ["page.page"] = "The page, from 1.",
        ["page.per_page"] = "Items per page: default 100, at most 3000.",
        ["filter.cohort"] = "Cohort start years, comma-separated (`2023,2024`); a year that is not one matches nothing. On delivery partners, one year: the partners you work with in that cohort.",
        ["filter.updated_since"] = "Only what changed at or after this moment: ISO 8601 (`2025-01-01`, `2025-01-01T10:00:00Z`, or a negative offset). " +
                                   "Send a `+` offset URL-encoded (`%2B`); the `%252B` DfE's service needs works too. Anything else is a 400.",
        ["filter.created_since"] = "Only outcomes recorded at or after this moment; the same format as `updated_since`.",
        ["filter.participant_id"] = "Participant ids (UUIDs), comma-separated. Anything that is not a UUID is a 400.",
        ["filter.training_status"] = "Only participants with an application of yours in this training status, and only those enrolments. Any other value is a 422.",
        ["filter.from_participant_id"] = "Only participants whose id replaced this one (one UUID); `participant_id_changes` then shows only that change.",
    };

    /// <summary>
    /// A deepObject parameter (<c>filter[cohort]=2025</c>) whose object is a named schema of the document
    /// (<c>ApplicationsFilter</c>, <c>Page</c>), so a generated client has a class of that name, not <c>Filter2</c>.
    /// </summary>
    public static OpenApiParameter DeepObject(string name, IEnumerable<string> properties, string schemaName, OpenApiDocument document) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Required = false,
        Style = ParameterStyle.DeepObject,
        Explode = true,
        Description = Descriptions[name],
        Schema = Component(document, schemaName, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = Descriptions[name],
            Properties = properties.ToDictionary(p => p, p => (IOpenApiSchema)new OpenApiSchema
            {
                Type = p is "page" or "per_page" ? JsonSchemaType.Integer : JsonSchemaType.String,
                Minimum = p is "page" or "per_page" ? "1" : null,
                Description = Descriptions.GetValueOrDefault($"{name}.{p}"),
                Enum = p == "training_status" ? [.. OpenApiSetup.TrainingStatuses.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!)] : null,
            }),
        }),
    };

    /// <summary>The schema under <paramref name="name"/> in the document's components (added once), by reference.</summary>
    public static IOpenApiSchema Component(OpenApiDocument document, string name, OpenApiSchema schema)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas.TryAdd(name, schema);
        return new OpenApiSchemaReference(name, document);
    }

    /// <summary>The change feed's <c>limit</c>: read as text so that a bad one gets the contract's 400, documented as the integer it is.</summary>
    public static void DescribeLimit(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p is { In: ParameterLocation.Query, Name: "limit" }))
            parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "1000", Default = System.Text.Json.Nodes.JsonValue.Create(100) };
    }

    /// <summary>The <c>{id}</c> in a path: which resource, by the path it is in.</summary>
    public static void DescribeIds(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p is { In: ParameterLocation.Path, Name: "id", Description: null }))
            parameter.Description = "The resource's id (a UUID), as the list gives it. Another provider's, or an unknown one, is a 404.";
    }
}
