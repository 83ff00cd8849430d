using Npq.Api.Http;
using Npq.Application.Common;
using Npq.Application.Outcomes;
using Npq.Application.Participants;

namespace Npq.Api.Participants;

/// <summary>
/// What one version of the participants API says (CONTRACT §2.5, §2.7, §3.5): its views, the withdrawal
/// reasons it takes, whether a retired id is a 410, and which list filters and sorts it reads. The
/// paths and rules are shared (<see cref="ParticipantsController"/>); each version's class lives in
/// its own folder (<c>V1/</c>, <c>V2/</c>, <c>V3/</c>) beside its response records.
/// </summary>
public abstract class ParticipantsVersion
{
    public const string Type = "npq-participant";
    public const string OutcomeType = "participant-outcome";

    public abstract object Resource(ParticipantResult result);

    public abstract object Outcome(OutcomeView outcome);

    public abstract IReadOnlyList<string> WithdrawalReasons { get; }

    /// <summary>A retired participant id answers 410 with its changes (v3) rather than 404.</summary>
    public virtual bool GoneForRetired => false;

    /// <summary>The list's training-status and from-participant filters and its sort; none unless the version has them.</summary>
    public virtual (string? TrainingStatus, Guid? FromParticipant, IReadOnlyList<SortField> Sort) ListFilters(ListQuery query, IQueryCollection raw) =>
        (null, null, []);

    /// <summary>The version the route resolved (v1, V1 and v1.0 alike).</summary>
    public static ParticipantsVersion For(int major) => major switch
    {
        1 => V1.Participants.ParticipantsV1.Instance,
        2 => V2.Participants.ParticipantsV2.Instance,
        _ => V3.Participants.ParticipantsV3.Instance,
    };

    /// <summary>An outcome's completion date as the contract writes it (a date at midnight UTC, with offset).</summary>
    public static string CompletionDateOf(OutcomeView outcome) =>
        outcome.CompletionDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "T00:00:00+00:00";
}
