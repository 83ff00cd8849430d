using Npq.Domain.Common;

namespace Npq.Domain.NpqApplications;

/// <summary>The reason lists of CONTRACT §4.4; which list a request may use is the API edge's choice.</summary>
public static class TrainingReasons
{
    public static IReadOnlyList<string> Deferral { get; } = ["bereavement", "long-term-sickness", "parental-leave", "career-break", "other"];

    /// <summary>The original 17 withdrawal reasons (the trailing full stop of one is part of the value).</summary>
    public static IReadOnlyList<string> WithdrawalOriginal { get; } =
    [
        "insufficient-capacity-to-undertake-programme", "personal-reason-health-or-pregnancy-related", "personal-reason-moving-school",
        "personal-reason-other", "insufficient-capacity", "change-in-developmental-or-personal-priorities", "change-in-school-circumstances",
        "change-in-school-leadership", "quality-of-programme-structure-not-suitable.", "quality-of-programme-content-not-suitable",
        "quality-of-programme-facilitation-not-effective", "quality-of-programme-accessibility", "quality-of-programme-other",
        "programme-not-appropriate-for-role-and-cpd-needs", "started-in-error", "expected-commitment-unclear", "other",
    ];

    /// <summary>The original 17 and the four added later (21).</summary>
    public static IReadOnlyList<string> WithdrawalExtended { get; } =
        [.. WithdrawalOriginal, "assessment-requirements-not-met", "change-in-career", "disengaged-and-unresponsive", "non-payment-of-invoice"];
}

/// <summary>Defer, resume and withdraw (CONTRACT §3.5), after the common checks of §3.4.</summary>
public static class TrainingStatusDecisions
{
    public static (object? Event, IReadOnlyList<DomainError> Errors) Defer(NpqApplication application, string? reason, bool hasAnyDeclaration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        var errors = new List<DomainError>();
        if (reason is null || !TrainingReasons.Deferral.Contains(reason))
            errors.Add(new("reason", "The property '#/reason' must be a valid deferral reason"));
        if (application.TrainingStatus == TrainingStatus.Deferred)
            errors.Add(new("participant_id", "The participant is already deferred"));
        if (application.TrainingStatus == TrainingStatus.Withdrawn)
            errors.Add(new("participant_id", "The participant is withdrawn and cannot be deferred"));
        if (!hasAnyDeclaration)
            errors.Add(new("participant_id", "You cannot defer a participant with no declarations: submit a declaration first"));
        return errors.Count > 0 ? (null, errors) : (new ParticipantDeferred(application.Id, application.LeadProviderId, reason!, now), []);
    }

    public static (object? Event, IReadOnlyList<DomainError> Errors) Resume(NpqApplication application, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        return application.TrainingStatus == TrainingStatus.Active
            ? (null, [new("participant_id", "The participant is already active")])
            : (new ParticipantResumed(application.Id, application.LeadProviderId, now), []);
    }

    public static (object? Event, IReadOnlyList<DomainError> Errors) Withdraw(
        NpqApplication application, string? reason, IReadOnlyCollection<string> reasons, bool hasStartedDeclaration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(reasons);
        var errors = new List<DomainError>();
        if (reason is null || !reasons.Contains(reason))
            errors.Add(new("reason", "The property '#/reason' must be a valid withdrawal reason"));
        if (application.TrainingStatus == TrainingStatus.Withdrawn)
            errors.Add(new("participant_id", "The participant is already withdrawn"));
        if (errors.Count == 0 && !hasStartedDeclaration)
            errors.Add(new("participant_id", "You cannot withdraw a participant without a started declaration"));
        return errors.Count > 0 ? (null, errors) : (new ParticipantWithdrawn(application.Id, application.LeadProviderId, reason!, now), []);
    }
}
