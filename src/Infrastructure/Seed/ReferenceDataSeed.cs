using Npq.Application.Common;
using Npq.Application.ReferenceData;
using Npq.Domain.Cohorts;
using static Npq.Domain.Courses.Courses;

namespace Npq.Infrastructure.Seed;

/// <summary>The reference data of CONTRACT §4.1–§4.6 and the registration lists of B5, as documents.</summary>
public static class ReferenceDataSeed
{
    private static readonly string[] SevenProviders =
        ["Ambition Institute", "Best Practice Network", "Church of England", "LLSE", "National Institute of Teaching", "Teach First", "UCL Institute of Education"];

    private static readonly string[] FourProviders =
        ["Ambition Institute", "National Institute of Teaching", "Teach First", "UCL Institute of Education"];

    private static readonly string[] LpmProviders =
        ["Ambition Institute", "Church of England", "LLSE", "Teach First", "UCL Institute of Education", "National Institute of Teaching"];

    private static readonly string[] SencoProviders =
        ["Ambition Institute", "Best Practice Network", "Church of England", "National Institute of Teaching", "Teach First", "UCL Institute of Education"];

    private static readonly string[] SpringProviders = ["Best Practice Network", "LLSE"];

    /// <summary>
    /// Who offers what in every cohort but 2026a: the reference's default course-cohort-provider list.
    /// The additional support offer is in no cohort's list since the reference dropped it (June 2026).
    /// </summary>
    private static readonly Dictionary<string, string[]> DefaultOffer = new()
    {
        [SeniorLeadership] = SevenProviders,
        [Headship] = SevenProviders,
        [LeadingTeaching] = SevenProviders,
        [LeadingTeachingDevelopment] = SevenProviders,
        [LeadingBehaviourCulture] = SevenProviders,
        [EarlyHeadshipCoachingOffer] = SevenProviders,
        [ExecutiveLeadership] = SevenProviders,
        [EarlyYearsLeadership] = FourProviders,
        [LeadingLiteracy] = FourProviders,
        [LeadingPrimaryMathematics] = LpmProviders,
        [Senco] = SencoProviders,
    };

    /// <summary>2026a (Spring 2026, unfunded): Best Practice Network and LLSE only, and not every course.</summary>
    private static readonly Dictionary<string, string[]> Spring2026Offer = new()
    {
        [SeniorLeadership] = SpringProviders,
        [Headship] = SpringProviders,
        [LeadingTeaching] = SpringProviders,
        [LeadingTeachingDevelopment] = SpringProviders,
        [LeadingBehaviourCulture] = SpringProviders,
        [EarlyHeadshipCoachingOffer] = SpringProviders,
        [ExecutiveLeadership] = SpringProviders,
        [LeadingPrimaryMathematics] = ["LLSE"],
        [Senco] = ["Best Practice Network"],
    };

    private static readonly (string Name, string Slug)[] ProviderNames =
    [
        ("Ambition Institute", "ambition-institute"),
        ("Best Practice Network", "best-practice-network"),
        ("Church of England", "church-of-england"),
        ("LLSE", "llse"),
        ("National Institute of Teaching", "national-institute-of-teaching"),
        ("School-Led Network", "school-led-network"),
        ("Teach First", "teach-first"),
        ("UCL Institute of Education", "ucl-institute-of-education"),
    ];

    public static Guid ProviderId(string slug) => DeterministicGuid.From($"lead-provider:{slug}");

    public static IReadOnlyList<LeadProvider> LeadProviders(DateTimeOffset now)
    {
        static List<string> Offered(Dictionary<string, string[]> offer, string provider) =>
            All.Select(c => c.Identifier).Where(c => offer.TryGetValue(c, out var providers) && providers.Contains(provider)).ToList();

        return ProviderNames.Select(p => new LeadProvider
        {
            Id = ProviderId(p.Slug),
            Name = p.Name,
            Slug = p.Slug,
            OfferedCourses = Offered(DefaultOffer, p.Name),
            CohortOffers = new() { ["2026a"] = Offered(Spring2026Offer, p.Name) },
            CreatedAt = now,
        }).ToList();
    }

    /// <summary>
    /// The cohorts as the reference defines them (docs/contract.md §4.2), fixed, not derived from the
    /// date: 2021a–2023a fully funded, 2024a and 2025a capped, 2026a "Spring 2026" zero-funded and
    /// 2026b "Autumn 2026" capped. Sandbox adds 2025b ("2025 Autumn", capped, registration from
    /// 1 September 2025), as the reference's Sandbox does. Production's registration start dates are
    /// not public: 3 April of the start year stands in for them.
    /// </summary>
    public static IReadOnlyList<Cohort> Cohorts(bool sandbox)
    {
        var cohorts = new List<Cohort>();
        for (var year = 2021; year <= 2025; year++)
            cohorts.Add(NewCohort(year, "a", year <= 2023 ? FundingMode.Full : FundingMode.Capped, $"{year} to {year + 1}"));
        if (sandbox)
            cohorts.Add(NewCohort(2025, "b", FundingMode.Capped, "2025 Autumn", new DateOnly(2025, 9, 1)));
        cohorts.Add(NewCohort(2026, "a", FundingMode.Zero, "Spring 2026"));
        cohorts.Add(NewCohort(2026, "b", FundingMode.Capped, "Autumn 2026"));
        return cohorts;
    }

    private static Cohort NewCohort(int year, string suffix, FundingMode funding, string description, DateOnly? registrationStart = null) => new()
    {
        Id = $"{year}{suffix}",
        StartYear = year,
        Suffix = suffix,
        Funding = funding,
        Description = description,
        RegistrationStartDate = registrationStart ?? new DateOnly(year, 4, 3),
    };

    private static readonly string[] AllTypes = ["started", "retained-1", "retained-2", "completed"];
    private static readonly string[] SpecialistTypes = ["started", "retained-1", "completed"];

    /// <summary>The schedules of §4.3 for one cohort, with the seed's applies-from/to dates.</summary>
    public static IEnumerable<Schedule> Schedules(Cohort cohort)
    {
        var y = cohort.StartYear;
        var identifiers = (y, cohort.Suffix) switch
        {
            // Suffixed cohorts start in one season (the reference's Sandbox pattern).
            (2026, "a") => new[] { "npq-ehco-march", "npq-ehco-june", "npq-leadership-spring", "npq-specialist-spring" },
            (_, "b") => new[] { "npq-ehco-november", "npq-ehco-december", "npq-leadership-autumn", "npq-specialist-autumn" },
            (2021, _) => new[]
            {
                "npq-leadership-spring", "npq-leadership-autumn", "npq-specialist-spring", "npq-specialist-autumn",
                "npq-aso-december", "npq-aso-june", "npq-aso-march", "npq-aso-november", "npq-ehco-june",
            },
            (2022 or 2023, _) => new[]
            {
                "npq-leadership-spring", "npq-leadership-autumn", "npq-specialist-spring", "npq-specialist-autumn",
                "npq-ehco-june", "npq-ehco-march", "npq-ehco-november", "npq-ehco-december",
            },
            (2024, _) => new[] { "npq-leadership-autumn", "npq-specialist-autumn", "npq-ehco-june", "npq-ehco-november", "npq-ehco-december" },
            _ => new[]
            {
                "npq-ehco-december", "npq-ehco-june", "npq-ehco-march", "npq-ehco-november",
                "npq-leadership-autumn", "npq-leadership-spring", "npq-specialist-autumn", "npq-specialist-spring",
            },
        };

        foreach (var identifier in identifiers)
        {
            var (group, from, to) = identifier switch
            {
                "npq-leadership-autumn" => ("leadership", new DateOnly(y, 10, 1), new DateOnly(y, 12, 31)),
                "npq-leadership-spring" => ("leadership", new DateOnly(y + 1, 1, 1), new DateOnly(y + 1, 3, 31)),
                "npq-specialist-autumn" => ("specialist", new DateOnly(y, 10, 1), new DateOnly(y, 12, 31)),
                "npq-specialist-spring" => ("specialist", new DateOnly(y + 1, 1, 1), new DateOnly(y + 1, 3, 31)),
                "npq-ehco-november" => ("ehco", new DateOnly(y, 11, 1), new DateOnly(y, 11, 30)),
                "npq-ehco-december" => ("ehco", new DateOnly(y, 12, 1), new DateOnly(y, 12, 31)),
                "npq-ehco-march" => ("ehco", new DateOnly(y + 1, 3, 1), new DateOnly(y + 1, 5, 31)),
                "npq-ehco-june" => ("ehco", new DateOnly(y + 1, 6, 1), new DateOnly(y + 1, 10, 31)),
                "npq-aso-november" => ("support", new DateOnly(y, 11, 1), (DateOnly?)null),
                "npq-aso-december" => ("support", new DateOnly(y, 12, 1), null),
                "npq-aso-march" => ("support", new DateOnly(y + 1, 3, 1), null),
                "npq-aso-june" => ("support", new DateOnly(y + 1, 6, 1), null),
                _ => throw new InvalidOperationException(identifier),
            };

            yield return new Schedule
            {
                Id = $"{cohort.Id}:{identifier}",
                Identifier = identifier,
                CohortId = cohort.Id,
                CohortStartYear = y,
                CourseGroup = group,
                AppliesFrom = from,
                AppliesTo = to,
                AllowedDeclarationTypes = [.. group == "specialist" ? SpecialistTypes : AllTypes],
            };
        }
    }

    /// <summary>A small list of schools covering each funding branch of §6.</summary>
    public static IReadOnlyList<School> Schools { get; } =
    [
        new() { Id = "100001", Name = "Oakfield Primary School", Ukprn = "10000001", EstablishmentType = "Community school", EligibleEstablishmentType = true, Pp50 = true },
        new() { Id = "100002", Name = "Riverside Academy", Ukprn = "10000002", EstablishmentType = "Academy converter", EligibleEstablishmentType = true },
        new() { Id = "100003", Name = "St Mary's Church of England Primary School", Ukprn = "10000003", EstablishmentType = "Voluntary aided school", EligibleEstablishmentType = true, Rise = true },
        new() { Id = "100004", Name = "Hillside Independent School", Ukprn = "10000004", EstablishmentType = "Other independent school", EligibleEstablishmentType = false },
        new() { Id = "100005", Name = "Northgate Nursery School", Ukprn = "10000005", EstablishmentType = "Local authority nursery school", EligibleEstablishmentType = true, LaNurseryOnDisadvantagedList = true },
        new() { Id = "100006", Name = "Westbrook Sixth Form College", Ukprn = "10000006", EstablishmentType = "Sixth form centres", EligibleEstablishmentType = true, Pp50 = true },
        new() { Id = "100007", Name = "Greenfields Secondary School", Ukprn = "10000007", EstablishmentType = "Foundation school", EligibleEstablishmentType = true },
        new() { Id = "100008", Name = "Meadow Lane Special School", Ukprn = "10000008", EstablishmentType = "Community special school", EligibleEstablishmentType = true, Pp50 = true },
    ];

    public static IReadOnlyList<ChildcareProvider> ChildcareProviders { get; } =
    [
        new() { Id = "EY100001", Name = "Little Acorns Day Nursery", OnEarlyYearsDisadvantagedList = true },
        new() { Id = "EY100002", Name = "Sam Taylor Childminding", OnChildminderList = true },
        new() { Id = "EY100003", Name = "Sunshine Pre-school" },
    ];

    public static IReadOnlyList<IttProvider> IttProviders { get; } =
    [
        new() { Id = "Ambition Institute", Approved = true },
        new() { Id = "Teach First", Approved = true },
        new() { Id = "University College London", Approved = true },
        new() { Id = "Best Practice Network", Approved = true },
        new() { Id = "Former Training Partnership", Approved = false },
    ];
}
