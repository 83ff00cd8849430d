using Npq.Domain.Cohorts;
using Npq.Domain.Common;

namespace Npq.Domain.NpqApplications;

/// <summary>CONTRACT §3.3: checks in order; the same value again is a success with no new event.</summary>
public static class ChangeFundedPlaceDecision
{
    public static (FundedPlaceChanged? Changed, IReadOnlyList<DomainError> Errors) Decide(
        NpqApplication application, bool? fundedPlace, FundingMode cohortFunding, bool hasLiveDeclarations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        var errors = new List<DomainError>();
        if (fundedPlace is null)
            errors.Add(new("funded_place", "Set '#/funded_place' to true or false"));
        if (application.Status != ApplicationStatus.Accepted)
            errors.Add(new("application", "The application must be accepted before its funded place can change"));
        if (fundedPlace == true && !application.EligibleForFunding)
            errors.Add(new("application", "The participant is not eligible for funding, so '#/funded_place' cannot be true"));
        if (errors.Count == 0 && cohortFunding != FundingMode.Capped)
        {
            errors.Add(new("application",
                "The cohort has no funding cap: leave '#/funded_place' blank for cohorts before 2024"));
        }

        if (hasLiveDeclarations)
        {
            errors.Add(new("application",
                "The application has declarations that are submitted, eligible, payable or paid: void them before changing the funded place"));
        }

        if (errors.Count > 0)
            return (null, errors);
        return application.FundedPlace == fundedPlace ? (null, []) : (new FundedPlaceChanged(application.Id, fundedPlace!.Value, now), []);
    }
}
