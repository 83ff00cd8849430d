using Npq.Domain.Cohorts;
using Npq.Domain.NpqApplications;

namespace Npq.UnitTests.NpqApplications;

/// <summary>CONTRACT §3.2 and §3.3 in Given / When / Then: given the application's events, then exactly this event or these errors.</summary>
public sealed class RejectAndFundedPlaceDecisionTests
{
    private static readonly DateTimeOffset Now = new(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();

    private static NpqApplication Pending(bool eligible = true) =>
        NpqApplication.Start(new ApplicationRegistered(Id, Guid.NewGuid(), Guid.NewGuid(), "npq-headship", 2025, "a",
            null!, eligible, "funded", false, null, Now.AddDays(-10)));

    private static NpqApplication Accepted(bool eligible = true, bool? fundedPlace = true) =>
        Pending(eligible).Next(new ApplicationAccepted(Id, Guid.Empty, Guid.Empty, "npq-leadership-autumn", fundedPlace, Now.AddDays(-1)));

    [Fact]
    public void Reject_records_rejected_by_provider()
    {
        var (rejected, errors) = RejectApplicationDecision.Decide(Pending(), allowRejectingAccepted: false, hasLiveDeclarations: false, Now);

        errors.ShouldBeEmpty();
        rejected.ShouldBe(new ApplicationRejected(Id, RejectionReasons.RejectedByProvider, null, Now));
        Pending().Next(rejected!).Status.ShouldBe(ApplicationStatus.Rejected);
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    public void Rejecting_an_accepted_application_depends_on_whether_it_is_allowed_and_on_declarations(bool allowed, bool live, bool refused)
    {
        var (rejected, errors) = RejectApplicationDecision.Decide(Accepted(), allowed, live, Now);

        if (refused)
        {
            rejected.ShouldBeNull();
            errors.ShouldNotBeEmpty();
            errors.ShouldAllBe(e => e.Title == "application");
        }
        else
        {
            errors.ShouldBeEmpty();
            rejected.ShouldBe(new ApplicationRejected(Id, RejectionReasons.RejectedByProvider, null, Now));
        }
    }

    [Fact]
    public void Funded_place_same_value_is_no_event_and_no_error()
    {
        var (changed, errors) = ChangeFundedPlaceDecision.Decide(Accepted(fundedPlace: true), true, FundingMode.Capped, false, Now);

        changed.ShouldBeNull();
        errors.ShouldBeEmpty();
    }

    [Fact]
    public void Funded_place_change_records_the_new_value()
    {
        var (changed, errors) = ChangeFundedPlaceDecision.Decide(Accepted(fundedPlace: true), false, FundingMode.Capped, false, Now);

        errors.ShouldBeEmpty();
        changed.ShouldBe(new FundedPlaceChanged(Id, false, Now));
    }

    [Fact]
    public void Funded_place_live_declarations_are_reported_even_after_other_errors()
    {
        var (_, errors) = ChangeFundedPlaceDecision.Decide(Pending(), null, FundingMode.Full, hasLiveDeclarations: true, Now);

        errors.Select(e => e.Title).ShouldBe(["funded_place", "application", "application"]);
    }

    [Fact]
    public void Funded_place_uncapped_is_checked_only_without_earlier_errors()
    {
        ChangeFundedPlaceDecision.Decide(Accepted(), true, FundingMode.Full, false, Now).Errors.Single().Detail.ShouldContain("no funding cap");
        ChangeFundedPlaceDecision.Decide(Accepted(eligible: false), true, FundingMode.Full, false, Now).Errors.Single().Detail.ShouldContain("not eligible");
    }
}
