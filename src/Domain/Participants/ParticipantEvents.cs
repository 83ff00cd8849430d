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

/// <summary>
/// DfE changed the person's email (issue 26). <c>null</c> blanks it: the address now belongs to a later
/// participant, so the API shows <c>email: null</c> on this person's applications and enrolments.
/// </summary>
public sealed record ParticipantEmailChanged(Guid ParticipantId, string? Email, DateTimeOffset At);

/// <summary>DfE changed the person's name; <paramref name="PreviousNames"/> is the whole list shown afterwards.</summary>
public sealed record ParticipantNameChanged(Guid ParticipantId, string FullName, IReadOnlyList<string> PreviousNames, DateTimeOffset At);

/// <summary>A TRN was allocated or verified for the person after registration (the API shows it from now on, §8).</summary>
public sealed record ParticipantTrnVerified(Guid ParticipantId, string TeacherReferenceNumber, DateTimeOffset At);
