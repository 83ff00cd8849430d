using Mapster;
using Npq.Api.Json;
using Npq.Api.Participants;
using Npq.Api.V1.Declarations;
using Npq.Api.V1.NpqApplications;
using Npq.Api.V1.Participants;
using Npq.Application.Common;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Domain.Declarations;

namespace Npq.Api.V1;

/// <summary>
/// How v1 shows each read model (Mapster; STYLE 6). Members with the same name map by convention;
/// every rule here is one the version states. v2 reuses the application and outcome mappings.
/// </summary>
public sealed class MappingV1 : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.NewConfig<ApplicationView, ApplicationAttributesV1>()
            .Map(d => d.Status, s => WireValues.Of(s.Status))
            .Map(d => d.Cohort, s => s.Cohort.ToString())
            .Map(d => d.EmailValidated, _ => true);

        config.NewConfig<DeclarationView, DeclarationAttributesV1>()
            .Map(d => d.State, s => DeclarationWire.Of(s.State))
            .Map(d => d.Voided, s => s.State == DeclarationState.Voided)
            .Map(d => d.EligibleForPayment, s => s.State == DeclarationState.Eligible || s.State == DeclarationState.Payable);

        // Courses and funded places flat, one per enrolment; the TRN only when verified.
        config.NewConfig<ParticipantResult, ParticipantAttributesV1>()
            .MapToConstructor(true)
            .Map(d => d.ParticipantId, s => s.Participant.Id)
            .Map(d => d.FullName, s => s.Participant.FullName)
            .Map(d => d.Email, s => s.Participant.Email)
            .Map(d => d.NpqCourses, s => s.Enrolments.Select(e => e.CourseIdentifier).ToList())
            .Map(d => d.FundedPlaces, s => s.Enrolments)
            .Map(d => d.TeacherReferenceNumber, s => s.Participant.VerifiedTrn())
            .Map(d => d.UpdatedAt, s => s.UpdatedAt);

        config.NewConfig<ApplicationView, FundedPlaceV1>()
            .MapToConstructor(true)
            .Map(d => d.NpqCourse, s => s.CourseIdentifier)
            .Map(d => d.NpqApplicationId, s => s.Id);

        config.NewConfig<OutcomeView, OutcomeAttributesV1>()
            .MapToConstructor(true)
            .Map(d => d.CompletionDate, s => ParticipantsVersion.CompletionDateOf(s));
    }
}
