using Mapster;
using Npq.Api.V1.NpqApplications;
using Npq.Api.V3.NpqApplications;
using Npq.Application.NpqApplications;

namespace Npq.Api.Json;

/// <summary>
/// Mapster configuration: one read model per resource, one mapping per version (STYLE 6). Fields
/// with the same name map by convention; the rules below cover what differs.
/// </summary>
public static class ResponseMapping
{
    public static TypeAdapterConfig Config { get; } = Create();

    private static TypeAdapterConfig Create()
    {
        var config = new TypeAdapterConfig { RequireExplicitMapping = true, RequireDestinationMemberSource = true };

        config.NewConfig<ApplicationView, ApplicationAttributesV1>()
            .Map(d => d.Status, s => WireValues.Of(s.Status))
            .Map(d => d.Cohort, s => s.Cohort.ToString())
            .Map(d => d.EmailValidated, _ => true);

        config.NewConfig<ApplicationView, ApplicationAttributesV3>()
            .Map(d => d.Status, s => WireValues.Of(s.Status))
            .Map(d => d.Cohort, s => s.Cohort.ToString())
            .Map(d => d.EmailValidated, _ => true)
            // HEAD: the TRN only when it has been verified (§8).
            .Map(d => d.TeacherReferenceNumber, s => s.TeacherReferenceNumberValidated ? s.TeacherReferenceNumber : null);

        config.Compile();
        return config;
    }

    public static TDestination To<TDestination>(this object source) => source.Adapt<TDestination>(Config);
}
