using Npq.Domain.Cohorts;
using Npq.Domain.NpqApplications;

namespace Npq.UnitTests.NpqApplications;

/// <summary>Given an application, when accepted with a request and context, then events or errors (§3.1).</summary>
public sealed class AcceptApplicationDecisionTests
{
    private static readonly DateTimeOffset Now = new(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);

    private static NpqApplication Pending(bool eligible = true) =>
        NpqApplication.Create(new ApplicationRegistered(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "npq-headship", 2025, "a",
            null!, eligible, "funded", false, null, Now.AddDays(-10)));

    private static AcceptContext Context(FundingMode funding = FundingMode.Capped, bool blocked = false, ScheduleFacts? requested = null, string? defaultSchedule = "npq-leadership-autumn") =>
        new(funding, blocked, requested, defaultSchedule, Now);

    private static IReadOnlyList<string> Titles((ApplicationAccepted? Accepted, IReadOnlyList<Npq.Domain.Common.DomainError> Errors) result) =>
        result.Errors.Select(e => e.Title).ToList();

    [Fact]
    public void Accepting_in_a_capped_cohort_records_the_schedule_and_funded_place()
    {
        var application = Pending();

        var (accepted, errors) = AcceptApplicationDecision.Decide(application, new AcceptRequest(true, true, null), Context());

        errors.ShouldBeEmpty();
        accepted.ShouldBe(new ApplicationAccepted(application.Id, application.ParticipantId, application.LeadProviderId, "npq-leadership-autumn", true, Now));
        var state = application.Apply(accepted!);
        state.Status.ShouldBe(ApplicationStatus.Accepted);
        state.TrainingStatus.ShouldBe(TrainingStatus.Active);
    }

    [Fact]
    public void An_uncapped_cohort_ignores_the_funded_place()
    {
        var (accepted, _) = AcceptApplicationDecision.Decide(Pending(), new AcceptRequest(true, true, null), Context(FundingMode.Full));

        accepted!.FundedPlace.ShouldBeNull();
    }

    [Fact]
    public void A_zero_funded_cohort_stores_false()
    {
        var (accepted, _) = AcceptApplicationDecision.Decide(Pending(), new AcceptRequest(false, true, null), Context(FundingMode.Zero));

        accepted!.FundedPlace.ShouldBe(false);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    public void A_capped_cohort_without_a_boolean_is_funded_place(bool? value, bool isBoolean)
    {
        Titles(AcceptApplicationDecision.Decide(Pending(), new AcceptRequest(value, isBoolean && value is not null, null), Context()))
            .ShouldBe(["funded_place"]);
    }

    [Fact]
    public void Accepted_rejected_and_blocked_are_application_errors()
    {
        var accepted = Pending().Apply(new ApplicationAccepted(Guid.Empty, Guid.Empty, Guid.Empty, "x", null, Now));
        var rejected = Pending().Apply(new ApplicationRejected(Guid.Empty, RejectionReasons.RejectedByProvider, null, Now));

        Titles(AcceptApplicationDecision.Decide(accepted, new AcceptRequest(true, true, null), Context())).ShouldBe(["application"]);
        Titles(AcceptApplicationDecision.Decide(rejected, new AcceptRequest(true, true, null), Context())).ShouldBe(["application"]);
        Titles(AcceptApplicationDecision.Decide(Pending(), new AcceptRequest(true, true, null), Context(blocked: true))).ShouldBe(["application"]);
    }

    [Fact]
    public void Ineligible_with_a_funded_place_is_refused_only_when_nothing_else_failed()
    {
        Titles(AcceptApplicationDecision.Decide(Pending(eligible: false), new AcceptRequest(true, true, null), Context())).ShouldBe(["application"]);
        Titles(AcceptApplicationDecision.Decide(Pending(eligible: false), new AcceptRequest(true, true, null), Context(blocked: true)))
            .ShouldBe(["application"], "rule 5 is skipped after an earlier failure");
    }

    [Fact]
    public void Schedules_are_checked_for_existence_then_course_group()
    {
        Titles(AcceptApplicationDecision.Decide(Pending(), new AcceptRequest(true, true, "nope"), Context(requested: null)))
            .ShouldBe(["schedule_identifier"]);
        Titles(AcceptApplicationDecision.Decide(Pending(), new AcceptRequest(true, true, "npq-ehco-june"), Context(requested: new ScheduleFacts("npq-ehco-june", "ehco"))))
            .ShouldBe(["schedule_identifier"]);
        Titles(AcceptApplicationDecision.Decide(Pending(), new AcceptRequest(true, true, null), Context(defaultSchedule: null)))
            .ShouldBe(["schedule"]);

        var (accepted, _) = AcceptApplicationDecision.Decide(Pending(), new AcceptRequest(true, true, "npq-leadership-spring"),
            Context(requested: new ScheduleFacts("npq-leadership-spring", "leadership")));
        accepted!.ScheduleIdentifier.ShouldBe("npq-leadership-spring");
    }
}
