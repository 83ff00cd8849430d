namespace Npq.Domain.Participants;

/// <summary>A person registered for the first time. The stream id is the public participant id.</summary>
public sealed record ParticipantRegistered(
    Guid ParticipantId,
    string FullName,
    string Email,
    string? TeacherReferenceNumber,
    bool TeacherReferenceNumberVerified,
    DateOnly DateOfBirth,
    string? NationalInsuranceNumber,
    DateTimeOffset RegisteredAt);
