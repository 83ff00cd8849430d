using Npq.Api.Requests;
namespace Npq.Api.V1.NpqApplications;

/// <summary>Accept (v1, v2): optional body.</summary>
public sealed record AcceptApplicationRequestV1 : IRequestAttributes
{
    /// <summary>Required, as a JSON boolean, when the cohort has capped funding.</summary>
    public bool? FundedPlace { get; init; }
}
