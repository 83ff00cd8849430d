using Npq.Domain.Cohorts;

namespace Npq.Application.ReferenceData;

/// <summary>A lead provider (CONTRACT §4.6): the courses it offers decide where people can register.</summary>
public sealed class LeadProvider
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Short, stable name used in commands (<c>tokens issue --lead-provider ambition-institute</c>).</summary>
    public string Slug { get; set; } = "";

    /// <summary>The courses offered in every cohort not listed in <see cref="CohortOffers"/>.</summary>
    public List<string> OfferedCourses { get; set; } = [];

    /// <summary>
    /// Cohorts whose offer differs from <see cref="OfferedCourses"/>, by cohort id (the reference sets
    /// which provider offers which course per cohort: 2026a is Best Practice Network and LLSE only).
    /// </summary>
    public Dictionary<string, List<string>> CohortOffers { get; set; } = [];

    /// <summary>The courses this provider offers in <paramref name="cohortId"/>.</summary>
    public IReadOnlyList<string> CoursesOfferedIn(string? cohortId) =>
        cohortId is not null && CohortOffers.TryGetValue(cohortId, out var courses) ? courses : OfferedCourses;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A cohort: a start year (with HEAD's one-letter suffix) and how it is funded (CONTRACT §4.2).</summary>
public sealed class Cohort
{
    /// <summary>Year and suffix, e.g. <c>2025a</c>.</summary>
    public string Id { get; set; } = "";

    public int StartYear { get; set; }

    public string Suffix { get; set; } = "a";

    public FundingMode Funding { get; set; }

    public DateOnly RegistrationStartDate { get; set; }

    /// <summary>The name DfE gives the cohort ("Spring 2026"), shown to people who register.</summary>
    public string Description { get; set; } = "";
}

/// <summary>A schedule of one cohort and one course group (CONTRACT §4.3).</summary>
public sealed class Schedule
{
    /// <summary><c>{cohort id}:{identifier}</c>; identifiers are unique per cohort.</summary>
    public string Id { get; set; } = "";

    public string Identifier { get; set; } = "";

    public string CohortId { get; set; } = "";

    public int CohortStartYear { get; set; }

    public string CourseGroup { get; set; } = "";

    public DateOnly AppliesFrom { get; set; }

    public DateOnly? AppliesTo { get; set; }

    public List<string> AllowedDeclarationTypes { get; set; } = [];
}

/// <summary>A school from the registration reference list (the seed loads a small sample).</summary>
public sealed class School
{
    /// <summary>The URN.</summary>
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Ukprn { get; set; }

    public string EstablishmentType { get; set; } = "";

    public bool EligibleEstablishmentType { get; set; }

    public bool Pp50 { get; set; }

    public bool Rise { get; set; }

    /// <summary>On the local-authority disadvantaged nursery list; not read by the 2026 funding rules (kept, as the reference keeps it, for future policy).</summary>
    public bool LaNurseryOnDisadvantagedList { get; set; }

    /// <summary>A local authority nursery school, by its establishment type.</summary>
    public bool IsLocalAuthorityNurserySchool => EstablishmentType == "Local authority nursery school";
}

/// <summary>An early-years provider from the registration reference list (URN like <c>EY123456</c>).</summary>
public sealed class ChildcareProvider
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public bool OnEarlyYearsDisadvantagedList { get; set; }

    public bool OnChildminderList { get; set; }
}

/// <summary>An accredited initial-teacher-training provider (legal name), for lead mentors.</summary>
public sealed class IttProvider
{
    /// <summary>The legal name.</summary>
    public string Id { get; set; } = "";

    public bool Approved { get; set; }
}
