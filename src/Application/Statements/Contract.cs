namespace Npq.Application.Statements;

/// <summary>
/// A contract links a statement and a course (CONTRACT §4.7); a provider has a contract for
/// (cohort, course) when any of its statements in the cohort has one.
/// </summary>
public sealed class Contract
{
    /// <summary><c>{statement}:{course}</c>.</summary>
    public string Id { get; set; } = "";

    public Guid StatementId { get; set; }

    public Guid LeadProviderId { get; set; }

    public string CohortId { get; set; } = "";

    public string CourseIdentifier { get; set; } = "";
}
