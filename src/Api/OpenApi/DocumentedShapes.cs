using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Npq.Api.OpenApi;

/// <summary>
/// A response of an action that serves several versions with a view per version: the 200 body by
/// default, or another status one version gives and the others do not (410 on v3's participant
/// outcomes, 422 on v3's participants list). <see cref="Version"/> 0 is every version not named.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class DocumentedResponseAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;

    public int Version { get; init; }

    public int StatusCode { get; init; } = StatusCodes.Status200OK;
}

/// <summary>
/// A text property that carries a UUID: documented as <c>format: uuid</c>, read as text so that a
/// malformed id gets the contract's 422 rather than a deserialisation error.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UuidAttribute : Attribute;

/// <summary>A documented string property's value list, read from a static list of the domain.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ValuesFromAttribute(Type holder, string member) : Attribute
{
    public IReadOnlyList<string> Values { get; } =
        (IReadOnlyList<string>)holder.GetProperty(member, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}

/// <summary>
/// Puts the per-version responses of actions that serve several versions into each version's API description, after
/// Asp.Versioning has split the actions into version groups (its <c>OnProvidersExecuted</c> runs
/// before this one's, which has a lower order).
/// </summary>
public sealed class DocumentedShapesProvider(IModelMetadataProvider metadata) : IApiDescriptionProvider
{
    public int Order => -1;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var description in context.Results)
        {
            if (description.GroupName is not { Length: > 1 } group || !int.TryParse(group.AsSpan(1), out var version))
                continue;
            var attributes = description.ActionDescriptor.EndpointMetadata;

            foreach (var byStatus in attributes.OfType<DocumentedResponseAttribute>().GroupBy(a => a.StatusCode))
            {
                if (Pick(byStatus, a => a.Version, version) is not { } response)
                    continue;
                foreach (var same in description.SupportedResponseTypes.Where(r => r.StatusCode == response.StatusCode).ToList())
                    description.SupportedResponseTypes.Remove(same);
                description.SupportedResponseTypes.Add(new ApiResponseType
                {
                    StatusCode = response.StatusCode,
                    Type = response.Type,
                    ModelMetadata = metadata.GetMetadataForType(response.Type),
                    ApiResponseFormats = [new ApiResponseFormat { MediaType = "application/json" }],
                });
            }
        }
    }

    private static T? Pick<T>(IEnumerable<T> candidates, Func<T, int> versionOf, int version) where T : class
    {
        var list = candidates.ToList();
        return list.FirstOrDefault(c => versionOf(c) == version) ?? list.FirstOrDefault(c => versionOf(c) == 0);
    }
}
