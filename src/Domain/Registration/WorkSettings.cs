namespace Npq.Domain.Registration;

/// <summary>Registration answers with fixed value lists (CONTRACT §6).</summary>
public static class WorkSettings
{
    public const string ASchool = "a_school";
    public const string AnAcademyTrust = "an_academy_trust";
    public const string A16To19EducationalSetting = "a_16_to_19_educational_setting";
    public const string EarlyYearsOrChildcare = "early_years_or_childcare";
    public const string AnotherSetting = "another_setting";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } =
        [ASchool, AnAcademyTrust, A16To19EducationalSetting, EarlyYearsOrChildcare, AnotherSetting, Other];

    public static bool IsSchool(string? setting) =>
        setting is ASchool or AnAcademyTrust or A16To19EducationalSetting;

    public static bool IsChildcare(string? setting) => setting is EarlyYearsOrChildcare;
}

public static class KindsOfNursery
{
    public const string LocalAuthorityMaintainedNursery = "local_authority_maintained_nursery";
    public const string PreschoolClassAsPartOfSchool = "preschool_class_as_part_of_school";
    public const string PrivateNursery = "private_nursery";
    public const string AnotherEarlyYearsSetting = "another_early_years_setting";
    public const string Childminder = "childminder";

    public static IReadOnlyList<string> All { get; } =
        [LocalAuthorityMaintainedNursery, PreschoolClassAsPartOfSchool, PrivateNursery, AnotherEarlyYearsSetting, Childminder];
}

public static class EmploymentTypes
{
    public const string HospitalSchool = "hospital_school";
    public const string LeadMentorForAccreditedIttProvider = "lead_mentor_for_accredited_itt_provider";
    public const string LocalAuthoritySupplyTeacher = "local_authority_supply_teacher";
    public const string LocalAuthorityVirtualSchool = "local_authority_virtual_school";
    public const string YoungOffenderInstitution = "young_offender_institution";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } =
    [
        HospitalSchool, LeadMentorForAccreditedIttProvider, LocalAuthoritySupplyTeacher,
        LocalAuthorityVirtualSchool, YoungOffenderInstitution, Other,
    ];

    /// <summary>The four employment types that make SENCO and Headship applications "subject to review".</summary>
    public static bool IsReviewable(string? type) =>
        type is HospitalSchool or LocalAuthoritySupplyTeacher or LocalAuthorityVirtualSchool or YoungOffenderInstitution;
}

public static class FundingChoices
{
    public static IReadOnlyList<string> All { get; } = ["school", "trust", "self", "another", "employer"];

    /// <summary><c>trust</c> is offered to school settings in England only.</summary>
    public static bool IsAllowed(string choice, string? workSetting, bool inEngland) =>
        All.Contains(choice) && (choice != "school" && choice != "trust" || WorkSettings.IsSchool(workSetting) && inEngland);
}

public static class SencoAnswers
{
    public static IReadOnlyList<string> All { get; } = ["yes", "no_but_i_plan_to_become_one", "no_i_do_not_plan_to_be_a_SENCO"];
}

public static class HeadteacherStatuses
{
    public const string No = "no";
    public const string YesInFirstFiveYears = "yes_in_first_five_years";
    public const string YesOverFiveYears = "yes_over_five_years";

    /// <summary>EHCO answers map to <c>headteacher_status</c> (CONTRACT §6).</summary>
    public static string FromEhcoAnswers(bool headteacher, bool newHeadteacher) =>
        !headteacher ? No : newHeadteacher ? YesInFirstFiveYears : YesOverFiveYears;
}
