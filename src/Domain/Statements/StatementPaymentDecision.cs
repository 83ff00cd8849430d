using Npq.Domain.Common;
using Npq.Domain.Declarations;

namespace Npq.Domain.Statements;

/// <summary>A statement's line and the declaration it is for, as that declaration stands.</summary>
public sealed record StatementLineFacts(string LineType, Declaration Declaration);

/// <summary>
/// Everything marking a statement payable or paid causes: one event on the stream of each declaration
/// that moves (<see cref="DeclarationEvents"/>), and the statement's own events (a line state change
/// per moved declaration, then the statement's new state).
/// </summary>
public sealed record StatementPaymentOutcome(IReadOnlyList<object> DeclarationEvents, IReadOnlyList<object> StatementEvents);

/// <summary>
/// CONTRACT §3.8: payable after the deadline, from open; paid from payable. Payable moves the eligible
/// billable declarations to payable; paid moves payable ones to paid and awaiting-clawback refunds to
/// clawed back. Other lines do not move.
/// </summary>
public static class StatementPaymentDecision
{
    public static (StatementPaymentOutcome? Outcome, IReadOnlyList<DomainError> Errors) Decide(
        Guid statementId, StatementState state, DateOnly deadline, bool markPayable, IReadOnlyList<StatementLineFacts> lines, DateOnly today, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var from = markPayable ? StatementState.Open : StatementState.Payable;
        if (state != from)
            return (null, [new("statement", $"The statement is {state.ToString().ToLowerInvariant()}, not {from.ToString().ToLowerInvariant()}")]);
        if (markPayable && today <= deadline)
            return (null, [new("statement", $"The statement's deadline ({deadline:yyyy-MM-dd}) has not passed")]);

        var declarationEvents = new List<object>();
        var statementEvents = new List<object>();
        foreach (var (lineType, declaration) in lines)
        {
            (object Event, DeclarationState To)? move = (markPayable, lineType, declaration.State) switch
            {
                (true, StatementLineTypes.Billable, DeclarationState.Eligible) => (new DeclarationMarkedPayable(declaration.Id, statementId, now), DeclarationState.Payable),
                (false, StatementLineTypes.Billable, DeclarationState.Payable) => (new DeclarationMarkedPaid(declaration.Id, statementId, now), DeclarationState.Paid),
                (false, StatementLineTypes.Refund, DeclarationState.AwaitingClawback) => (new DeclarationClawedBack(declaration.Id, statementId, now), DeclarationState.ClawedBack),
                _ => null,
            };
            if (move is not { } moved)
                continue;
            declarationEvents.Add(moved.Event);
            statementEvents.Add(new StatementLineStateChanged(statementId, declaration.Id, lineType, DeclarationWire.Of(moved.To), now));
        }

        statementEvents.Add(markPayable ? new StatementMarkedPayable(statementId, now) : new StatementMarkedPaid(statementId, now));
        return (new StatementPaymentOutcome(declarationEvents, statementEvents), []);
    }
}
