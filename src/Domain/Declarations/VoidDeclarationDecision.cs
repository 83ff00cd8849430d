using Npq.Domain.Common;

namespace Npq.Domain.Declarations;

/// <summary>CONTRACT §3.9: a plain void, or a clawback of a paid declaration; then the voided outcome.</summary>
public static class VoidDeclarationDecision
{
    /// <param name="nextOutputFeeStatement">The provider's next open output-fee statement for the cohort, if any.</param>
    public static (IReadOnlyList<object> Events, IReadOnlyList<DomainError> Errors) Decide(
        Declaration declaration, Guid? nextOutputFeeStatement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var events = new List<object>();
        var errors = new List<DomainError>();
        switch (declaration.State)
        {
            case DeclarationState.Voided:
                errors.Add(new("declaration", "The declaration has already been voided"));
                break;
            case DeclarationState.Submitted or DeclarationState.Eligible or DeclarationState.Payable or DeclarationState.Ineligible:
                events.Add(new DeclarationVoided(declaration.Id, now));
                break;
            default:
                if (declaration.RefundStatementId is not null)
                    errors.Add(new("declaration", "The declaration is already being, or has been, clawed back"));
                if (nextOutputFeeStatement is null)
                    errors.Add(new("declaration", "You cannot submit or void declarations for this cohort: its funding contract has ended"));
                if (errors.Count == 0 && declaration.State != DeclarationState.Paid)
                    errors.Add(new("declaration", "Only a paid declaration can be clawed back"));
                if (errors.Count == 0)
                    events.Add(new ClawbackRequested(declaration.Id, nextOutputFeeStatement!.Value, now));
                break;
        }

        if (errors.Count > 0)
            return ([], errors);

        if (declaration.HasOutcomes && declaration.LatestOutcomeState != OutcomeStates.Voided)
        {
            events.Add(new OutcomeRecorded(declaration.Id, Guid.CreateVersion7(now), OutcomeStates.Voided,
                DateOnly.FromDateTime(declaration.DeclarationDate.UtcDateTime), now));
        }

        return (events, []);
    }
}
