using Npq.Domain.Courses;

namespace Npq.Domain.Registration;

/// <summary>What is known about the school the applicant works at (from the seeded reference list).</summary>
/// <param name="LocalAuthorityNurserySchool">Its establishment type is a local authority nursery school.</param>
public sealed record SchoolFacts(bool EligibleEstablishmentType, bool Pp50, bool Rise, bool LocalAuthorityNurserySchool);

/// <summary>What is known about the applicant's early-years setting.</summary>
public sealed record ChildcareFacts(bool OnChildminderList);

/// <summary>Every fact the funding decision of CONTRACT §6 reads.</summary>
/// <param name="CohortFunded">The cohort's funding mode is capped or full (a zero-funded cohort funds nobody).</param>
public sealed record FundingFacts(
    string CourseIdentifier,
    bool CohortFunded,
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
    public bool NeedsReview => StatusCode is FundingStatusCodes.SubjectToReview or FundingStatusCodes.ReferredByReturnToTeachingAdviser;
}

/// <summary>The reference's funding status codes (2026).</summary>
public static class FundingStatusCodes
{
    public const string Funded = "funded";
    public const string UnfundedCohort = "unfunded_cohort";
    public const string NotInEngland = "not_in_england";
    public const string PreviouslyFunded = "previously_funded";
    public const string NotNewHeadteacherRequestingEhco = "not_new_headteacher_requesting_ehco";
    public const string NoInstitution = "no_institution";
    public const string IneligibleEstablishmentType = "ineligible_establishment_type";
    public const string IneligibleEstablishmentNotPp50 = "ineligible_establishment_not_a_pp50";
    public const string EarlyYearsInvalidNpq = "early_years_invalid_npq";
    public const string NotEntitledChildminder = "not_entitled_childminder";
    public const string NotLeadMentorCourse = "not_lead_mentor_course";
    public const string SubjectToReview = "subject_to_review";
    public const string ReferredByReturnToTeachingAdviser = "referred_by_return_to_teaching_adviser";
    public const string MarkedFundedByPolicy = "marked_funded_by_policy";
    public const string MarkedIneligibleByPolicy = "marked_ineligible_by_policy";
}

/// <summary>
/// Funding eligibility at registration (CONTRACT §6), the rule set the reference uses since May 2026
/// (NPQ-3719; issue 26): the first rule that applies wins. Pure: every fact it needs is handed in.
/// </summary>
public static class FundingEligibility
{
    /// <summary>Courses funded at a school only when it is on the pupil-premium (PP50) list.</summary>
    private static readonly HashSet<string> Pp50OnlyCourses =
    [
        Courses.Courses.LeadingPrimaryMathematics, Courses.Courses.LeadingBehaviourCulture, Courses.Courses.LeadingLiteracy,
        Courses.Courses.LeadingTeaching, Courses.Courses.LeadingTeachingDevelopment, Courses.Courses.ExecutiveLeadership,
    ];

    /// <summary>Courses funded for staff of a local authority nursery school.</summary>
    private static readonly HashSet<string> LaNurseryCourses =
        [Courses.Courses.Senco, Courses.Courses.Headship, Courses.Courses.SeniorLeadership];

    /// <summary>Courses that another setting's reviewable employment may be funded for, after review.</summary>
    private static readonly HashSet<string> ReviewableCourses =
        [Courses.Courses.Headship, Courses.Courses.Senco, Courses.Courses.SeniorLeadership];

    public static FundingDecision Decide(FundingFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var course = Courses.Courses.Get(facts.CourseIdentifier);

        if (!facts.CohortFunded)
            return No(FundingStatusCodes.UnfundedCohort);
        if (!facts.InEngland)
            return No(FundingStatusCodes.NotInEngland);
        if (facts.PreviouslyFunded)
            return No(FundingStatusCodes.PreviouslyFunded);
        if (course.Group == CourseGroup.Ehco)
            return facts.EhcoNewHeadteacher == true ? Yes() : No(FundingStatusCodes.NotNewHeadteacherRequestingEhco);

        if (WorkSettings.IsChildcare(facts.WorkSetting))
            return Childcare(facts);
        if (WorkSettings.IsSchool(facts.WorkSetting))
            return School(facts);
        if (facts.WorkSetting == WorkSettings.AnotherSetting)
            return AnotherSetting(facts);

        return facts.ReferredByReturnToTeachingAdviser
            ? No(FundingStatusCodes.ReferredByReturnToTeachingAdviser)
            : No(FundingStatusCodes.IneligibleEstablishmentType);
    }

    /// <summary>
    /// Early years leadership is funded in any early-years setting, except for a childminder who is
    /// not on the childminders list; other courses only for a local authority nursery school's staff,
    /// and only the courses approved for them.
    /// </summary>
    private static FundingDecision Childcare(FundingFacts facts)
    {
        if (facts.CourseIdentifier == Courses.Courses.EarlyYearsLeadership)
        {
            if (facts.KindOfNursery != KindsOfNursery.Childminder)
                return Yes();
            return facts.Childcare?.OnChildminderList == true ? Yes() : No(FundingStatusCodes.NotEntitledChildminder);
        }

        if (facts.School?.LocalAuthorityNurserySchool == true)
            return LaNurseryCourses.Contains(facts.CourseIdentifier) ? Yes() : No(FundingStatusCodes.EarlyYearsInvalidNpq);
        return No(FundingStatusCodes.EarlyYearsInvalidNpq);
    }

    private static FundingDecision School(FundingFacts facts)
    {
        if (facts.School is not { } school)
            return No(FundingStatusCodes.NoInstitution);
        if (school.Rise)
            return Yes();
        if (!school.EligibleEstablishmentType)
            return No(FundingStatusCodes.IneligibleEstablishmentType);
        if (facts.CourseIdentifier == Courses.Courses.EarlyYearsLeadership)
            return Yes();
        if (Pp50OnlyCourses.Contains(facts.CourseIdentifier))
            return school.Pp50 ? Yes() : No(FundingStatusCodes.IneligibleEstablishmentNotPp50);
        return Yes();
    }

    private static FundingDecision AnotherSetting(FundingFacts facts)
    {
        if (facts.LeadMentor)
        {
            if (facts.CourseIdentifier != Courses.Courses.LeadingTeachingDevelopment)
                return No(FundingStatusCodes.NotLeadMentorCourse);
            return facts.IttProviderApproved ? Yes() : No(FundingStatusCodes.IneligibleEstablishmentType);
        }

        return EmploymentTypes.IsReviewable(facts.EmploymentType) && ReviewableCourses.Contains(facts.CourseIdentifier)
            ? No(FundingStatusCodes.SubjectToReview)
            : No(FundingStatusCodes.IneligibleEstablishmentType);
    }

    private static FundingDecision Yes() => new(true, FundingStatusCodes.Funded);

    private static FundingDecision No(string code) => new(false, code);
}
