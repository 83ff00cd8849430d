namespace Npq.Domain.Participants;

/// <summary>
/// A TRN counts (links people for the duplicate and blocking rules, and is shown in the
/// application and participant views, §8) only once it has been verified: the one place that says so.
/// </summary>
public static class VerifiedTrn
{
    public static string? Of(string? teacherReferenceNumber, bool verified) => verified ? teacherReferenceNumber : null;
}
