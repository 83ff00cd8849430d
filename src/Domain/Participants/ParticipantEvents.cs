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

/// <summary>
/// DfE retired a participant id in favour of another (a merge of duplicate accounts, B8). Appended
/// to both streams: the old id's stream (now retired) and the new id's stream (which records the change).
/// </summary>
public sealed record ParticipantIdChanged(Guid ParticipantId, Guid FromParticipantId, Guid ToParticipantId, DateTimeOffset At);
