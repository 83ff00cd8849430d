namespace Npq.Application.NpqApplications;

/// <summary>
/// Invariant 1 (ARCHITECTURE): at most one accepted, not-withdrawn application per person, course
/// family and cohort — also across people who share a verified TRN. Accepting inserts (never
/// upserts) one reservation per key in the same transaction as the events; PostgreSQL's primary key
/// refuses a second one, whatever process or timing. Rejecting an accepted application or
/// withdrawing it deletes them.
/// </summary>
public sealed class AcceptedPlaceReservation
{
    /// <summary><c>person:{participant}:{family}:{cohort}</c> or <c>trn:{trn}:{family}:{cohort}</c>.</summary>
    public string Id { get; set; } = "";

    public Guid ApplicationId { get; set; }

    public DateTimeOffset ReservedAt { get; set; }

    public static IEnumerable<string> KeysFor(Guid participantId, string? verifiedTrn, string courseIdentifier, string cohortId)
    {
        var family = Domain.Courses.Courses.Get(courseIdentifier).Family;
        yield return $"person:{participantId}:{family}:{cohortId}";
        if (verifiedTrn is not null)
            yield return $"trn:{verifiedTrn}:{family}:{cohortId}";
    }
}
