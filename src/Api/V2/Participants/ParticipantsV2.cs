using Npq.Api.Json;
using Npq.Api.Participants;
using Npq.Api.V1.Participants;
using Npq.Application.NpqApplications;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Domain.NpqApplications;

namespace Npq.Api.V2.Participants;

/// <summary>v2 participant (§2.5): enrolments with the raw <c>eligible_for_funding</c>.</summary>
public sealed record ParticipantAttributesV2(
    string Email,
    string FullName,
    string? TeacherReferenceNumber,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<EnrolmentV2> NpqEnrolments);

public sealed record EnrolmentV2(
    string CourseIdentifier,
    string? ScheduleIdentifier,
    string Cohort,
    Guid NpqApplicationId,
    bool EligibleForFunding,
    string? TrainingStatus,
    string? SchoolUrn,
    bool TargetedDeliveryFundingEligibility,
    bool? FundedPlace);

/// <summary>v2: enrolments; 17 withdrawal reasons; a retired id is a 404; outcomes as v1.</summary>
public sealed class ParticipantsV2 : ParticipantsVersion
{
    public static ParticipantsV2 Instance { get; } = new();

    public override IReadOnlyList<string> WithdrawalReasons => TrainingReasons.WithdrawalOriginal;

    public override object Resource(ParticipantResult result) =>
        new Resource<ParticipantAttributesV2>(result.Participant.Id, Type, result.To<ParticipantAttributesV2>());

    public override object Outcome(OutcomeView outcome) => ParticipantsV1.OutcomeV1(outcome);
}
