namespace Npq.Application.ReferenceData;

/// <summary>
/// Reference data that changes only through the seed or DfE operations, read on most requests:
/// served from memory, reloaded when <see cref="InvalidateAsync"/> is called or after a short expiry.
/// </summary>
public interface IReferenceData
{
    ValueTask<ReferenceSnapshot> GetAsync(CancellationToken cancellationToken);

    void Invalidate();
}

public sealed class ReferenceSnapshot(
    IReadOnlyList<LeadProvider> leadProviders,
    IReadOnlyList<Cohort> cohorts,
    IReadOnlyList<Schedule> schedules)
{
    private readonly Dictionary<Guid, LeadProvider> _providers = leadProviders.ToDictionary(p => p.Id);

    public IReadOnlyList<LeadProvider> LeadProviders { get; } = leadProviders.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    public IReadOnlyList<Cohort> Cohorts { get; } = cohorts.OrderBy(c => c.StartYear).ThenBy(c => c.Suffix, StringComparer.Ordinal).ToList();

    public IReadOnlyList<Schedule> Schedules { get; } = schedules;

    public LeadProvider? FindProvider(Guid id) => _providers.GetValueOrDefault(id);

    /// <summary>
    /// The current cohort: the latest whose registration start date is on or before today
    /// (CONTRACT §4.2). Among cohorts of one year, the latest suffix.
    /// </summary>
    public Cohort? CurrentCohort(DateOnly today) =>
        Cohorts.LastOrDefault(c => c.RegistrationStartDate <= today);

    /// <summary>The cohort of a start year: with several suffixes, the latest one.</summary>
    public Cohort? FindCohort(int startYear) => Cohorts.LastOrDefault(c => c.StartYear == startYear);

    public Cohort? FindCohortById(string id) => Cohorts.FirstOrDefault(c => c.Id == id);

    public Schedule? FindSchedule(string cohortId, string identifier) =>
        Schedules.FirstOrDefault(s => s.CohortId == cohortId && s.Identifier == identifier);

    /// <summary>
    /// A schedule looked up by start year as the reference does (docs/contract.md §3.6): among the
    /// cohorts of that year, latest suffix first, the first that has the identifier.
    /// </summary>
    public (Cohort Cohort, Schedule Schedule)? FindScheduleInYear(int startYear, string identifier)
    {
        for (var i = Cohorts.Count - 1; i >= 0; i--)
        {
            var cohort = Cohorts[i];
            if (cohort.StartYear == startYear && FindSchedule(cohort.Id, identifier) is { } schedule)
                return (cohort, schedule);
        }

        return null;
    }
}
