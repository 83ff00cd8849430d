using System.Globalization;
using Mapster;
using Npq.Api.Json;
using Npq.Api.V2.Participants;
using Npq.Api.V1.Declarations;
using Npq.Application.Common;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Participants;
using Npq.Domain.Declarations;

namespace Npq.Api.V2;

/// <summary>How v2 shows each read model where it differs from v1 (Mapster; STYLE 6).</summary>
public sealed class MappingV2 : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.NewConfig<DeclarationView, DeclarationAttributesV2>()
            .Map(d => d.State, s => DeclarationWire.Of(s.State));

        config.NewConfig<ParticipantResult, ParticipantAttributesV2>()
            .MapToConstructor(true)
            .Map(d => d.Email, s => s.Participant.Email)
            .Map(d => d.FullName, s => s.Participant.FullName)
            .Map(d => d.TeacherReferenceNumber, s => s.Participant.VerifiedTrn())
            .Map(d => d.UpdatedAt, s => s.UpdatedAt)
            .Map(d => d.NpqEnrolments, s => s.Enrolments);

        // Enrolments show the raw eligible_for_funding (§2.5).
        config.NewConfig<ApplicationView, EnrolmentV2>()
            .MapToConstructor(true)
            .Map(d => d.Cohort, s => s.Cohort.ToString(CultureInfo.InvariantCulture))
            .Map(d => d.NpqApplicationId, s => s.Id)
            .Map(d => d.EligibleForFunding, s => s.EligibleForFundingRaw)
            .Map(d => d.TrainingStatus, s => WireValues.Of(s.TrainingStatus));
    }
}
