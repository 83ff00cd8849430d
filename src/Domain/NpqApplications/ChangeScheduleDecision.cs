using Npq.Domain.Cohorts;
using Npq.Domain.Common;

namespace Npq.Domain.NpqApplications;

/// <summary>The target of a schedule change as found in reference data.</summary>
public sealed record ScheduleTarget(string Identifier, string CourseGroup, DateOnly AppliesFrom, IReadOnlyCollection<string> AllowedTypes);

/// <summary>A live declaration (submitted, eligible, payable, paid) of the application.</summary>
public sealed record LiveDeclaration(string DeclarationType, DateTimeOffset DeclarationDate);

/// <summary>The facts of CONTRACT §3.6 beyond the application's own state.</summary>
public sealed record ChangeScheduleContext(
    bool CohortGiven,
    (int Year, string Suffix, FundingMode Funding)? TargetCohort,
    FundingMode CurrentFunding,
    string? RequestedIdentifier,
    ScheduleTarget? Schedule,
    bool HasContract,
    IReadOnlyList<LiveDeclaration> LiveDeclarations,
    DateTimeOffset Now);

/// <summary>CONTRACT §3.6 checks #3–#10 (and HEAD's zero-funded rule), then the event.</summary>
public static class ChangeScheduleDecision
{
    public static (ScheduleChanged? Changed, IReadOnlyList<DomainError> Errors) Decide(NpqApplication application, ChangeScheduleContext context)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(context);
        var errors = new List<DomainError>();
        bool Failed() => errors.Count > 0;

        // 3 (an unknown cohort year is a 422 cohort, B2)
        if (context.CohortGiven && context.TargetCohort is null)
            errors.Add(new("cohort", "The '#/cohort' is not recognised"));
        else if (context.RequestedIdentifier is null || context.Schedule is null)
            errors.Add(new("schedule_identifier", "The property '#/schedule_identifier' must be present and exist in the cohort"));

        var target = context.TargetCohort;
        // 4 (g)
        if (!Failed() && !context.HasContract)
            errors.Add(new("cohort", "You cannot change to this cohort: you have no contract for it and this course"));
        // 5
        if (application.TrainingStatus == TrainingStatus.Withdrawn)
            errors.Add(new("participant_id", "The participant is withdrawn: resume them before changing their schedule"));

        var schedule = context.Schedule;
        if (schedule is not null && target is { } t)
        {
            // 6
            var appliesFrom = new DateTimeOffset(schedule.AppliesFrom.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            if (context.LiveDeclarations.Any(d => !schedule.AllowedTypes.Contains(d.DeclarationType) || d.DeclarationDate <= appliesFrom))
            {
                errors.Add(new("schedule_identifier",
                    "Changing to this schedule would invalidate existing declarations: void them first"));
            }

            var sameCohort = t.Year == application.Cohort && t.Suffix == application.CohortSuffix;
            // 7
            if (sameCohort && schedule.Identifier == application.ScheduleIdentifier)
                errors.Add(new("schedule_identifier", "The participant is already on this schedule"));
            // 8 (g)
            if (!Failed() && schedule.CourseGroup != AcceptApplicationDecision.CourseGroupOf(application.CourseIdentifier))
                errors.Add(new("schedule_identifier", $"The '#/schedule_identifier' is not for {application.CourseIdentifier}"));
            // 9 (g)
            if (!Failed() && !sameCohort && context.LiveDeclarations.Count > 0)
                errors.Add(new("cohort", "The cohort cannot change while the participant has declarations: void them first"));
            // 10, HEAD zero-funded
            if (context.CurrentFunding == FundingMode.Capped && t.Funding != FundingMode.Capped)
                errors.Add(new("cohort", "You cannot move a participant from a capped cohort to an uncapped one"));
            if (context.CurrentFunding == FundingMode.Zero && t.Funding != FundingMode.Zero)
                errors.Add(new("cohort", "You cannot move a participant from a zero-funded cohort to a funded one"));
        }

        if (errors.Count > 0)
            return (null, errors);

        var (year, suffix, funding) = target!.Value;
        var fundedPlace = funding switch
        {
            FundingMode.Zero => false,
            FundingMode.Capped when context.CurrentFunding != FundingMode.Capped => application.EligibleForFunding,
            _ => application.FundedPlace,
        };
        return (new ScheduleChanged(application.Id, schedule!.Identifier, year, suffix, fundedPlace, context.Now), []);
    }
}
