using Npq.Domain.Schedules;
using static Npq.Domain.Courses.Courses;

namespace Npq.UnitTests.Schedules;

/// <summary>The default-schedule table of CONTRACT §4.3 over dates.</summary>
public sealed class DefaultScheduleTests
{
    private static readonly string[] AllIdentifiers =
    [
        "npq-leadership-autumn", "npq-leadership-spring", "npq-specialist-autumn", "npq-specialist-spring",
        "npq-ehco-november", "npq-ehco-december", "npq-ehco-march", "npq-ehco-june",
    ];

    private static string? For(string course, int year, string date, string suffix = "a", string[]? identifiers = null) =>
        DefaultSchedule.For(Get(course), year, suffix, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), identifiers ?? AllIdentifiers);

    [Theory]
    // Rule 1: cohort 2025, 2025-08-01..2026-04-30 → autumn
    [InlineData(2025, "2025-08-01", "npq-leadership-autumn")]
    [InlineData(2025, "2026-04-30", "npq-leadership-autumn")]
    [InlineData(2025, "2026-01-10", "npq-leadership-autumn")]
    // Rule 2: cohort 2025, 2024-06-28..2025-06-06 → spring
    [InlineData(2025, "2024-06-28", "npq-leadership-spring")]
    [InlineData(2025, "2025-06-06", "npq-leadership-spring")]
    // Rule 3: cohort 2024, 2024-06-28..2025-06-06 → autumn
    [InlineData(2024, "2024-06-28", "npq-leadership-autumn")]
    [InlineData(2024, "2025-01-15", "npq-leadership-autumn")]
    [InlineData(2024, "2025-06-06", "npq-leadership-autumn")]
    // Rule 4: 1 Jan..2 Apr or 26..31 Dec → spring
    [InlineData(2024, "2025-06-07", "npq-leadership-autumn")]
    [InlineData(2023, "2024-01-01", "npq-leadership-spring")]
    [InlineData(2023, "2024-04-02", "npq-leadership-spring")]
    [InlineData(2023, "2023-12-26", "npq-leadership-spring")]
    [InlineData(2023, "2023-12-31", "npq-leadership-spring")]
    // Rule 5: 3 Apr..25 Dec → autumn
    [InlineData(2023, "2023-04-03", "npq-leadership-autumn")]
    [InlineData(2023, "2023-12-25", "npq-leadership-autumn")]
    [InlineData(2025, "2025-06-07", "npq-leadership-autumn")]
    [InlineData(2025, "2026-05-01", "npq-leadership-autumn")]
    [InlineData(2025, "2026-12-27", "npq-leadership-spring")]
    public void Leadership(int cohort, string today, string expected)
    {
        For(SeniorLeadership, cohort, today).ShouldBe(expected);
    }

    [Fact]
    public void Specialist_courses_follow_the_same_rules_with_their_own_identifiers()
    {
        For(LeadingTeaching, 2023, "2023-05-01").ShouldBe("npq-specialist-autumn");
        For(LeadingLiteracy, 2023, "2024-02-01").ShouldBe("npq-specialist-spring");
    }

    [Theory]
    [InlineData("a", "2026-09-01", "npq-leadership-spring")]
    [InlineData("b", "2027-01-01", "npq-leadership-autumn")]
    public void Head_special_cases_for_2026(string suffix, string today, string expected)
    {
        For(Headship, 2026, today, suffix).ShouldBe(expected);
    }

    [Theory]
    [InlineData("2023-09-01", "npq-ehco-november")]
    [InlineData("2023-11-30", "npq-ehco-november")]
    [InlineData("2023-12-01", "npq-ehco-december")]
    [InlineData("2024-02-29", "npq-ehco-december")]
    [InlineData("2024-03-01", "npq-ehco-march")]
    [InlineData("2024-05-31", "npq-ehco-march")]
    [InlineData("2024-06-01", "npq-ehco-june")]
    [InlineData("2024-09-30", "npq-ehco-june")]
    [InlineData("2023-05-01", "npq-ehco-june")]
    [InlineData("2025-01-01", "npq-ehco-june")]
    public void Ehco_from_2022(string today, string expected)
    {
        For(EarlyHeadshipCoachingOffer, 2023, today).ShouldBe(expected);
    }

    [Fact]
    public void A_cohort_with_one_ehco_schedule_uses_it()
    {
        For(EarlyHeadshipCoachingOffer, 2021, "2021-12-15", identifiers: ["npq-ehco-june", "npq-leadership-autumn"]).ShouldBe("npq-ehco-june");
    }

    [Theory]
    [InlineData("2026-12-05")]
    [InlineData("2027-06-15")]
    public void Spring_2026_ehco_starts_in_march_whatever_the_date(string today)
    {
        For(EarlyHeadshipCoachingOffer, 2026, today, suffix: "a", identifiers: ["npq-ehco-march", "npq-ehco-june", "npq-leadership-spring"])
            .ShouldBe("npq-ehco-march");
    }

    [Fact]
    public void Aso_is_december()
    {
        For(AdditionalSupportOffer, 2021, "2021-05-01").ShouldBe("npq-aso-december");
    }
}
