using Marten;
using Npq.Domain.Statements;

namespace Npq.Application.Statements;

public static class StatementQueries
{
    /// <summary>
    /// The provider's next output-fee statement for a cohort (CONTRACT §4.7): open, output-fee,
    /// deadline on or after today, earliest deadline first.
    /// </summary>
    public static Task<StatementView?> NextOutputFeeStatementAsync(this IQuerySession session, Guid leadProviderId, string cohortId, DateOnly today, CancellationToken cancellationToken) =>
        session.Query<StatementView>()
            .Where(s => s.LeadProviderId == leadProviderId && s.CohortId == cohortId && s.OutputFee
                        && s.State == StatementState.Open && s.DeadlineDate >= today)
            .OrderBy(s => s.DeadlineDate)
            .FirstOrDefaultAsync(cancellationToken);

    public static Task<bool> HasContractAsync(this IQuerySession session, Guid leadProviderId, string cohortId, string courseIdentifier, CancellationToken cancellationToken) =>
        session.Query<Contract>()
            .AnyAsync(c => c.LeadProviderId == leadProviderId && c.CohortId == cohortId && c.CourseIdentifier == courseIdentifier, cancellationToken);
}
