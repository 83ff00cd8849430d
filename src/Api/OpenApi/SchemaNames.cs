using System.Text.Json.Serialization.Metadata;

namespace Npq.Api.OpenApi;

/// <summary>
/// The names a client generator gives its classes (issue 29), instead of the framework's
/// <c>ListEnvelopeOfApplicationAttributesV3</c>: the resource by its name and version (<c>ApplicationV3</c>),
/// a show's answer <c>ApplicationV3Response</c>, a list's <c>ApplicationV3ListResponse</c>, and a write's
/// body <c>AcceptApplicationV3Body</c> holding <c>AcceptApplicationV3Data</c>. Every other type keeps its own name.
/// </summary>
public static class SchemaNames
{
    public static string? Of(JsonTypeInfo typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var type = typeInfo.Type;
        if (!type.IsGenericType)
            return Microsoft.AspNetCore.OpenApi.OpenApiOptions.CreateDefaultSchemaReferenceId(typeInfo);
        var definition = type.GetGenericTypeDefinition();
        var argument = type.GetGenericArguments()[0].Name;
        return definition == typeof(Json.Resource<>) ? Resource(argument)
            : definition == typeof(Json.SingleEnvelope<>) ? $"{Resource(argument)}Response"
            : definition == typeof(Json.ListEnvelope<>) ? $"{Resource(argument)}ListResponse"
            : definition == typeof(Requests.RequestEnvelope<>) ? $"{Request(argument)}Body"
            : definition == typeof(Requests.RequestData<>) ? $"{Request(argument)}Data"
            : Microsoft.AspNetCore.OpenApi.OpenApiOptions.CreateDefaultSchemaReferenceId(typeInfo);
    }

    /// <summary><c>ApplicationAttributesV3</c> → <c>ApplicationV3</c>.</summary>
    private static string Resource(string attributes) => attributes.Replace("Attributes", "", StringComparison.Ordinal);

    /// <summary><c>AcceptApplicationRequestV3</c> → <c>AcceptApplicationV3</c>.</summary>
    private static string Request(string request) => request.Replace("Request", "", StringComparison.Ordinal);
}
