using Npq.Domain.Cohorts;
using Npq.Domain.NpqApplications;

namespace Npq.UnitTests.NpqApplications;

/// <summary>CONTRACT §3.5 and §3.6 in Given / When / Then: given the application's events, then exactly this event or these errors.</summary>
public sealed class TrainingAndScheduleDecisionTests
{
    private static readonly DateTimeOffset Now = new(2025, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid Provider = Guid.NewGuid();

    private static NpqApplication Active(string schedule = "npq-leadership-autumn", int cohort = 2023, bool? fundedPlace = null) =>
        NpqApplication.Start(new ApplicationRegistered(Id, Guid.NewGuid(), Provider, "npq-headship", cohort, "a",
                null!, true, "funded", false, null, Now.AddYears(-2)))
            .Next(new ApplicationAccepted(Guid.Empty, Guid.Empty, Guid.Empty, schedule, fundedPlace, Now.AddYears(-2)));

    [Fact]
    public void The_17_original_reasons_keep_the_trailing_full_stop_and_the_extended_list_adds_four()
    {
        TrainingReasons.WithdrawalOriginal.Count.ShouldBe(17);
        TrainingReasons.WithdrawalOriginal.ShouldContain("quality-of-programme-structure-not-suitable.");
        TrainingReasons.WithdrawalExtended.Count.ShouldBe(21);
        TrainingReasons.WithdrawalExtended.Except(TrainingReasons.WithdrawalOriginal).ShouldBe(
            ["assessment-requirements-not-met", "change-in-career", "disengaged-and-unresponsive", "non-payment-of-invoice"]);
    }

    [Fact]
    public void Withdrawing_a_deferred_participant_is_allowed_and_resuming_a_withdrawn_one_too()
    {
        var deferred = Active().Next(new ParticipantDeferred(Guid.Empty, Guid.Empty, "other", Now));
        var (withdrawn, errors) = TrainingStatusDecisions.Withdraw(deferred, "other", TrainingReasons.WithdrawalOriginal, hasStartedDeclaration: true, Now);

        errors.ShouldBeEmpty();
        withdrawn.ShouldBe(new ParticipantWithdrawn(Id, Provider, "other", Now));
        var state = deferred.Next(withdrawn!);
        state.WithdrawnAt.ShouldBe(Now);
        TrainingStatusDecisions.Resume(state, Now).Event.ShouldBe(new ParticipantResumed(Id, Provider, Now));
        TrainingStatusDecisions.Resume(Active(), Now).Errors.Single().Title.ShouldBe("participant_id");
    }

    private static ChangeScheduleContext Context(FundingMode current = FundingMode.Full, (int, string, FundingMode)? target = null, string identifier = "npq-leadership-spring",
        IReadOnlyList<LiveDeclaration>? live = null, bool contract = true) =>
        new(target is not null, target ?? (2023, "a", FundingMode.Full), current, identifier,
            new ScheduleTarget(identifier, "leadership", identifier.EndsWith("spring", StringComparison.Ordinal) ? new DateOnly(2024, 1, 1) : new DateOnly(2023, 10, 1),
                ["started", "retained-1", "retained-2", "completed"]),
            contract, live ?? [], Now);

    [Fact]
    public void A_schedule_change_records_the_new_schedule()
    {
        var (changed, errors) = ChangeScheduleDecision.Decide(Active(), Context());

        errors.ShouldBeEmpty();
        changed.ShouldBe(new ScheduleChanged(Id, "npq-leadership-spring", 2023, "a", null, Now));
    }

    [Fact]
    public void Declarations_on_or_before_the_new_start_are_invalidated()
    {
        var live = new[] { new LiveDeclaration("started", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)) };

        ChangeScheduleDecision.Decide(Active(), Context(live: live)).Errors.Select(e => e.Title).ShouldBe(["schedule_identifier"]);
    }

    [Fact]
    public void Uncapped_to_capped_sets_the_funded_place_from_eligibility_and_capped_to_uncapped_is_refused()
    {
        var (changed, errors) = ChangeScheduleDecision.Decide(Active(), Context(FundingMode.Full, (2024, "a", FundingMode.Capped), "npq-leadership-autumn"));
        errors.ShouldBeEmpty();
        changed.ShouldBe(new ScheduleChanged(Id, "npq-leadership-autumn", 2024, "a", true, Now));

        ChangeScheduleDecision.Decide(Active(cohort: 2024, fundedPlace: true), Context(FundingMode.Capped, (2023, "a", FundingMode.Full), "npq-leadership-autumn"))
            .Errors.Single().Title.ShouldBe("cohort");
        ChangeScheduleDecision.Decide(Active(cohort: 2027, fundedPlace: false), Context(FundingMode.Zero, (2027, "b", FundingMode.Capped), "npq-leadership-autumn"))
            .Errors.Single().Title.ShouldBe("cohort");
    }

    [Fact]
    public void The_same_schedule_and_a_withdrawn_participant_are_refused()
    {
        ChangeScheduleDecision.Decide(Active(), Context(identifier: "npq-leadership-autumn")).Errors.Single().Title.ShouldBe("schedule_identifier");
        var withdrawn = Active().Next(new ParticipantWithdrawn(Guid.Empty, Guid.Empty, "other", Now));
        ChangeScheduleDecision.Decide(withdrawn, Context()).Errors.Single().Title.ShouldBe("participant_id");
    }
}
