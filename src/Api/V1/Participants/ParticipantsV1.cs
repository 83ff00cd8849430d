using Npq.Api.Json;
using Npq.Api.Participants;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Domain.NpqApplications;

namespace Npq.Api.V1.Participants;

/// <summary>v1 participant (CONTRACT §2.5).</summary>
public sealed record ParticipantAttributesV1(
    Guid ParticipantId,
    string FullName,
    string Email,
    IReadOnlyList<string> NpqCourses,
    IReadOnlyList<FundedPlaceV1> FundedPlaces,
    string? TeacherReferenceNumber,
    DateTimeOffset UpdatedAt);

public sealed record FundedPlaceV1(string NpqCourse, bool? FundedPlace, Guid NpqApplicationId);

/// <summary>Outcome (§2.7): v1/v2 without <c>updated_at</c>.</summary>
public sealed record OutcomeAttributesV1(string State, string CompletionDate, string CourseIdentifier, Guid ParticipantId, DateTimeOffset CreatedAt);

/// <summary>v1: courses and funded places flat; 17 withdrawal reasons; a retired id is a 404.</summary>
public sealed class ParticipantsV1 : ParticipantsVersion
{
    public static ParticipantsV1 Instance { get; } = new();

    public override IReadOnlyList<string> WithdrawalReasons => TrainingReasons.WithdrawalOriginal;

    public override object Resource(ParticipantResult result) =>
        new Resource<ParticipantAttributesV1>(result.Participant.Id, Type, result.To<ParticipantAttributesV1>());

    public override object Outcome(OutcomeView outcome) => OutcomeV1(outcome);

    /// <summary>The v1 and v2 outcome.</summary>
    public static object OutcomeV1(OutcomeView o) =>
        new Resource<OutcomeAttributesV1>(o.Id, OutcomeType, o.To<OutcomeAttributesV1>());
}
