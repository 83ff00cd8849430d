using Npq.Domain.Registration;
using static Npq.Domain.Courses.Courses;

namespace Npq.UnitTests.Registration;

/// <summary>
/// CONTRACT §6, the 2026 rule set (the reference's NPQ-3719, issue 26): the first rule that applies
/// wins. Each rule has an example of its own, with the status code the reference gives.
/// </summary>
public sealed class FundingEligibilityTests
{
    private static readonly SchoolFacts OrdinarySchool = new(EligibleEstablishmentType: true, Pp50: false, Rise: false, LocalAuthorityNurserySchool: false);

    private static FundingFacts Facts(string course, string setting = WorkSettings.ASchool, SchoolFacts? school = null) =>
        new(course, CohortFunded: true, InEngland: true, PreviouslyFunded: false, setting, EhcoNewHeadteacher: null, KindOfNursery: null,
            School: school ?? OrdinarySchool, Childcare: null, EmploymentType: null, LeadMentor: false,
            IttProviderApproved: false, ReferredByReturnToTeachingAdviser: false);

    [Fact]
    public void A_zero_funded_cohort_funds_nobody_before_any_other_rule()
    {
        FundingEligibility.Decide(Facts(Headship) with { CohortFunded = false, InEngland = false, PreviouslyFunded = true })
            .ShouldBe(new FundingDecision(false, FundingStatusCodes.UnfundedCohort));
    }

    [Fact]
    public void Outside_england_is_never_funded_even_when_previously_funded()
    {
        var decision = FundingEligibility.Decide(Facts(Headship) with { InEngland = false, PreviouslyFunded = true });

        decision.ShouldBe(new FundingDecision(false, FundingStatusCodes.NotInEngland));
    }

    [Fact]
    public void Previously_funded_comes_before_every_setting_rule()
    {
        FundingEligibility.Decide(Facts(Headship) with { PreviouslyFunded = true })
            .ShouldBe(new FundingDecision(false, FundingStatusCodes.PreviouslyFunded));
    }

    [Theory]
    [InlineData(true, true, FundingStatusCodes.Funded)]
    [InlineData(false, false, FundingStatusCodes.NotNewHeadteacherRequestingEhco)]
    public void Ehco_is_funded_only_for_new_headteachers(bool newHeadteacher, bool eligible, string code)
    {
        FundingEligibility.Decide(Facts(EarlyHeadshipCoachingOffer) with { EhcoNewHeadteacher = newHeadteacher })
            .ShouldBe(new FundingDecision(eligible, code));
    }

    [Theory]
    [InlineData(Headship, true)]
    [InlineData(Senco, true)]
    [InlineData(SeniorLeadership, true)]
    [InlineData(EarlyYearsLeadership, true)]
    [InlineData(LeadingTeaching, false)]
    [InlineData(LeadingPrimaryMathematics, false)]
    [InlineData(ExecutiveLeadership, false)]
    public void An_ordinary_school_funds_every_course_but_those_limited_to_pp50(string course, bool eligible)
    {
        var decision = FundingEligibility.Decide(Facts(course));

        decision.ShouldBe(eligible
            ? new FundingDecision(true, FundingStatusCodes.Funded)
            : new FundingDecision(false, FundingStatusCodes.IneligibleEstablishmentNotPp50));
    }

    [Fact]
    public void A_pp50_school_funds_the_limited_courses()
    {
        FundingEligibility.Decide(Facts(LeadingTeaching, school: OrdinarySchool with { Pp50 = true })).Eligible.ShouldBeTrue();
    }

    [Fact]
    public void A_rise_school_is_funded_whatever_else_is_true()
    {
        var rise = new SchoolFacts(EligibleEstablishmentType: false, Pp50: false, Rise: true, LocalAuthorityNurserySchool: false);

        FundingEligibility.Decide(Facts(LeadingLiteracy, school: rise)).ShouldBe(new FundingDecision(true, FundingStatusCodes.Funded));
    }

    [Fact]
    public void An_ineligible_establishment_type_is_not_funded_even_for_early_years_leadership()
    {
        FundingEligibility.Decide(Facts(EarlyYearsLeadership, school: OrdinarySchool with { EligibleEstablishmentType = false }))
            .ShouldBe(new FundingDecision(false, FundingStatusCodes.IneligibleEstablishmentType));
    }

    [Fact]
    public void A_school_setting_without_a_school_is_not_funded()
    {
        FundingEligibility.Decide(Facts(Headship) with { School = null })
            .ShouldBe(new FundingDecision(false, FundingStatusCodes.NoInstitution));
    }

    [Theory]
    [InlineData(KindsOfNursery.PrivateNursery)]
    [InlineData(KindsOfNursery.AnotherEarlyYearsSetting)]
    [InlineData(KindsOfNursery.PreschoolClassAsPartOfSchool)]
    [InlineData(KindsOfNursery.LocalAuthorityMaintainedNursery)]
    public void Early_years_leadership_is_funded_in_any_early_years_setting_on_no_list(string kind)
    {
        var facts = Facts(EarlyYearsLeadership, WorkSettings.EarlyYearsOrChildcare) with { KindOfNursery = kind, Childcare = new ChildcareFacts(false), School = null };

        FundingEligibility.Decide(facts).ShouldBe(new FundingDecision(true, FundingStatusCodes.Funded));
    }

    [Theory]
    [InlineData(true, true, FundingStatusCodes.Funded)]
    [InlineData(false, false, FundingStatusCodes.NotEntitledChildminder)]
    public void A_childminder_is_funded_for_early_years_leadership_only_on_the_childminders_list(bool onList, bool eligible, string code)
    {
        var facts = Facts(EarlyYearsLeadership, WorkSettings.EarlyYearsOrChildcare) with
        {
            KindOfNursery = KindsOfNursery.Childminder, Childcare = new ChildcareFacts(onList), School = null,
        };

        FundingEligibility.Decide(facts).ShouldBe(new FundingDecision(eligible, code));
    }

    [Theory]
    [InlineData(Senco, true)]
    [InlineData(Headship, true)]
    [InlineData(SeniorLeadership, true)]
    [InlineData(LeadingTeaching, false)]
    public void A_local_authority_nursery_school_funds_its_approved_courses(string course, bool eligible)
    {
        var facts = Facts(course, WorkSettings.EarlyYearsOrChildcare, OrdinarySchool with { LocalAuthorityNurserySchool = true }) with
        {
            KindOfNursery = KindsOfNursery.LocalAuthorityMaintainedNursery,
        };

        FundingEligibility.Decide(facts).ShouldBe(eligible
            ? new FundingDecision(true, FundingStatusCodes.Funded)
            : new FundingDecision(false, FundingStatusCodes.EarlyYearsInvalidNpq));
    }

    [Fact]
    public void Other_early_years_settings_fund_no_course_but_early_years_leadership()
    {
        var facts = Facts(Senco, WorkSettings.EarlyYearsOrChildcare) with { KindOfNursery = KindsOfNursery.PrivateNursery, School = null };

        FundingEligibility.Decide(facts).ShouldBe(new FundingDecision(false, FundingStatusCodes.EarlyYearsInvalidNpq));
    }

    [Theory]
    [InlineData(LeadingTeachingDevelopment, true, true, FundingStatusCodes.Funded)]
    [InlineData(LeadingTeachingDevelopment, false, false, FundingStatusCodes.IneligibleEstablishmentType)]
    [InlineData(Headship, true, false, FundingStatusCodes.NotLeadMentorCourse)]
    public void Lead_mentors_are_funded_only_for_ltd_with_an_approved_itt_provider(string course, bool approved, bool eligible, string code)
    {
        var facts = Facts(course, WorkSettings.AnotherSetting) with { LeadMentor = true, IttProviderApproved = approved, School = null };

        FundingEligibility.Decide(facts).ShouldBe(new FundingDecision(eligible, code));
    }

    [Theory]
    [InlineData(EmploymentTypes.HospitalSchool, Senco, FundingStatusCodes.SubjectToReview)]
    [InlineData(EmploymentTypes.YoungOffenderInstitution, Headship, FundingStatusCodes.SubjectToReview)]
    [InlineData(EmploymentTypes.LocalAuthoritySupplyTeacher, SeniorLeadership, FundingStatusCodes.SubjectToReview)]
    [InlineData(EmploymentTypes.LocalAuthorityVirtualSchool, LeadingTeaching, FundingStatusCodes.IneligibleEstablishmentType)]
    [InlineData(EmploymentTypes.Other, Senco, FundingStatusCodes.IneligibleEstablishmentType)]
    public void Special_employment_types_are_subject_to_review_for_headship_senco_and_senior_leadership(string type, string course, string code)
    {
        var decision = FundingEligibility.Decide(Facts(course, WorkSettings.AnotherSetting) with { EmploymentType = type, School = null });

        decision.ShouldBe(new FundingDecision(false, code));
        decision.NeedsReview.ShouldBe(code == FundingStatusCodes.SubjectToReview);
    }

    [Theory]
    [InlineData(true, FundingStatusCodes.ReferredByReturnToTeachingAdviser)]
    [InlineData(false, FundingStatusCodes.IneligibleEstablishmentType)]
    public void Other_settings_need_a_return_to_teaching_referral_for_review(bool referred, string code)
    {
        var decision = FundingEligibility.Decide(Facts(Headship, WorkSettings.Other) with { ReferredByReturnToTeachingAdviser = referred, School = null });

        decision.ShouldBe(new FundingDecision(false, code));
        decision.NeedsReview.ShouldBe(referred);
    }
}
