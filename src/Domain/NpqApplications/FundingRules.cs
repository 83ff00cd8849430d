using Npq.Domain.Registration;

namespace Npq.Domain.NpqApplications;

/// <summary>What the funding rules of CONTRACT §4.5 need to know about one application.</summary>
public sealed record FundingSnapshot(
    Guid ApplicationId,
    string CourseIdentifier,
    ApplicationStatus Status,
    bool EligibleForFunding,
    bool? FundedPlace);

/// <summary>CONTRACT §4.5: previously funded, the adjusted <c>eligible_for_funding</c> and its reason.</summary>
public static class FundingRules
{
    /// <summary>
    /// True when the person has <em>another</em> accepted application in the same course family with
    /// raw eligibility and a funded place of null or true. Cohort and provider do not matter, and the
    /// test is symmetric.
    /// </summary>
    public static bool IsPreviouslyFunded(Guid applicationId, string courseIdentifier, IEnumerable<FundingSnapshot> personsApplications) =>
        personsApplications.Any(other =>
            other.ApplicationId != applicationId
            && CountsAsFunded(other)
            && Courses.Courses.SameFamily(other.CourseIdentifier, courseIdentifier));

    /// <summary>An application that makes the person's other applications of its family "previously funded".</summary>
    public static bool CountsAsFunded(FundingSnapshot application) =>
        application.Status == ApplicationStatus.Accepted && application.EligibleForFunding && application.FundedPlace != false;

    /// <summary>The <c>eligible_for_funding</c> that the application JSON shows.</summary>
    public static bool AdjustedEligibleForFunding(bool raw, bool previouslyFunded, string fundingStatusCode) =>
        (!previouslyFunded || fundingStatusCode == FundingStatusCodes.MarkedFundedByPolicy) && raw;

    public static string? IneligibleForFundingReason(bool raw, bool previouslyFunded) =>
        previouslyFunded ? "previously-funded" : raw ? null : "establishment-ineligible";
}
