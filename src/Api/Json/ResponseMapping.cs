using Mapster;

namespace Npq.Api.Json;

/// <summary>
/// Mapster configuration: one read model per resource, one mapping per version (STYLE 6), each
/// version's in its own folder (<c>V1/MappingV1</c>, …). Explicit mappings only, and every destination
/// member needs a source; compiled at start-up.
/// </summary>
public static class ResponseMapping
{
    public static TypeAdapterConfig Config { get; } = Create();

    private static TypeAdapterConfig Create()
    {
        var config = new TypeAdapterConfig { RequireExplicitMapping = true, RequireDestinationMemberSource = true };

        config.Apply(new V1.MappingV1(), new V2.MappingV2(), new V3.MappingV3());
        config.Compile();
        return config;
    }

    public static TDestination To<TDestination>(this object source) => source.Adapt<TDestination>(Config);
}
