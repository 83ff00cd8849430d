namespace Npq.Domain.Cohorts;

/// <summary>
/// How a cohort is funded (CONTRACT §4.2, HEAD): <c>full</c> behaves like the old uncapped
/// cohorts, <c>capped</c> requires a funded-place decision on accept, <c>zero</c> forces
/// <c>funded_place = false</c>.
/// </summary>
public enum FundingMode
{
    Full,
    Capped,
    Zero,
}
