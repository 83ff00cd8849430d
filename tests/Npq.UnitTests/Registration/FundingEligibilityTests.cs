using Npq.Domain.Registration;
using static Npq.Domain.Courses.Courses;

namespace Npq.UnitTests.Registration;

/// <summary>CONTRACT §6: the first rule that applies wins.</summary>
public sealed class FundingEligibilityTests
{
    private static readonly SchoolFacts OrdinarySchool = new(EligibleEstablishmentType: true, Pp50: false, Rise: false, LaNurseryOnDisadvantagedList: false);

    private static FundingFacts Facts(string course, string setting = WorkSettings.ASchool, SchoolFacts? school = null) =>
        new(course, InEngland: true, PreviouslyFunded: false, setting, EhcoNewHeadteacher: null, KindOfNursery: null,
            School: school ?? OrdinarySchool, Childcare: null, EmploymentType: null, LeadMentor: false,
            IttProviderApproved: false, ReferredByReturnToTeachingAdviser: false);

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
    [InlineData(false, false, FundingStatusCodes.NotNewHeadteacherRequestedEhco)]
    public void Ehco_is_funded_only_for_new_headteachers(bool newHeadteacher, bool eligible, string code)
    {
        FundingEligibility.Decide(Facts(EarlyHeadshipCoachingOffer) with { EhcoNewHeadteacher = newHeadteacher })
            .ShouldBe(new FundingDecision(eligible, code));
    }

    [Theory]
    [InlineData(Headship, true)]
    [InlineData(Senco, true)]
    [InlineData(SeniorLeadership, false)]
    [InlineData(LeadingTeaching, false)]
    [InlineData(LeadingPrimaryMathematics, false)]
    public void An_ordinary_school_funds_only_the_courses_not_limited_to_pp50(string course, bool eligible)
    {
        FundingEligibility.Decide(Facts(course)).Eligible.ShouldBe(eligible);
    }

    [Fact]
    public void A_pp50_school_funds_the_limited_courses()
    {
        FundingEligibility.Decide(Facts(SeniorLeadership, school: OrdinarySchool with { Pp50 = true })).Eligible.ShouldBeTrue();
    }

    [Fact]
    public void A_rise_school_is_funded_whatever_else_is_true()
    {
        var rise = new SchoolFacts(EligibleEstablishmentType: false, Pp50: false, Rise: true, LaNurseryOnDisadvantagedList: false);

        FundingEligibility.Decide(Facts(LeadingLiteracy, school: rise)).ShouldBe(new FundingDecision(true, FundingStatusCodes.Funded));
    }

    [Fact]
    public void An_ineligible_establishment_type_is_not_funded()
    {
        FundingEligibility.Decide(Facts(Headship, school: OrdinarySchool with { EligibleEstablishmentType = false }))
            .ShouldBe(new FundingDecision(false, FundingStatusCodes.IneligibleEstablishmentType));
    }

    [Fact]
    public void A_school_setting_without_a_school_is_not_funded()
    {
        FundingEligibility.Decide(Facts(Headship) with { School = null })
            .ShouldBe(new FundingDecision(false, FundingStatusCodes.NoInstitution));
    }

    [Theory]
    [InlineData(KindsOfNursery.LocalAuthorityMaintainedNursery, Senco, true)]
    [InlineData(KindsOfNursery.LocalAuthorityMaintainedNursery, Headship, true)]
    [InlineData(KindsOfNursery.LocalAuthorityMaintainedNursery, SeniorLeadership, false)]
    [InlineData(KindsOfNursery.Childminder, EarlyYearsLeadership, true)]
    [InlineData(KindsOfNursery.Childminder, Headship, false)]
    [InlineData(KindsOfNursery.PrivateNursery, EarlyYearsLeadership, true)]
    [InlineData(KindsOfNursery.PrivateNursery, Senco, false)]
    public void Childcare_settings_follow_their_lists(string kind, string course, bool eligible)
    {
        var facts = Facts(course, WorkSettings.EarlyYearsOrChildcare, OrdinarySchool with { LaNurseryOnDisadvantagedList = true }) with
        {
            KindOfNursery = kind,
            Childcare = new ChildcareFacts(OnEarlyYearsDisadvantagedList: true, OnChildminderList: true),
        };

        FundingEligibility.Decide(facts).Eligible.ShouldBe(eligible);
    }

    [Fact]
    public void Childcare_not_on_a_list_is_not_funded()
    {
        var facts = Facts(EarlyYearsLeadership, WorkSettings.EarlyYearsOrChildcare) with
        {
            KindOfNursery = KindsOfNursery.PrivateNursery,
            Childcare = new ChildcareFacts(false, false),
        };

        FundingEligibility.Decide(facts).ShouldBe(new FundingDecision(false, FundingStatusCodes.NotEntitledEarlyYearsInstitution));
    }

    [Theory]
    [InlineData(LeadingTeachingDevelopment, true, true)]
    [InlineData(LeadingTeachingDevelopment, false, false)]
    [InlineData(Headship, true, false)]
    public void Lead_mentors_are_funded_only_for_ltd_with_an_approved_itt_provider(string course, bool approved, bool eligible)
    {
        var facts = Facts(course, WorkSettings.AnotherSetting) with { LeadMentor = true, IttProviderApproved = approved, School = null };

        FundingEligibility.Decide(facts).Eligible.ShouldBe(eligible);
    }

    [Theory]
    [InlineData(EmploymentTypes.HospitalSchool, Senco, FundingStatusCodes.SubjectToReview)]
    [InlineData(EmploymentTypes.YoungOffenderInstitution, Headship, FundingStatusCodes.SubjectToReview)]
    [InlineData(EmploymentTypes.LocalAuthoritySupplyTeacher, SeniorLeadership, FundingStatusCodes.NotEntitledSetting)]
    [InlineData(EmploymentTypes.Other, Senco, FundingStatusCodes.NotEntitledSetting)]
    public void Special_employment_types_are_subject_to_review_for_senco_and_headship(string type, string course, string code)
    {
        var decision = FundingEligibility.Decide(Facts(course, WorkSettings.AnotherSetting) with { EmploymentType = type, School = null });

        decision.ShouldBe(new FundingDecision(false, code));
    }

    [Theory]
    [InlineData(true, FundingStatusCodes.SubjectToReview)]
    [InlineData(false, FundingStatusCodes.NotEntitledSetting)]
    public void Other_settings_need_a_return_to_teaching_referral_for_review(bool referred, string code)
    {
        var decision = FundingEligibility.Decide(Facts(Headship, WorkSettings.Other) with { ReferredByReturnToTeachingAdviser = referred, School = null });

        decision.ShouldBe(new FundingDecision(false, code));
        decision.NeedsReview.ShouldBe(referred);
    }
}
