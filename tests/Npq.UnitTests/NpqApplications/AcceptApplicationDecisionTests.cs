using Npq.Domain.Cohorts;
using Npq.Domain.Common;
using Npq.Domain.NpqApplications;

namespace Npq.UnitTests.NpqApplications;

/// <summary>
/// CONTRACT §3.1 in Given / When / Then: given the events of an application's stream, when the
/// provider accepts with a request in a context, then exactly these events, on these streams (the
/// application's and its siblings'), or these errors and no event.
/// </summary>
public sealed class AcceptApplicationDecisionTests
{
    private static readonly DateTimeOffset Now = new(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Application = Guid.NewGuid();
    private static readonly Guid Participant = Guid.NewGuid();
    private static readonly Guid Provider = Guid.NewGuid();

    private static ApplicationRegistered Registered(bool eligible = true) =>
        new(Application, Participant, Provider, "npq-headship", 2025, "a", null!, eligible, "funded", false, null, Now.AddDays(-10));

    private static NpqApplication Given(params object[] events) => NpqApplication.Fold(events)!;

    private static AcceptContext Context(
        FundingMode funding = FundingMode.Capped, bool blocked = false, ScheduleFacts? requested = null,
        string? defaultSchedule = "npq-leadership-autumn", params Guid[] siblings) =>
        new(funding, blocked, requested, defaultSchedule, Now, siblings);

    private static (IReadOnlyList<object> Events, IReadOnlyList<DomainError> Errors) When(NpqApplication given, AcceptRequest request, AcceptContext context)
    {
        var (outcome, errors) = AcceptApplicationDecision.Decide(given, request, context);
        return (outcome is null ? [] : [outcome.Accepted, .. outcome.Rejections], errors);
    }

    private static void ThenRefused((IReadOnlyList<object> Events, IReadOnlyList<DomainError> Errors) result, params string[] titles)
    {
        result.Events.ShouldBeEmpty("a refused accept causes no event");
        result.Errors.Select(e => e.Title).ShouldBe(titles);
    }

    [Fact]
    public void Accepting_in_a_capped_cohort_records_the_schedule_and_funded_place()
    {
        var result = When(Given(Registered()), new AcceptRequest(true, null), Context());

        result.Errors.ShouldBeEmpty();
        result.Events.ShouldBe([new ApplicationAccepted(Application, Participant, Provider, "npq-leadership-autumn", true, Now)]);
        var state = Given(Registered(), result.Events[0]);
        state.Status.ShouldBe(ApplicationStatus.Accepted);
        state.TrainingStatus.ShouldBe(TrainingStatus.Active);
    }

    [Fact]
    public void Accepting_rejects_the_persons_other_applications_for_the_course_and_cohort_in_the_same_decision()
    {
        var atAnotherProvider = Guid.NewGuid();
        var alreadyRejected = Guid.NewGuid();

        var result = When(Given(Registered()), new AcceptRequest(false, null), Context(siblings: [atAnotherProvider, alreadyRejected, Application]));

        result.Errors.ShouldBeEmpty();
        result.Events.ShouldBe(
        [
            new ApplicationAccepted(Application, Participant, Provider, "npq-leadership-autumn", false, Now),
            new ApplicationRejected(atAnotherProvider, RejectionReasons.OtherApplicationInThisCohortAccepted, Application, Now),
            new ApplicationRejected(alreadyRejected, RejectionReasons.OtherApplicationInThisCohortAccepted, Application, Now),
        ]);
    }

    [Fact]
    public void A_refused_accept_rejects_no_sibling()
    {
        ThenRefused(When(Given(Registered()), new AcceptRequest(null, null), Context(siblings: [Guid.NewGuid()])), "funded_place");
    }

    [Fact]
    public void An_uncapped_cohort_ignores_the_funded_place()
    {
        When(Given(Registered()), new AcceptRequest(true, null), Context(FundingMode.Full)).Events
            .ShouldBe([new ApplicationAccepted(Application, Participant, Provider, "npq-leadership-autumn", null, Now)]);
    }

    [Fact]
    public void A_zero_funded_cohort_stores_false()
    {
        When(Given(Registered()), new AcceptRequest(false, null), Context(FundingMode.Zero)).Events
            .ShouldBe([new ApplicationAccepted(Application, Participant, Provider, "npq-leadership-autumn", false, Now)]);
    }

    [Fact]
    public void A_capped_cohort_without_a_boolean_is_funded_place()
    {
        // Missing, null, or of another JSON type (RequestJson reads a non-boolean as absent) all arrive as null.
        ThenRefused(When(Given(Registered()), new AcceptRequest(null, null), Context()), "funded_place");
    }

    [Fact]
    public void Accepted_rejected_and_blocked_are_application_errors()
    {
        var accepted = new ApplicationAccepted(Application, Participant, Provider, "npq-leadership-autumn", true, Now.AddDays(-1));
        var rejected = new ApplicationRejected(Application, RejectionReasons.RejectedByProvider, null, Now.AddDays(-1));

        ThenRefused(When(Given(Registered(), accepted), new AcceptRequest(true, null), Context()), "application");
        ThenRefused(When(Given(Registered(), rejected), new AcceptRequest(true, null), Context()), "application");
        ThenRefused(When(Given(Registered()), new AcceptRequest(true, null), Context(blocked: true)), "application");
    }

    [Fact]
    public void Ineligible_with_a_funded_place_is_refused_only_when_nothing_else_failed()
    {
        ThenRefused(When(Given(Registered(eligible: false)), new AcceptRequest(true, null), Context()), "application");
        var blocked = When(Given(Registered(eligible: false)), new AcceptRequest(true, null), Context(blocked: true));
        blocked.Errors.Select(e => e.Detail).ShouldBe(
            ["The participant has already had an application accepted for this course in this cohort"], "rule 5 is skipped after an earlier failure");
    }

    [Fact]
    public void Schedules_are_checked_for_existence_then_course_group()
    {
        ThenRefused(When(Given(Registered()), new AcceptRequest(true, "nope"), Context(requested: null)), "schedule_identifier");
        ThenRefused(When(Given(Registered()), new AcceptRequest(true, "npq-ehco-june"), Context(requested: new ScheduleFacts("npq-ehco-june", "ehco"))),
            "schedule_identifier");
        ThenRefused(When(Given(Registered()), new AcceptRequest(true, null), Context(defaultSchedule: null)), "schedule");

        When(Given(Registered()), new AcceptRequest(true, "npq-leadership-spring"), Context(requested: new ScheduleFacts("npq-leadership-spring", "leadership")))
            .Events.ShouldBe([new ApplicationAccepted(Application, Participant, Provider, "npq-leadership-spring", true, Now)]);
    }
}
