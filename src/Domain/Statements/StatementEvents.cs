namespace Npq.Domain.Statements;

/// <summary>DfE opened a financial statement for a provider, cohort and month (CONTRACT §4.7).</summary>
public sealed record StatementOpened(
    Guid StatementId,
    Guid LeadProviderId,
    string CohortId,
    int Cohort,
    int Year,
    int Month,
    DateOnly DeadlineDate,
    DateOnly PaymentDate,
    bool OutputFee,
    DateTimeOffset At);

/// <summary>A declaration's line on the statement: billable (eligible/ineligible at creation) or a refund (clawback).</summary>
public sealed record StatementLineAdded(Guid StatementId, Guid DeclarationId, string LineType, string State, DateTimeOffset At);

/// <summary>A line follows its declaration's state (voided, payable, paid, clawed-back).</summary>
public sealed record StatementLineStateChanged(Guid StatementId, Guid DeclarationId, string LineType, string State, DateTimeOffset At);

public sealed record StatementMarkedPayable(Guid StatementId, DateTimeOffset At);

public sealed record StatementMarkedPaid(Guid StatementId, DateTimeOffset At);

public static class StatementLineTypes
{
    public const string Billable = "billable";
    public const string Refund = "refund";
}

public enum StatementState
{
    Open,
    Payable,
    Paid,
}
