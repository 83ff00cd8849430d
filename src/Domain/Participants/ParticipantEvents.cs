namespace Npq.Domain.Participants;

/// <summary>
/// A person registered for the first time. The stream id is the public participant id. After an erasure
/// (<see cref="PersonalDataErased"/>) the name, email, TRN, date of birth and NI number read as null.
/// </summary>
public sealed record ParticipantRegistered(
    Guid ParticipantId,
    string? FullName,
    string? Email,
    string? TeacherReferenceNumber,
    bool TeacherReferenceNumberVerified,
    DateOnly? DateOfBirth,
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
public sealed record ParticipantNameChanged(Guid ParticipantId, string? FullName, IReadOnlyList<string>? PreviousNames, DateTimeOffset At);

/// <summary>A TRN was allocated or verified for the person after registration (the API shows it from now on, §8).</summary>
public sealed record ParticipantTrnVerified(Guid ParticipantId, string? TeacherReferenceNumber, DateTimeOffset At);

/// <summary>
/// DfE erased the person's personal data (UK GDPR Article 17, issue 30, ADR 0040): name, email, TRN, date of
/// birth and National Insurance number, in every event that held them, now read as null. The payment facts
/// stay. <paramref name="Values"/> names each value erased and the commitment its sealed leaf holds to it,
/// so the log still verifies without the value.
/// </summary>
public sealed record PersonalDataErased(
    Guid ParticipantId, string Reason, string AuthorisedBy, IReadOnlyList<ErasedValue> Values, DateTimeOffset At, IReadOnlyList<ErasedPlainEvent>? SealedPlain = null);

/// <summary>
/// An event erased that was sealed before personal data was committed to (its leaf commits to the plain
/// data): the SHA-256 of that data, which its leaf holds, so the leaf still verifies; its data can no longer be checked.
/// </summary>
public sealed record ErasedPlainEvent(long Sequence, string DataSha256);

/// <summary>
/// One erased value: the event (by its global sequence), the member's path in its data, and the salted
/// commitment (HMAC-SHA-256 under the person's key, now destroyed) that the event's leaf committed to; null
/// for an event sealed before personal data was committed this way, whose data no longer matches its leaf.
/// </summary>
public sealed record ErasedValue(long Sequence, string Path, string? Commitment);
