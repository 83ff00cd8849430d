using System.Globalization;
using Npq.Api.Json;
using Npq.Api.Participants;
using Npq.Api.V1.Participants;
using Npq.Application.Common;
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

    public override object Resource(ParticipantResult result)
    {
        var p = result.Participant;
        return new Resource<ParticipantAttributesV2>(p.Id, Type, new ParticipantAttributesV2(
            p.Email, p.FullName, p.VerifiedTrn(), p.UpdatedAt, result.Enrolments.Select(Enrolment).ToList()));
    }

    public override object Outcome(OutcomeView outcome) => ParticipantsV1.OutcomeV1(outcome);

    private static EnrolmentV2 Enrolment(ApplicationView a) => new(
        a.CourseIdentifier, a.ScheduleIdentifier, a.Cohort.ToString(CultureInfo.InvariantCulture), a.Id, a.EligibleForFundingRaw,
        WireValues.Of(a.TrainingStatus), a.SchoolUrn, a.TargetedDeliveryFundingEligibility, a.FundedPlace);
}
