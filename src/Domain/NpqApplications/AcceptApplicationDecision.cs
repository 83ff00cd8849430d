using Npq.Domain.Cohorts;
using Npq.Domain.Common;

namespace Npq.Domain.NpqApplications;

/// <summary>What the provider sent with accept (the schedule is optional and not every request can send one).</summary>
/// <param name="FundedPlace">The value when it was a JSON boolean; null when missing, null, or of another type (a string is refused).</param>
public sealed record AcceptRequest(bool? FundedPlace, string? ScheduleIdentifier);

/// <summary>Facts from outside the application's stream that accept's rules read.</summary>
/// <param name="BlockedByAnotherAcceptedApplication">Rule #4: the person, or someone with the same verified TRN, holds an accepted, not-withdrawn application in the course family and cohort.</param>
/// <param name="RequestedSchedule">The named schedule when it exists in the application's cohort.</param>
/// <param name="DefaultScheduleIdentifier">§4.3's choice when it exists in the cohort, else null.</param>
/// <param name="OtherApplicationsForTheCourseAndCohort">The person's other applications for the same course and cohort, at any provider and in any status: an accept rejects them all.</param>
public sealed record AcceptContext(
    FundingMode CohortFunding,
    bool BlockedByAnotherAcceptedApplication,
    ScheduleFacts? RequestedSchedule,
    string? DefaultScheduleIdentifier,
    DateTimeOffset Now,
    IReadOnlyList<Guid>? OtherApplicationsForTheCourseAndCohort = null);

/// <summary>
/// Everything an accept causes: <see cref="Accepted"/> on the application's stream, and one
/// <see cref="ApplicationRejected"/> (reason <c>other_application_in_this_cohort_accepted</c>) on the
/// stream of each of the person's other applications for the course and cohort.
/// </summary>
public sealed record AcceptOutcome(ApplicationAccepted Accepted, IReadOnlyList<ApplicationRejected> Rejections);

public sealed record ScheduleFacts(string Identifier, string CourseGroup);

/// <summary>CONTRACT §3.1: the checks in their order, then every event the accept causes.</summary>
public static class AcceptApplicationDecision
{
    public static (AcceptOutcome? Outcome, IReadOnlyList<DomainError> Errors) Decide(
        NpqApplication application, AcceptRequest request, AcceptContext context)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var errors = new List<DomainError>();

        // 1, 1b
        if (context.CohortFunding == FundingMode.Capped && request.FundedPlace is null)
            errors.Add(new("funded_place", "Set '#/funded_place' to true or false: the cohort has a funding cap"));
        if (context.CohortFunding == FundingMode.Zero && request.FundedPlace != false)
            errors.Add(new("funded_place", "Set '#/funded_place' to false: the cohort is not funded"));

        // 2, 3, 4
        if (application.Status == ApplicationStatus.Accepted)
            errors.Add(new("application", "The NPQ application has already been accepted"));
        if (application.Status == ApplicationStatus.Rejected)
            errors.Add(new("application", "Once rejected an application cannot change state"));
        if (context.BlockedByAnotherAcceptedApplication)
        {
            errors.Add(new("application",
                "The participant has already had an application accepted for this course in this cohort"));
        }

        // 5 (g)
        if (errors.Count == 0 && context.CohortFunding == FundingMode.Capped && request.FundedPlace == true && !application.EligibleForFunding)
        {
            errors.Add(new("application",
                "The participant is not eligible for funding, so '#/funded_place' cannot be true"));
        }

        // 6, 6', 7 (g)
        string? schedule = null;
        if (request.ScheduleIdentifier is { } requested)
        {
            if (context.RequestedSchedule is null)
            {
                errors.Add(new("schedule_identifier", $"The '#/schedule_identifier' '{requested}' does not exist in the application's cohort"));
            }
            else if (errors.Count == 0 && context.RequestedSchedule.CourseGroup != CourseGroupOf(application.CourseIdentifier))
            {
                errors.Add(new("schedule_identifier",
                    $"The '#/schedule_identifier' '{requested}' is not for {application.CourseIdentifier}"));
            }
            else
            {
                schedule = requested;
            }
        }
        else if (context.DefaultScheduleIdentifier is null)
        {
            errors.Add(new("schedule", "No default schedule exists for this course and cohort: name one in '#/schedule_identifier'"));
        }
        else
        {
            schedule = context.DefaultScheduleIdentifier;
        }

        if (errors.Count > 0)
            return (null, errors);

        var fundedPlace = context.CohortFunding switch
        {
            FundingMode.Capped => request.FundedPlace,
            FundingMode.Zero => false,
            _ => null,
        };
        var accepted = new ApplicationAccepted(application.Id, application.ParticipantId, application.LeadProviderId, schedule!, fundedPlace, context.Now);
        var rejections = (context.OtherApplicationsForTheCourseAndCohort ?? [])
            .Where(other => other != application.Id)
            .Select(other => new ApplicationRejected(other, RejectionReasons.OtherApplicationInThisCohortAccepted, application.Id, context.Now))
            .ToList();
        return (new AcceptOutcome(accepted, rejections), []);
    }

    public static string CourseGroupOf(string courseIdentifier) => Courses.Courses.Get(courseIdentifier).Group switch
    {
        Courses.CourseGroup.Leadership => "leadership",
        Courses.CourseGroup.Specialist => "specialist",
        Courses.CourseGroup.Ehco => "ehco",
        _ => "support",
    };
}
