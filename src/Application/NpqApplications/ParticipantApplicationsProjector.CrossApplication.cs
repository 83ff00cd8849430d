using Npq.Application.Participants;
using Npq.Domain.NpqApplications;

namespace Npq.Application.NpqApplications;

/// <summary>What one application's change does to the person's other views: their <c>updated_at</c> (§1.11) and the funding facts of CONTRACT §4.5.</summary>
public sealed partial class ParticipantApplicationsProjector
{
    /// <summary>
    /// Moves the participant's <c>updated_at</c>; a significant change (identity facts, approval
    /// status) also moves <c>updated_at</c> of every application of the person, at every provider.
    /// </summary>
    private void TouchParticipantViews(ParticipantView participant, DateTimeOffset at, bool significant)
    {
        if (significant && at > participant.SignificantlyUpdatedAt)
        {
            participant.SignificantlyUpdatedAt = at;
            foreach (var application in ApplicationsOf(participant.Id))
            {
                application.TouchParticipant(at);
                _changedApplications.Add(application);
            }
        }

        if (at > participant.UpdatedAt)
            participant.UpdatedAt = at;
        participant.EnrolmentKeys = participant.RetiredInto is not null
            ? []
            : ApplicationsOf(participant.Id)
                .Where(a => a.Status == ApplicationStatus.Accepted)
                .SelectMany(a => new[] { $"{a.LeadProviderId}", $"{a.LeadProviderId}:{a.TrainingStatus?.ToString().ToLowerInvariant()}" })
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToList();
        _changedParticipants.Add(participant);
    }

    /// <summary>Recomputes the cross-application funding facts of §4.5 for every application of the person.</summary>
    private void RecomputeFunding(Guid participantId)
    {
        // Linear in the person's applications (issue 24): the funded ones are counted per course family
        // once, and each application asks whether any other one of its family is funded.
        var applications = ApplicationsOf(participantId);
        var fundedPerFamily = new Dictionary<string, int>();
        foreach (var a in applications)
        {
            if (FundingRules.CountsAsFunded(Snapshot(a)))
                fundedPerFamily[Family(a)] = fundedPerFamily.GetValueOrDefault(Family(a)) + 1;
        }

        foreach (var application in applications)
        {
            var fundedOthers = fundedPerFamily.GetValueOrDefault(Family(application)) - (FundingRules.CountsAsFunded(Snapshot(application)) ? 1 : 0);
            var previouslyFunded = fundedOthers > 0;
            var eligible = FundingRules.AdjustedEligibleForFunding(
                application.EligibleForFundingRaw, previouslyFunded, application.FundingEligibilityStatusCode);
            var reason = FundingRules.IneligibleForFundingReason(application.EligibleForFundingRaw, previouslyFunded);
            if (application.PreviouslyFunded == previouslyFunded
                && application.EligibleForFunding == eligible
                && application.IneligibleForFundingReason == reason
                && !_changedApplications.Contains(application))
            {
                continue;
            }

            application.PreviouslyFunded = previouslyFunded;
            application.EligibleForFunding = eligible;
            application.IneligibleForFundingReason = reason;
            _changedApplications.Add(application);
        }
    }
}
