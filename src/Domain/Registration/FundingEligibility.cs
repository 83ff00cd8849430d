using Npq.Domain.Courses;

namespace Npq.Domain.Registration;

/// <summary>What is known about the school the applicant works at (from the seeded reference list).</summary>
public sealed record SchoolFacts(bool EligibleEstablishmentType, bool Pp50, bool Rise, bool LaNurseryOnDisadvantagedList);

/// <summary>What is known about the applicant's early-years setting.</summary>
public sealed record ChildcareFacts(bool OnEarlyYearsDisadvantagedList, bool OnChildminderList);

/// <summary>Every fact the funding decision of CONTRACT §6 reads.</summary>
public sealed record FundingFacts(
    string CourseIdentifier,
    bool InEngland,
    bool PreviouslyFunded,
    string? WorkSetting,
    bool? EhcoNewHeadteacher,
    string? KindOfNursery,
    SchoolFacts? School,
    ChildcareFacts? Childcare,
    string? EmploymentType,
    bool LeadMentor,
    bool IttProviderApproved,
    bool ReferredByReturnToTeachingAdviser);

/// <summary>The outcome: raw <c>eligible_for_funding</c> and the funding status code behind it.</summary>
public sealed record FundingDecision(bool Eligible, string StatusCode)
{
    public bool NeedsReview => StatusCode == FundingStatusCodes.SubjectToReview;
}

public static class FundingStatusCodes
{
    public const string Funded = "funded";
    public const string NotInEngland = "not_in_england";
    public const string PreviouslyFunded = "previously_funded";
    public const string NotNewHeadteacherRequestedEhco = "not_new_headteacher_requested_ehco";
    public const string NoInstitution = "no_institution";
    public const string IneligibleEstablishmentType = "ineligible_establishment_type";
    public const string IneligibleEstablishmentNotPp50 = "ineligible_establishment_not_a_pp50";
    public const string NotEntitledEarlyYearsInstitution = "not_entitled_ey_institution";
    public const string NotLeadMentorCourse = "not_lead_mentor_course";
    public const string SubjectToReview = "subject_to_review";
    public const string NotEntitledSetting = "not_entitled_setting";
    public const string MarkedFundedByPolicy = "marked_funded_by_policy";
}

/// <summary>
/// Funding eligibility at registration (CONTRACT §6): the first rule that applies wins.
/// Pure: every fact it needs is handed in.
/// </summary>
public static class FundingEligibility
{
    /// <summary>Courses funded only at schools on the pupil-premium (PP50) list.</summary>
    private static readonly HashSet<string> Pp50OnlyCourses =
    [
        Courses.Courses.LeadingPrimaryMathematics, Courses.Courses.LeadingBehaviourCulture, Courses.Courses.LeadingLiteracy,
        Courses.Courses.LeadingTeaching, Courses.Courses.LeadingTeachingDevelopment, Courses.Courses.SeniorLeadership,
        Courses.Courses.ExecutiveLeadership, Courses.Courses.EarlyYearsLeadership,
    ];

    private static readonly HashSet<string> LaNurseryCourses =
        [Courses.Courses.Senco, Courses.Courses.Headship, Courses.Courses.EarlyYearsLeadership];

    public static FundingDecision Decide(FundingFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var course = Courses.Courses.Get(facts.CourseIdentifier);

        if (!facts.InEngland)
            return No(FundingStatusCodes.NotInEngland);
        if (facts.PreviouslyFunded)
            return No(FundingStatusCodes.PreviouslyFunded);
        if (course.Group == CourseGroup.Ehco)
            return facts.EhcoNewHeadteacher == true ? Yes() : No(FundingStatusCodes.NotNewHeadteacherRequestedEhco);

        if (WorkSettings.IsChildcare(facts.WorkSetting))
            return Childcare(facts);
        if (WorkSettings.IsSchool(facts.WorkSetting))
            return School(facts);
        if (facts.WorkSetting == WorkSettings.AnotherSetting)
            return AnotherSetting(facts);

        return facts.ReferredByReturnToTeachingAdviser
            ? No(FundingStatusCodes.SubjectToReview)
            : No(FundingStatusCodes.NotEntitledSetting);
    }

    private static FundingDecision Childcare(FundingFacts facts)
    {
        var course = facts.CourseIdentifier;
        var eyl = course == Courses.Courses.EarlyYearsLeadership;
        return facts.KindOfNursery switch
        {
            KindsOfNursery.LocalAuthorityMaintainedNursery
                when LaNurseryCourses.Contains(course) && facts.School?.LaNurseryOnDisadvantagedList == true => Yes(),
            KindsOfNursery.Childminder when eyl && facts.Childcare?.OnChildminderList == true => Yes(),
            not KindsOfNursery.LocalAuthorityMaintainedNursery and not KindsOfNursery.Childminder
                when eyl && facts.Childcare?.OnEarlyYearsDisadvantagedList == true => Yes(),
            _ => No(FundingStatusCodes.NotEntitledEarlyYearsInstitution),
        };
    }

    private static FundingDecision School(FundingFacts facts)
    {
        if (facts.School is not { } school)
            return No(FundingStatusCodes.NoInstitution);
        if (school.Rise)
            return Yes();
        if (!school.EligibleEstablishmentType)
            return No(FundingStatusCodes.IneligibleEstablishmentType);
        if (Pp50OnlyCourses.Contains(facts.CourseIdentifier) && !school.Pp50)
            return No(FundingStatusCodes.IneligibleEstablishmentNotPp50);
        return Yes();
    }

    private static FundingDecision AnotherSetting(FundingFacts facts)
    {
        if (facts.LeadMentor)
        {
            return facts.CourseIdentifier == Courses.Courses.LeadingTeachingDevelopment && facts.IttProviderApproved
                ? Yes()
                : No(FundingStatusCodes.NotLeadMentorCourse);
        }

        if (EmploymentTypes.IsReviewable(facts.EmploymentType)
            && facts.CourseIdentifier is Courses.Courses.Senco or Courses.Courses.Headship)
        {
            return No(FundingStatusCodes.SubjectToReview);
        }

        return No(FundingStatusCodes.NotEntitledSetting);
    }

    private static FundingDecision Yes() => new(true, FundingStatusCodes.Funded);

    private static FundingDecision No(string code) => new(false, code);
}
