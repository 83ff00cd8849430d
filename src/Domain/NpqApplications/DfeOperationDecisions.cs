using Npq.Domain.Cohorts;
using Npq.Domain.Common;
using Npq.Domain.Registration;

namespace Npq.Domain.NpqApplications;

/// <summary>
/// DfE's operations on one application that change what providers see (issue 26, docs/contract.md
/// B8): each a pure decision giving the event or the errors, with the reference's preconditions.
/// </summary>
public static class DfeOperationDecisions
{
    /// <summary>
    /// Back to pending from accepted or rejected, unless a live declaration (submitted, eligible,
    /// payable, paid) exists. The funded place is cleared (kept <c>false</c> in a zero-funded cohort,
    /// where it is never anything else).
    /// </summary>
    public static (ApplicationRevertedToPending? Event, IReadOnlyList<DomainError> Errors) RevertToPending(
        NpqApplication application, FundingMode cohortFunding, int liveDeclarations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (application.Status == ApplicationStatus.Pending)
            return (null, [new("status", "The application is already pending")]);
        if (liveDeclarations > 0)
        {
            return (null, [new("status",
                "There are already declarations for this participant on this course: the provider must void them before the application can go back to pending")]);
        }

        return (new ApplicationRevertedToPending(application.Id, cohortFunding == FundingMode.Zero ? false : null, now), []);
    }

    /// <summary>
    /// Funding eligibility decided by policy. Making an application ineligible is refused while it has
    /// a funded place or billable declarations, as in the reference.
    /// </summary>
    public static (FundingEligibilityOverridden? Event, IReadOnlyList<DomainError> Errors) OverrideFundingEligibility(
        NpqApplication application, bool eligible, int liveDeclarations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        var code = eligible ? FundingStatusCodes.MarkedFundedByPolicy : FundingStatusCodes.MarkedIneligibleByPolicy;
        if (application.FundingStatusCode == code)
            return (null, [new("eligible_for_funding", "The application's funding eligibility is already decided so by policy")]);
        var errors = new List<DomainError>();
        if (!eligible && liveDeclarations > 0)
            errors.Add(new("eligible_for_funding", "There are submitted or billed declarations: they must be voided or clawed back first"));
        if (!eligible && application.FundedPlace == true)
            errors.Add(new("eligible_for_funding", "Eligibility cannot be changed because the application has a funded place"));
        if (errors.Count > 0)
            return (null, errors);

        return (new FundingEligibilityOverridden(application.Id, eligible, code, now), []);
    }

    /// <summary>
    /// Rejects an application whose registration expired: pending or accepted, not already rejected,
    /// and with no live declaration.
    /// </summary>
    public static (ApplicationRejected? Event, IReadOnlyList<DomainError> Errors) RejectExpired(
        NpqApplication application, int liveDeclarations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (application.Status == ApplicationStatus.Rejected)
            return (null, [new("status", "This NPQ application has already been rejected")]);
        if (liveDeclarations > 0)
            return (null, [new("status", "The application has declarations that prevent it from being rejected")]);
        return (new ApplicationRejected(application.Id, RejectionReasons.RegistrationExpired, null, now), []);
    }

    /// <summary>
    /// Another cohort of the same funding, which has the application's schedule (if it has one), while
    /// no declaration other than a voided one exists.
    /// </summary>
    public static (ApplicationCohortChanged? Event, IReadOnlyList<DomainError> Errors) ChangeCohort(
        NpqApplication application, FundingMode currentFunding, (int Year, string Suffix, FundingMode Funding)? target,
        bool scheduleExistsInTarget, int declarationsNotVoided, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (target is not { } t)
            return (null, [new("cohort", "The cohort is not recognised")]);
        var errors = new List<DomainError>();
        if (t.Year == application.Cohort && t.Suffix == application.CohortSuffix)
            errors.Add(new("cohort", "The application is already in this cohort"));
        else if (t.Funding != currentFunding)
            errors.Add(new("cohort", "The new cohort must be funded as the current one is"));
        if (application.ScheduleIdentifier is not null && !scheduleExistsInTarget)
            errors.Add(new("cohort", $"The new cohort has no schedule {application.ScheduleIdentifier}"));
        if (declarationsNotVoided > 0)
            errors.Add(new("cohort", "The application has declarations: they must be voided first"));
        return errors.Count > 0 ? (null, errors) : (new ApplicationCohortChanged(application.Id, t.Year, t.Suffix, now), []);
    }
}
