using Npq.Domain.Declarations;

namespace Npq.UnitTests.Declarations;

public sealed class DeclarationRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static SubmitDeclarationFacts Valid() => new()
    {
        ParticipantGiven = true,
        HasAcceptedApplicationWithCaller = true,
        HasTarget = true,
        AnyAcceptedApplicationInFamily = true,
        DeclarationDateText = "2025-11-01T10:00:00Z",
        DeclarationDate = new DateTimeOffset(2025, 11, 1, 10, 0, 0, TimeSpan.Zero),
        DeclarationType = "started",
        Schedule = new ScheduleRules(new DateOnly(2025, 10, 1), ["started", "retained-1", "completed"]),
        HasContract = true,
        FundableOrIdenticalNonSubmitted = true,
        NextOutputFeeStatement = Guid.NewGuid(),
        NeedsHasPassed = false,
        HasPassedIsBoolean = false,
        LiveDeclarationOfType = false,
        Partners = DeliveryPartnerFacts.None,
        Now = Now,
    };

    [Fact]
    public void A_valid_declaration_passes() => SubmitDeclarationRules.Check(Valid()).ShouldBeEmpty();

    [Fact]
    public void Guarded_checks_are_skipped_after_an_earlier_failure()
    {
        var facts = Valid() with { HasAcceptedApplicationWithCaller = false, HasContract = false, LiveDeclarationOfType = true };

        SubmitDeclarationRules.Check(facts).Select(e => e.Title).ShouldBe(["participant_id"]);
    }

    [Fact]
    public void Has_passed_is_reported_even_after_other_failures()
    {
        var facts = Valid() with { HasContract = false, NeedsHasPassed = true, DeclarationType = "completed", Schedule = new ScheduleRules(new DateOnly(2025, 10, 1), ["completed"]) };

        SubmitDeclarationRules.Check(facts).Select(e => e.Title).ShouldBe(["cohort", "has_passed"]);
    }

    [Fact]
    public void A_withdrawal_at_or_before_the_declaration_date_refuses_it()
    {
        var facts = Valid() with { WithdrawnAt = new DateTimeOffset(2025, 11, 1, 10, 0, 0, TimeSpan.Zero) };

        SubmitDeclarationRules.Check(facts).Single().Title.ShouldBe("participant_id");
        SubmitDeclarationRules.Check(Valid() with { WithdrawnAt = new DateTimeOffset(2025, 11, 2, 0, 0, 0, TimeSpan.Zero) }).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("2025-11-01T10:00:00Z", "2025-11-01T10:00:00+00:00")]
    [InlineData("2025-11-01T10:00:00", "2025-11-01T10:00:00+00:00")]
    [InlineData("2025-11-01T11:00:00+01:00", "2025-11-01T10:00:00+00:00")]
    [InlineData("2025-11-01T11:00:00+0100", "2025-11-01T10:00:00+00:00")]
    [InlineData("2025-11-01T10:00:00.5Z", "2025-11-01T10:00:00.5+00:00")]
    public void Declaration_dates_are_rfc3339_date_times(string text, string expected)
    {
        SubmitDeclarationRules.ParseDeclarationDate(text).ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2025-11-01")]
    [InlineData("2025-02-30T10:00:00Z")]
    [InlineData("01/11/2025 10:00")]
    public void Other_forms_are_refused(string text) => SubmitDeclarationRules.ParseDeclarationDate(text).ShouldBeNull();

    [Fact]
    public void Inside_the_catchment_from_2024_a_delivery_partner_is_required_and_must_be_the_providers()
    {
        var p = new DeliveryPartnerFacts(true, false, false, false, false, false, false, false, InsideCatchment: true, CohortYear: 2024);
        SubmitDeclarationRules.DeliveryPartnerRules(p).Single().Title.ShouldBe("delivery_partner_id");
        SubmitDeclarationRules.DeliveryPartnerRules(p with { CohortYear = 2023 }).ShouldBeEmpty();
        SubmitDeclarationRules.DeliveryPartnerRules(p with { PrimaryGiven = true, PrimaryExists = true }).Single().Detail.ShouldContain("not one of your");
        SubmitDeclarationRules.DeliveryPartnerRules(p with { InsideCatchment = false, PrimaryGiven = true }).Single().Detail.ShouldContain("outside");
    }

    private static Declaration Declared(DeclarationState state, string type = "started", string course = "npq-headship") =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), type, Now.AddDays(-30), course, "2025a", state,
            Guid.NewGuid(), null, null, null, null);

    [Theory]
    [InlineData(DeclarationState.Submitted)]
    [InlineData(DeclarationState.Eligible)]
    [InlineData(DeclarationState.Payable)]
    [InlineData(DeclarationState.Ineligible)]
    public void Unpaid_declarations_are_voided_plainly(DeclarationState state)
    {
        var (events, errors) = VoidDeclarationDecision.Decide(Declared(state), null, Now);

        errors.ShouldBeEmpty();
        events.Single().ShouldBeOfType<DeclarationVoided>();
    }

    [Fact]
    public void A_paid_declaration_is_clawed_back_onto_the_next_statement_and_only_once()
    {
        var next = Guid.NewGuid();
        var paid = Declared(DeclarationState.Paid);

        var (events, _) = VoidDeclarationDecision.Decide(paid, next, Now);
        var clawback = events.Single().ShouldBeOfType<ClawbackRequested>();
        clawback.RefundStatementId.ShouldBe(next);

        VoidDeclarationDecision.Decide(paid.Next(clawback), next, Now).Errors.Single().Title.ShouldBe("declaration");
        VoidDeclarationDecision.Decide(paid, null, Now).Errors.Single().Detail.ShouldContain("ended");
        VoidDeclarationDecision.Decide(Declared(DeclarationState.Voided), next, Now).Errors.Single().Detail.ShouldContain("already been voided");
    }

    [Fact]
    public void Voiding_a_completed_leadership_declaration_adds_a_voided_outcome_once()
    {
        var completed = Declared(DeclarationState.Eligible, "completed");

        var (events, _) = VoidDeclarationDecision.Decide(completed, null, Now);
        events.OfType<OutcomeRecorded>().Single().State.ShouldBe(OutcomeStates.Voided);

        var alreadyVoidedOutcome = completed with { LatestOutcomeState = OutcomeStates.Voided };
        VoidDeclarationDecision.Decide(alreadyVoidedOutcome, null, Now).Events.OfType<OutcomeRecorded>().ShouldBeEmpty();
        VoidDeclarationDecision.Decide(Declared(DeclarationState.Eligible, "completed", "npq-early-headship-coaching-offer"), null, Now)
            .Events.OfType<OutcomeRecorded>().ShouldBeEmpty("EHCO has no outcomes");
    }
}
