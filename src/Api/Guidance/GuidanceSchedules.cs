using System.Globalization;
using System.Text;
using Npq.Application.ReferenceData;
using Npq.Domain.Courses;

namespace Npq.Api.Guidance;

/// <summary>
/// The schedules page's tables (<c>{{schedules}}</c>), generated from the reference data this server
/// holds (the seed, or what DfE loaded): which course takes which schedules, and for each cohort each
/// schedule's dates and the declarations it allows. A provider reads here the same rules
/// <c>POST /participant-declarations</c> applies, so its 422s can be predicted.
/// </summary>
public sealed class GuidanceSchedules(IReferenceData referenceData)
{
    public async Task<string> MarkdownAsync(CancellationToken cancellationToken)
    {
        var snapshot = await referenceData.GetAsync(cancellationToken);
        var text = new StringBuilder();
        text.AppendLine("### Courses and their schedule groups").AppendLine();
        text.AppendLine("| Course | `course_identifier` | Schedule group | Outcomes |").AppendLine("|---|---|---|---|");
        foreach (var course in Courses.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {course.Name} | `{course.Identifier}` | {course.Group.ToString().ToLowerInvariant()} | ")
                .AppendLine(course.HasOutcomes ? "yes |" : "no |");
        }

        foreach (var cohort in snapshot.Cohorts.Reverse())
        {
            var schedules = snapshot.Schedules.Where(s => s.CohortId == cohort.Id).OrderBy(s => s.CourseGroup, StringComparer.Ordinal).ThenBy(s => s.AppliesFrom).ToList();
            if (schedules.Count == 0)
                continue;
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"### Cohort {cohort.Id}")
                .AppendLine(cohort.Description.Length > 0 ? $" ({cohort.Description})" : "").AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"`cohort`: `\"{cohort.StartYear}\"`; registration opens {Date(cohort.RegistrationStartDate)}; funding: {cohort.Funding}.").AppendLine().AppendLine();
            text.AppendLine("| `schedule_identifier` | Group | Applies from | Applies to | Declarations allowed |").AppendLine("|---|---|---|---|---|");
            foreach (var schedule in schedules)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"| `{schedule.Identifier}` | {schedule.CourseGroup} | {Date(schedule.AppliesFrom)} | {(schedule.AppliesTo is { } to ? Date(to) : "open")} | ")
                    .Append(string.Join(", ", schedule.AllowedDeclarationTypes.Select(t => $"`{t}`"))).AppendLine(" |");
            }
        }

        return text.ToString();
    }

    private static string Date(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
