using Npq.Domain.Statements;

namespace Npq.Application.Statements;

/// <summary>The read model of a statement, with its lines (invariant 3: lines agree with declarations).</summary>
public sealed class StatementView
{
    public Guid Id { get; set; }

    public Guid LeadProviderId { get; set; }

    public string CohortId { get; set; } = "";

    public int Cohort { get; set; }

    public int Year { get; set; }

    public int Month { get; set; }

    public DateOnly DeadlineDate { get; set; }

    public DateOnly PaymentDate { get; set; }

    public bool OutputFee { get; set; }

    public StatementState State { get; set; }

    public List<StatementLine> Lines { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class StatementLine
{
    public Guid DeclarationId { get; set; }

    /// <summary><c>billable</c> or <c>refund</c>.</summary>
    public string LineType { get; set; } = "";

    /// <summary>The declaration's state as the line last recorded it (wire form).</summary>
    public string State { get; set; } = "";
}
