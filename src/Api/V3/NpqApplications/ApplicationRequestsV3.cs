using Npq.Api.Requests;
namespace Npq.Api.V3.NpqApplications;

/// <summary>Accept (v3): optional body.</summary>
public sealed record AcceptApplicationRequestV3 : IRequestAttributes
{
    /// <summary>Required, as a JSON boolean, when the cohort has capped funding.</summary>
    public bool? FundedPlace { get; init; }

    /// <summary>Defaults to the course's schedule for the date of acceptance.</summary>
    public string? ScheduleIdentifier { get; init; }
}
