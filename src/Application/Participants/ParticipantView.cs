namespace Npq.Application.Participants;

/// <summary>
/// The read model of a person: identity facts and the times that §1.11 derives from them.
/// Maintained inline, together with the person's applications, by
/// <see cref="NpqApplications.ParticipantApplicationsProjection"/>.
/// </summary>
public sealed class ParticipantView
{
    public Guid Id { get; set; }

    public string FullName { get; set; } = "";

    public string Email { get; set; } = "";

    public string? TeacherReferenceNumber { get; set; }

    public bool TeacherReferenceNumberVerified { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Moves on identity changes and whenever any of the person's applications changes approval status.</summary>
    public DateTimeOffset SignificantlyUpdatedAt { get; set; }

    /// <summary>max(significant update, every application's update): what the participant views show.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public List<Guid> ApplicationIds { get; set; } = [];
}
