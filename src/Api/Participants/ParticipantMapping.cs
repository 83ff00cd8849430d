using System.Globalization;
using Npq.Application.Common;
using Npq.Api.Json;
using Npq.Application.NpqApplications;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Domain.NpqApplications;

namespace Npq.Api.Participants;

/// <summary>
/// Each version's participant view from the one read model (STYLE 6). Nested enrolments are built
/// by hand: they combine the person and the caller's accepted applications.
/// </summary>
public static class ParticipantMapping
{
    public const string Type = "npq-participant";
    public const string OutcomeType = "participant-outcome";

    public static object Resource(ParticipantResult result, int version)
    {
        var p = result.Participant;
        var trn = p.VerifiedTrn();
        return version switch
        {
            1 => new Resource<ParticipantAttributesV1>(p.Id, Type, new ParticipantAttributesV1(
                p.Id, p.FullName, p.Email,
                result.Enrolments.Select(e => e.CourseIdentifier).ToList(),
                result.Enrolments.Select(e => new FundedPlaceV1(e.CourseIdentifier, e.FundedPlace, e.Id)).ToList(),
                trn, p.UpdatedAt)),
            2 => new Resource<ParticipantAttributesV2>(p.Id, Type, new ParticipantAttributesV2(
                p.Email, p.FullName, trn, p.UpdatedAt, result.Enrolments.Select(EnrolmentV2).ToList())),
            _ => new Resource<ParticipantAttributesV3>(p.Id, Type, new ParticipantAttributesV3(
                p.FullName, p.PreviousNames, trn, p.UpdatedAt, result.Enrolments.Select(EnrolmentV3).ToList(),
                p.ParticipantIdChanges.Select(c => new ParticipantIdChangeV3(c.FromParticipantId, c.ToParticipantId, c.ChangedAt)).ToList())),
        };
    }

    private static EnrolmentV2 EnrolmentV2(ApplicationView a) => new(
        a.CourseIdentifier, a.ScheduleIdentifier, a.Cohort.ToString(CultureInfo.InvariantCulture), a.Id, a.EligibleForFundingRaw,
        WireValues.Of(a.TrainingStatus), a.SchoolUrn, a.TargetedDeliveryFundingEligibility, a.FundedPlace);

    private static EnrolmentV3 EnrolmentV3(ApplicationView a) => new(
        a.Email, a.CourseIdentifier, a.ScheduleIdentifier, a.Cohort.ToString(CultureInfo.InvariantCulture), a.CohortSuffix, a.Id,
        a.EligibleForFundingRaw, WireValues.Of(a.TrainingStatus), a.SchoolUrn, a.TargetedDeliveryFundingEligibility, a.FundedPlace,
        a.TrainingStatus == TrainingStatus.Withdrawn && a.WithdrawalReason is { } wr ? new TrainingChange(wr, a.WithdrawnAt!.Value) : null,
        a.TrainingStatus == TrainingStatus.Deferred && a.DeferralReason is { } dr ? new TrainingChange(dr, a.DeferredAt!.Value) : null,
        a.AcceptedAt);

    public static object Outcome(OutcomeView o, int version)
    {
        var completion = o.CompletionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00+00:00";
        return version == 3
            ? new Resource<OutcomeAttributesV3>(o.Id, OutcomeType, new OutcomeAttributesV3(o.State, completion, o.CourseIdentifier, o.ParticipantId, o.CreatedAt, o.CreatedAt))
            : new Resource<OutcomeAttributesV1>(o.Id, OutcomeType, new OutcomeAttributesV1(o.State, completion, o.CourseIdentifier, o.ParticipantId, o.CreatedAt));
    }
}
