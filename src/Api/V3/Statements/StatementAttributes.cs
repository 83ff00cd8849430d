namespace Npq.Api.V3.Statements;

/// <summary>v3 statement attributes (CONTRACT §2.8).</summary>
public sealed record StatementAttributes
{
    public required string Month { get; init; }

    public required string Year { get; init; }

    public required string Cohort { get; init; }

    public DateOnly CutOffDate { get; init; }

    public DateOnly PaymentDate { get; init; }

    public bool Paid { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
