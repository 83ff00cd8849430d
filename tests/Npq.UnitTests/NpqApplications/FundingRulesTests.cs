using Npq.Domain.NpqApplications;
using Npq.Domain.Registration;
using static Npq.Domain.Courses.Courses;

namespace Npq.UnitTests.NpqApplications;

/// <summary>CONTRACT §4.5: previously funded, the adjusted flag and its reason.</summary>
public sealed class FundingRulesTests
{
    private static readonly Guid Self = Guid.NewGuid();

    private static FundingSnapshot Other(string course, ApplicationStatus status = ApplicationStatus.Accepted, bool eligible = true, bool? fundedPlace = null) =>
        new(Guid.NewGuid(), course, status, eligible, fundedPlace);

    [Fact]
    public void An_accepted_funded_application_in_the_same_family_makes_the_person_previously_funded()
    {
        FundingRules.IsPreviouslyFunded(Self, Headship, [Other(Headship)]).ShouldBeTrue();
        FundingRules.IsPreviouslyFunded(Self, EarlyHeadshipCoachingOffer, [Other(AdditionalSupportOffer)]).ShouldBeTrue("ASO and EHCO are one family");
    }

    [Theory]
    [InlineData(ApplicationStatus.Pending, true, null)]
    [InlineData(ApplicationStatus.Rejected, true, null)]
    [InlineData(ApplicationStatus.Accepted, false, null)]
    [InlineData(ApplicationStatus.Accepted, true, false)]
    public void Other_applications_do_not_count(ApplicationStatus status, bool eligible, bool? fundedPlace)
    {
        FundingRules.IsPreviouslyFunded(Self, Headship, [Other(Headship, status, eligible, fundedPlace)]).ShouldBeFalse();
    }

    [Fact]
    public void Another_course_family_and_the_application_itself_do_not_count()
    {
        FundingRules.IsPreviouslyFunded(Self, Headship, [Other(SeniorLeadership), new FundingSnapshot(Self, Headship, ApplicationStatus.Accepted, true, null)])
            .ShouldBeFalse();
    }

    [Theory]
    [InlineData(true, false, FundingStatusCodes.Funded, true)]
    [InlineData(true, true, FundingStatusCodes.Funded, false)]
    [InlineData(true, true, FundingStatusCodes.MarkedFundedByPolicy, true)]
    [InlineData(false, false, FundingStatusCodes.NotInEngland, false)]
    public void The_shown_flag_is_false_when_previously_funded_unless_funded_by_policy(bool raw, bool previouslyFunded, string code, bool shown)
    {
        FundingRules.AdjustedEligibleForFunding(raw, previouslyFunded, code).ShouldBe(shown);
    }

    [Theory]
    [InlineData(true, true, "previously-funded")]
    [InlineData(false, true, "previously-funded")]
    [InlineData(false, false, "establishment-ineligible")]
    [InlineData(true, false, null)]
    public void The_reason_prefers_previously_funded(bool raw, bool previouslyFunded, string? reason)
    {
        FundingRules.IneligibleForFundingReason(raw, previouslyFunded).ShouldBe(reason);
    }
}
