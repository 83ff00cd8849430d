using Npq.Domain.Courses;

namespace Npq.Domain.Schedules;

/// <summary>
/// The schedule an application gets when the provider accepts it without naming one
/// (CONTRACT §4.3, with HEAD's 2026a/2026b cases). <c>today</c> is the server date.
/// </summary>
public static class DefaultSchedule
{
    /// <param name="cohortScheduleIdentifiers">The identifiers that exist in the application's cohort.</param>
    public static string? For(Course course, int cohortYear, string cohortSuffix, DateOnly today, IReadOnlyCollection<string> cohortScheduleIdentifiers)
    {
        ArgumentNullException.ThrowIfNull(course);
        ArgumentNullException.ThrowIfNull(cohortScheduleIdentifiers);
        return course.Group switch
        {
            CourseGroup.Leadership => LeadershipOrSpecialist("npq-leadership", cohortYear, cohortSuffix, today),
            CourseGroup.Specialist => LeadershipOrSpecialist("npq-specialist", cohortYear, cohortSuffix, today),
            CourseGroup.Ehco => Ehco(cohortYear, cohortSuffix, today, cohortScheduleIdentifiers),
            CourseGroup.Support => "npq-aso-december",
            _ => null,
        };
    }

    private static string LeadershipOrSpecialist(string prefix, int year, string suffix, DateOnly d)
    {
        string Pick(bool autumn) => autumn ? $"{prefix}-autumn" : $"{prefix}-spring";

        if (year == 2026 && suffix == "a")
            return Pick(autumn: false);
        if (year == 2026 && suffix == "b")
            return Pick(autumn: true);
        if (year == 2025 && Between(d, new(2025, 8, 1), new(2026, 4, 30)))
            return Pick(autumn: true);
        if (year == 2025 && Between(d, new(2024, 6, 28), new(2025, 6, 6)))
            return Pick(autumn: false);
        if (year == 2024 && Between(d, new(2024, 6, 28), new(2025, 6, 6)))
            return Pick(autumn: true);

        var earlyYear = Between(d, new(d.Year, 1, 1), new(d.Year, 4, 2));
        var lateDecember = Between(d, new(d.Year, 12, 26), new(d.Year, 12, 31));
        return Pick(autumn: !(earlyYear || lateDecember));
    }

    private static string Ehco(int y, string suffix, DateOnly d, IReadOnlyCollection<string> identifiers)
    {
        // A cohort with a single EHCO schedule (2021) uses it; 2026a (Spring 2026) always starts in
        // March, the first of its two, as the reference's 2026a takes its first EHCO schedule.
        var ehco = identifiers.Where(i => i.StartsWith("npq-ehco-", StringComparison.Ordinal)).ToList();
        if (ehco.Count == 1)
            return ehco[0];
        if (y == 2026 && suffix == "a")
            return "npq-ehco-march";

        if (Between(d, new(y, 9, 1), new(y, 11, 30)))
            return "npq-ehco-november";
        if (Between(d, new(y, 12, 1), new DateOnly(y + 1, 3, 1).AddDays(-1)))
            return "npq-ehco-december";
        if (Between(d, new(y + 1, 3, 1), new(y + 1, 5, 31)))
            return "npq-ehco-march";
        return "npq-ehco-june";
    }

    private static bool Between(DateOnly day, DateOnly from, DateOnly to) => day >= from && day <= to;
}
