using Npq.Domain.NpqApplications;

namespace Npq.Api.Json;

/// <summary>How enumerations are spelled on the wire (§4.4).</summary>
public static class WireValues
{
    public static string Of(ApplicationStatus status) => status switch
    {
        ApplicationStatus.Pending => "pending",
        ApplicationStatus.Accepted => "accepted",
        ApplicationStatus.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string? Of(TrainingStatus? status) => status switch
    {
        null => null,
        TrainingStatus.Active => "active",
        TrainingStatus.Deferred => "deferred",
        TrainingStatus.Withdrawn => "withdrawn",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
