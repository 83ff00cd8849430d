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
                                   "A `+` offset must be sent as `%252B`, as with DfE's service. Anything else is a 400.",
        ["filter.created_since"] = "Only outcomes recorded at or after this moment; the same format as `updated_since`.",
        ["filter.participant_id"] = "Participant ids (UUIDs), comma-separated. Anything that is not a UUID is a 400.",
        ["filter.training_status"] = "Only participants with an application of yours in this training status, and only those enrolments. Any other value is a 422.",
        ["filter.from_participant_id"] = "Only participants whose id replaced this one (one UUID); `participant_id_changes` then shows only that change.",
    };

    public static OpenApiParameter DeepObject(string name, IEnumerable<string> properties) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Required = false,
        Style = ParameterStyle.DeepObject,
        Explode = true,
        Description = Descriptions[name],
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = properties.ToDictionary(p => p, p => (IOpenApiSchema)new OpenApiSchema
            {
                Type = p is "page" or "per_page" ? JsonSchemaType.Integer : JsonSchemaType.String,
                Description = Descriptions.GetValueOrDefault($"{name}.{p}"),
                Enum = p == "training_status" ? [.. OpenApiSetup.TrainingStatuses.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!)] : null,
            }),
        },
    };

    /// <summary>The <c>{id}</c> in a path: which resource, by the path it is in.</summary>
    public static void DescribeIds(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p is { In: ParameterLocation.Path, Name: "id", Description: null }))
            parameter.Description = "The resource's id (a UUID), as the list gives it. Another provider's, or an unknown one, is a 404.";
    }
}
