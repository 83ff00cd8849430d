using Npq.Domain.Declarations;
using Npq.Domain.Statements;

namespace Npq.UnitTests.Declarations;

/// <summary>
/// CONTRACT §3.7 effects and §3.9 in Given / When / Then: given a declaration's events (or the facts of
/// a submission), when the command, then exactly these events on these streams, or these errors.
/// </summary>
public sealed class DeclarationDecisionTests
{
    private static readonly DateTimeOffset Now = new(2025, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DeclaredAt = new(2025, 11, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid ApplicationId = Guid.NewGuid();
    private static readonly Guid ParticipantId = Guid.NewGuid();
    private static readonly Guid Provider = Guid.NewGuid();
    private static readonly Guid Statement = Guid.NewGuid();
    private static readonly Guid NextStatement = Guid.NewGuid();

    private static DeclarationSubmitted Submitted(string type = "started", string course = "npq-senior-leadership", DateTimeOffset? at = null) =>
        new(Id, ApplicationId, ParticipantId, Provider, type, DeclaredAt, course, 2025, "2025a", null, null, false, at ?? Now);

    /// <summary>Outcome ids are new v7 ids: compare everything else.</summary>
    private static object WithoutOutcomeId(object e) => e is OutcomeRecorded o ? o with { OutcomeId = Guid.Empty } : e;

    private static Declaration Given(params object[] events) => Declaration.Fold(events)!;

    [Fact]
    public void Submitting_a_fundable_declaration_makes_it_eligible_with_a_billable_line_on_the_next_statement()
    {
        var then = SubmitDeclarationDecision.Decide(Submitted(), null, duplicateOf: null, fundable: true, Statement);

        then.DeclarationEvents.ShouldBe([Submitted(), new DeclarationMarkedEligible(Id, Statement, Now)]);
        then.StatementLine.ShouldBe(new StatementLineAdded(Statement, Id, StatementLineTypes.Billable, "eligible", Now));
        then.ReservesLivePlace.ShouldBeTrue();
    }

    [Fact]
    public void Submitting_an_unfunded_declaration_records_it_submitted_with_no_line()
    {
        var then = SubmitDeclarationDecision.Decide(Submitted(), null, duplicateOf: null, fundable: false, Statement);

        then.DeclarationEvents.ShouldBe([Submitted()]);
        then.StatementLine.ShouldBeNull();
        then.ReservesLivePlace.ShouldBeTrue();
    }

    [Fact]
    public void A_duplicate_of_another_persons_declaration_is_ineligible_keeps_a_line_and_reserves_nothing()
    {
        var original = Guid.NewGuid();

        var then = SubmitDeclarationDecision.Decide(Submitted(), null, duplicateOf: original, fundable: true, Statement);

        then.DeclarationEvents.ShouldBe([Submitted(), new DeclarationMarkedIneligible(Id, "duplicate_declaration", original, Statement, Now)]);
        then.StatementLine.ShouldBe(new StatementLineAdded(Statement, Id, StatementLineTypes.Billable, "ineligible", Now));
        then.ReservesLivePlace.ShouldBeFalse();
    }

    [Theory]
    [InlineData(true, OutcomeStates.Passed)]
    [InlineData(false, OutcomeStates.Failed)]
    public void A_completed_leadership_declaration_records_its_outcome(bool hasPassed, string state)
    {
        var then = SubmitDeclarationDecision.Decide(Submitted("completed"), hasPassed, null, fundable: true, Statement);

        then.DeclarationEvents.Select(WithoutOutcomeId).ShouldBe(
        [
            Submitted("completed"),
            new DeclarationMarkedEligible(Id, Statement, Now),
            new OutcomeRecorded(Id, Guid.Empty, state, new DateOnly(2025, 11, 1), Now),
        ]);
    }

    [Fact]
    public void A_completed_declaration_of_a_course_without_outcomes_records_none()
    {
        var then = SubmitDeclarationDecision.Decide(Submitted("completed", course: "npq-early-headship-coaching-offer"), true, null, true, Statement);

        then.DeclarationEvents.OfType<OutcomeRecorded>().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("submitted")]
    [InlineData("eligible")]
    [InlineData("payable")]
    [InlineData("ineligible")]
    public void Voiding_an_unpaid_declaration_voids_it(string state)
    {
        var given = state switch
        {
            "submitted" => Given(Submitted(at: DeclaredAt)),
            "eligible" => Given(Submitted(at: DeclaredAt), new DeclarationMarkedEligible(Id, Statement, DeclaredAt)),
            "payable" => Given(Submitted(at: DeclaredAt), new DeclarationMarkedEligible(Id, Statement, DeclaredAt), new DeclarationMarkedPayable(Id, Statement, DeclaredAt)),
            _ => Given(Submitted(at: DeclaredAt), new DeclarationMarkedIneligible(Id, "duplicate_declaration", Guid.NewGuid(), Statement, DeclaredAt)),
        };

        var (events, errors) = VoidDeclarationDecision.Decide(given, NextStatement, Now);

        errors.ShouldBeEmpty();
        events.ShouldBe([new DeclarationVoided(Id, Now)]);
    }

    [Fact]
    public void Voiding_a_paid_declaration_asks_for_a_clawback_on_the_next_statement()
    {
        var given = Given(Submitted(at: DeclaredAt), new DeclarationMarkedEligible(Id, Statement, DeclaredAt),
            new DeclarationMarkedPayable(Id, Statement, DeclaredAt), new DeclarationMarkedPaid(Id, Statement, DeclaredAt));

        var (events, errors) = VoidDeclarationDecision.Decide(given, NextStatement, Now);

        errors.ShouldBeEmpty();
        events.ShouldBe([new ClawbackRequested(Id, NextStatement, Now)]);
    }

    [Fact]
    public void A_paid_declaration_cannot_be_clawed_back_when_the_cohorts_contract_has_ended()
    {
        var given = Given(Submitted(at: DeclaredAt), new DeclarationMarkedEligible(Id, Statement, DeclaredAt), new DeclarationMarkedPaid(Id, Statement, DeclaredAt));

        var (events, errors) = VoidDeclarationDecision.Decide(given, nextOutputFeeStatement: null, Now);

        events.ShouldBeEmpty();
        errors.Select(e => e.Detail).ShouldBe(["You cannot submit or void declarations for this cohort: its funding contract has ended"]);
    }

    [Fact]
    public void A_voided_or_clawed_back_declaration_cannot_be_voided_again()
    {
        var voided = Given(Submitted(at: DeclaredAt), new DeclarationVoided(Id, DeclaredAt));
        var clawing = Given(Submitted(at: DeclaredAt), new DeclarationMarkedPaid(Id, Statement, DeclaredAt), new ClawbackRequested(Id, NextStatement, DeclaredAt));

        VoidDeclarationDecision.Decide(voided, NextStatement, Now).Errors.Select(e => e.Detail).ShouldBe(["The declaration has already been voided"]);
        VoidDeclarationDecision.Decide(clawing, NextStatement, Now).Errors.Select(e => e.Detail)
            .ShouldBe(["The declaration is already being, or has been, clawed back"]);
    }

    [Fact]
    public void Voiding_a_completed_declaration_with_an_outcome_adds_a_voided_outcome()
    {
        var given = Given(Submitted("completed", at: DeclaredAt), new DeclarationMarkedEligible(Id, Statement, DeclaredAt),
            new OutcomeRecorded(Id, Guid.NewGuid(), OutcomeStates.Passed, new DateOnly(2025, 11, 1), DeclaredAt));

        var (events, errors) = VoidDeclarationDecision.Decide(given, NextStatement, Now);

        errors.ShouldBeEmpty();
        events.Select(WithoutOutcomeId).ShouldBe(
        [
            new DeclarationVoided(Id, Now),
            new OutcomeRecorded(Id, Guid.Empty, OutcomeStates.Voided, new DateOnly(2025, 11, 1), Now),
        ]);
    }
}
