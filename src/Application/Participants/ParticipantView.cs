namespace Npq.Application.Participants;

/// <summary>
/// The read model of a person: identity facts and the times that §1.11 derives from them.
/// Maintained inline, together with the person's applications, by
/// <see cref="NpqApplications.ParticipantApplicationsProjection"/>.
/// </summary>
public sealed class ParticipantView
{
    public Guid Id { get; set; }

    public string? FullName { get; set; } = "";

    /// <summary>Null once DfE blanked it (a later participant uses the address, issue 26).</summary>
    public string? Email { get; set; } = "";

    public string? TeacherReferenceNumber { get; set; }

    public bool TeacherReferenceNumberVerified { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Moves on identity changes and whenever any of the person's applications changes approval status.</summary>
    public DateTimeOffset SignificantlyUpdatedAt { get; set; }

    /// <summary>max(significant update, every application's update): what the participant views show.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public List<Guid> ApplicationIds { get; set; } = [];

    /// <summary>Names the person was known by before (HEAD's <c>previous_names</c>).</summary>
    public List<string> PreviousNames { get; set; } = [];

    /// <summary>Id changes that involve this person, newest first.</summary>
    public List<ParticipantIdChange> ParticipantIdChanges { get; set; } = [];

    /// <summary>
    /// When DfE erased the person's personal data (ADR 0040): name, email and TRN read as null since. Left out
    /// of the stored document while null, so the views of people never erased are written as the releases
    /// before it wrote them (a rolling upgrade's views still equal a replay).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? PersonalDataErasedAt { get; set; }

    /// <summary>Set when this id was retired in favour of another (a read may answer 410).</summary>
    public Guid? RetiredInto { get; set; }

    /// <summary>
    /// Keys the participant lists filter on: <c>{provider}</c> for every provider with an accepted
    /// application of the person, and <c>{provider}:{training status}</c>.
    /// </summary>
    public List<string> EnrolmentKeys { get; set; } = [];
}

public sealed record ParticipantIdChange(Guid FromParticipantId, Guid ToParticipantId, DateTimeOffset ChangedAt);
