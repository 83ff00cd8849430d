namespace Npq.Application.Registration;

/// <summary>
/// Failed attempts to attach a registration to an existing participant (by id, email and date of
/// birth), counted per participant id over a day (issue 24): past the limit every attach to that id
/// answers as an unknown id does, so a date of birth cannot be found by trying the days. Kept outside
/// the request's transaction, which a refused registration rolls back.
/// </summary>
public interface IAttachAttempts
{
    /// <summary>The failures counted for the id in the last day.</summary>
    Task<int> FailuresAsync(Guid participantId, CancellationToken cancellationToken);

    Task RecordFailureAsync(Guid participantId, CancellationToken cancellationToken);
}
