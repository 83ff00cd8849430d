namespace Npq.Domain.Participants;

/// <summary>The identity facts shared by all of a person's applications.</summary>
public sealed record Participant(
    Guid Id,
    string FullName,
    string Email,
    string? TeacherReferenceNumber,
    bool TeacherReferenceNumberVerified)
{
    public static Participant Create(ParticipantRegistered e) =>
        new(e.ParticipantId, e.FullName, e.Email, e.TeacherReferenceNumber, e.TeacherReferenceNumberVerified);

    /// <summary>The verified TRN, the one that links different people for blocking and duplicate rules.</summary>
    public string? VerifiedTrn => TeacherReferenceNumberVerified ? TeacherReferenceNumber : null;
}
