using Npq.Domain.Declarations;
using Npq.Domain.Statements;

namespace Npq.UnitTests.Statements;

/// <summary>
/// CONTRACT §3.8 in Given / When / Then: given a statement's state and the declarations on its lines
/// (each built from its events), when DfE marks it payable or paid, then exactly these events on the
/// declarations' streams and the statement's, or an error and no event.
/// </summary>
public sealed class StatementPaymentDecisionTests
{
    private static readonly Guid Statement = Guid.NewGuid();
    private static readonly DateOnly Deadline = new(2025, 12, 26);
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private static Declaration Given(params Func<Guid, object>[] after)
    {
        var id = Guid.NewGuid();
        var submitted = new DeclarationSubmitted(id, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), DeclarationTypes.Started,
            Now.AddDays(-60), "npq-headship", 2025, "2025a", null, null, false, Now.AddDays(-60));
        return Declaration.Fold([submitted, .. after.Select(a => a(id))])!;
    }

    private static object Eligible(Guid id) => new DeclarationMarkedEligible(id, Statement, Now.AddDays(-59));

    private static object Payable(Guid id) => new DeclarationMarkedPayable(id, Statement, Now.AddDays(-20));

    private static object Paid(Guid id) => new DeclarationMarkedPaid(id, Statement, Now.AddDays(-10));

    private static object Voided(Guid id) => new DeclarationVoided(id, Now.AddDays(-50));

    [Fact]
    public void Marking_payable_after_the_deadline_moves_the_eligible_billable_lines_only()
    {
        var eligible = Given(Eligible);
        var voided = Given(Eligible, Voided);

        var (outcome, errors) = StatementPaymentDecision.Decide(Statement, StatementState.Open, Deadline, markPayable: true,
            [new(StatementLineTypes.Billable, eligible), new(StatementLineTypes.Billable, voided)], Today, Now);

        errors.ShouldBeEmpty();
        outcome!.DeclarationEvents.ShouldBe([new DeclarationMarkedPayable(eligible.Id, Statement, Now)]);
        outcome.StatementEvents.ShouldBe(
        [
            new StatementLineStateChanged(Statement, eligible.Id, StatementLineTypes.Billable, "payable", Now),
            new StatementMarkedPayable(Statement, Now),
        ]);
    }

    [Fact]
    public void Marking_paid_pays_the_payable_billable_lines_and_claws_back_the_refunds()
    {
        var payable = Given(Eligible, Payable);
        var refund = Given(Eligible, Payable, Paid, id => new ClawbackRequested(id, Statement, Now.AddDays(-5)));

        var (outcome, errors) = StatementPaymentDecision.Decide(Statement, StatementState.Payable, Deadline, markPayable: false,
            [new(StatementLineTypes.Billable, payable), new(StatementLineTypes.Refund, refund)], Today, Now);

        errors.ShouldBeEmpty();
        outcome!.DeclarationEvents.ShouldBe(
        [
            new DeclarationMarkedPaid(payable.Id, Statement, Now),
            new DeclarationClawedBack(refund.Id, Statement, Now),
        ]);
        outcome.StatementEvents.ShouldBe(
        [
            new StatementLineStateChanged(Statement, payable.Id, StatementLineTypes.Billable, "paid", Now),
            new StatementLineStateChanged(Statement, refund.Id, StatementLineTypes.Refund, "clawed-back", Now),
            new StatementMarkedPaid(Statement, Now),
        ]);
    }

    [Fact]
    public void Before_the_deadline_or_from_the_wrong_state_nothing_happens()
    {
        var eligible = Given(Eligible);

        var early = StatementPaymentDecision.Decide(Statement, StatementState.Open, Deadline, true, [new(StatementLineTypes.Billable, eligible)], Deadline, Now);
        early.Outcome.ShouldBeNull();
        early.Errors.Single().Detail.ShouldBe("The statement's deadline (2025-12-26) has not passed");

        var twice = StatementPaymentDecision.Decide(Statement, StatementState.Payable, Deadline, true, [], Today, Now);
        twice.Outcome.ShouldBeNull();
        twice.Errors.Single().Detail.ShouldBe("The statement is payable, not open");

        var unpaid = StatementPaymentDecision.Decide(Statement, StatementState.Open, Deadline, false, [], Today, Now);
        unpaid.Errors.Single().Detail.ShouldBe("The statement is open, not payable");
    }
}
