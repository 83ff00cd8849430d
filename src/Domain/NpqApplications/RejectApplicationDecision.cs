using Npq.Domain.Common;

namespace Npq.Domain.NpqApplications;

/// <summary>CONTRACT §3.2 with B1: pending applications, and, when allowed, accepted ones without live declarations.</summary>
public static class RejectApplicationDecision
{
    public static (ApplicationRejected? Rejected, IReadOnlyList<DomainError> Errors) Decide(
        NpqApplication application, bool allowRejectingAccepted, bool hasLiveDeclarations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        var errors = new List<DomainError>();
        if (application.Status == ApplicationStatus.Rejected)
            errors.Add(new("application", "The NPQ application has already been rejected"));
        if (allowRejectingAccepted && hasLiveDeclarations)
        {
            errors.Add(new("application",
                "The application has declarations that are submitted, eligible, payable or paid: void them before rejecting it"));
        }

        if (!allowRejectingAccepted && application.Status == ApplicationStatus.Accepted)
            errors.Add(new("application", "Once accepted an application cannot be rejected"));

        return errors.Count > 0
            ? (null, errors)
            : (new ApplicationRejected(application.Id, RejectionReasons.RejectedByProvider, null, now), []);
    }
}
