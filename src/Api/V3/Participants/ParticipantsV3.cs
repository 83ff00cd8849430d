using Npq.Api.Http;
using Npq.Api.Json;
using Npq.Api.OpenApi;
using Npq.Api.Participants;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Domain.NpqApplications;

namespace Npq.Api.V3.Participants;

/// <summary>v3 participant (§2.5 with HEAD's <c>previous_names</c> and <c>cohort_suffix</c>).</summary>
public sealed record ParticipantAttributesV3(
    string FullName,
    IReadOnlyList<string> PreviousNames,
    string? TeacherReferenceNumber,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<EnrolmentV3> NpqEnrolments,
    IReadOnlyList<ParticipantIdChangeV3> ParticipantIdChanges);

public sealed record EnrolmentV3(
    string? Email,
    string CourseIdentifier,
    string? ScheduleIdentifier,
    string Cohort,
    string CohortSuffix,
    Guid NpqApplicationId,
    bool EligibleForFunding,
    string? TrainingStatus,
    string? SchoolUrn,
    bool TargetedDeliveryFundingEligibility,
    bool? FundedPlace,
    WithdrawalV3? Withdrawal,
    DeferralV3? Deferral,
    DateTimeOffset? CreatedAt);

/// <summary>The owner's latest withdrawal, shown while the participant is withdrawn.</summary>
public sealed record WithdrawalV3([property: ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.WithdrawalExtended))] string Reason, DateTimeOffset Date);

/// <summary>The owner's latest deferral, shown while the participant is deferred.</summary>
public sealed record DeferralV3([property: ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.Deferral))] string Reason, DateTimeOffset Date);

public sealed record ParticipantIdChangeV3(Guid FromParticipantId, Guid ToParticipantId, DateTimeOffset ChangedAt);

public sealed record OutcomeAttributesV3(string State, string CompletionDate, string CourseIdentifier, Guid ParticipantId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// v3: enrolments with withdrawal and deferral, previous names and id changes; 21 withdrawal reasons;
/// a retired id is a 410; the list filters by training status and from-participant and sorts.
/// </summary>
public sealed class ParticipantsV3 : ParticipantsVersion
{
    private static readonly string[] TrainingStatuses = ["active", "deferred", "withdrawn"];

    /// <summary>The contract's 422 detail for another <c>filter[training_status]</c> (a constant, so the error catalogue reads it).</summary>
    private const string TrainingStatusRefused = "The filter '#/training_status' must be [\"active\", \"deferred\", \"withdrawn\"]";

    public static ParticipantsV3 Instance { get; } = new();

    public override IReadOnlyList<string> WithdrawalReasons => TrainingReasons.WithdrawalExtended;

    public override bool GoneForRetired => true;

    public override (string? TrainingStatus, Guid? FromParticipant, IReadOnlyList<SortField> Sort) ListFilters(ListQuery query, IQueryCollection raw)
    {
        var status = raw["filter[training_status]"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && !TrainingStatuses.Contains(status))
        {
            throw new RuleViolationException("Unpermitted parameters", TrainingStatusRefused);
        }

        Guid? from = null;
        // As the reference: any value is compared with the ids changed from, so one that is not an id
        // matches nothing (200 with no participants; issue 26). Guid.Empty is no participant's id.
        if (raw["filter[from_participant_id]"].ToString() is { Length: > 0 } f)
            from = Guid.TryParse(f, out var id) ? id : Guid.Empty;
        return (status, from, query.ReadSort());
    }

    public override object Resource(ParticipantResult result) =>
        new Resource<ParticipantAttributesV3>(result.Participant.Id, Type, result.To<ParticipantAttributesV3>());

    public override object Outcome(OutcomeView outcome) =>
        new Resource<OutcomeAttributesV3>(outcome.Id, OutcomeType, outcome.To<OutcomeAttributesV3>());
}
