using System.Text.RegularExpressions;
using FluentValidation;
using Npq.Domain.Courses;
using Npq.Domain.Registration;

namespace Npq.Application.Registration.RegisterApplication;

/// <summary>
/// The checks of a registration that need no stored data: presence, formats and value lists.
/// Checks against reference data (provider, cohort, URNs) are the handler's.
/// </summary>
public sealed partial class RegisterApplicationValidator : AbstractValidator<RegisterApplication>
{
    public RegisterApplicationValidator()
    {
        RuleFor(x => x.FullName).NotEmpty().WithMessage("Enter your full name").MaximumLength(200)
            .OverridePropertyName("full_name");
        // The length is checked before the pattern, and the pattern cannot backtrack (issue 14).
        RuleFor(x => x.Email).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("Enter your email address")
            .MaximumLength(254).WithMessage("Enter an email address of 254 characters or fewer")
            .Must(e => e is null || EmailPattern().IsMatch(e.Trim())).WithMessage("Enter an email address in the correct format, like name@example.com")
            .OverridePropertyName("email");
        RuleFor(x => x.NationalInsuranceNumber).Cascade(CascadeMode.Stop)
            .MaximumLength(20).WithMessage("Enter a National Insurance number in the correct format, like QQ123456C")
            .Must(n => string.IsNullOrWhiteSpace(n) || NinoPattern().IsMatch(n.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()))
            .WithMessage("Enter a National Insurance number in the correct format, like QQ123456C")
            .OverridePropertyName("national_insurance_number");
        RuleFor(x => x.EmployerName).MaximumLength(200).OverridePropertyName("employer_name");
        RuleFor(x => x.EmploymentRole).MaximumLength(200).OverridePropertyName("employment_role");
        RuleFor(x => x.IttProvider).MaximumLength(200).OverridePropertyName("itt_provider");
        RuleFor(x => x.TeacherCatchmentCountry).MaximumLength(100).OverridePropertyName("teacher_catchment_country");
        RuleFor(x => x.SchoolUrn).MaximumLength(20).OverridePropertyName("school_urn");
        RuleFor(x => x.PrivateChildcareProviderUrn).MaximumLength(20).OverridePropertyName("private_childcare_provider_urn");
        RuleFor(x => x.DateOfBirth).NotEmpty().WithMessage("Enter your date of birth")
            .Must(d => d is null || RegistrationInput.ParseDate(d) is not null).WithMessage("Enter your date of birth as YYYY-MM-DD")
            .OverridePropertyName("date_of_birth");
        RuleFor(x => x.TeacherReferenceNumber)
            .Must(t => string.IsNullOrWhiteSpace(t) || TrnPattern().IsMatch(t.Trim())).WithMessage("Teacher reference number must be 5 to 7 digits")
            .OverridePropertyName("teacher_reference_number");
        RuleFor(x => x.CourseIdentifier).NotEmpty().WithMessage("Choose a course")
            .Must(c => c is null || Courses.Find(c) is { ShownInRegistration: true }).WithMessage("The course is not recognised")
            .OverridePropertyName("course_identifier");
        RuleFor(x => x.LeadProviderId).NotEmpty().WithMessage("Choose a lead provider")
            .Must(p => p is null || Guid.TryParse(p, out _)).WithMessage("The lead provider is not recognised")
            .OverridePropertyName("lead_provider_id");
        RuleFor(x => x.Cohort)
            .Must(c => string.IsNullOrWhiteSpace(c) || RegistrationInput.ParseCohort(c) is not null).WithMessage("The cohort must be a start year, like 2025")
            .OverridePropertyName("cohort");
        RuleFor(x => x.TeacherCatchment).NotEmpty().WithMessage("Say whether you work in England")
            .Must(c => c is null or "england" or "another").WithMessage("Teacher catchment must be 'england' or 'another'")
            .OverridePropertyName("teacher_catchment");
        RuleFor(x => x.TeacherCatchmentCountry)
            .Must(c => Countries.Find(c) is not null).WithMessage("Enter the country you work in")
            .When(x => x.TeacherCatchment == "another")
            .OverridePropertyName("teacher_catchment_country");
        RuleFor(x => x.WorkSetting).NotEmpty().WithMessage("Choose where you work")
            .Must(s => s is null || WorkSettings.All.Contains(s)).WithMessage("The work setting is not recognised")
            .OverridePropertyName("work_setting");
        RuleFor(x => x.KindOfNursery)
            .Must(k => k is not null && KindsOfNursery.All.Contains(k)).WithMessage("Choose the kind of early years setting")
            .When(x => WorkSettings.IsChildcare(x.WorkSetting))
            .OverridePropertyName("kind_of_nursery");
        RuleFor(x => x.EmploymentType)
            .Must(t => t is not null && EmploymentTypes.All.Contains(t)).WithMessage("Choose how you are employed")
            .When(x => x.WorkSetting == WorkSettings.AnotherSetting)
            .OverridePropertyName("employment_type");
        RuleFor(x => x.LeadMentor).Must(RegistrationInput.IsBoolOrAbsent).WithMessage("Lead mentor must be true or false")
            .OverridePropertyName("lead_mentor");
        RuleFor(x => x.IttProvider).NotEmpty().WithMessage("Enter the initial teacher training provider you are a lead mentor for")
            .When(x => RegistrationInput.ParseBool(x.LeadMentor) == true || x.EmploymentType == EmploymentTypes.LeadMentorForAccreditedIttProvider)
            .OverridePropertyName("itt_provider");
        RuleFor(x => x.ReferredByReturnToTeachingAdviser).Must(RegistrationInput.IsBoolOrAbsent)
            .WithMessage("Referred by a return to teaching adviser must be yes or no")
            .OverridePropertyName("referred_by_return_to_teaching_adviser");

        When(x => x.CourseIdentifier == Courses.EarlyHeadshipCoachingOffer, () =>
        {
            RuleFor(x => x.EhcoHeadteacher).Must(v => RegistrationInput.ParseBool(v) is not null)
                .WithMessage("Say whether you are a headteacher").OverridePropertyName("ehco_headteacher");
            RuleFor(x => x.EhcoNewHeadteacher).Must(v => RegistrationInput.ParseBool(v) is not null)
                .WithMessage("Say whether you are in your first five years of headship")
                .When(x => RegistrationInput.ParseBool(x.EhcoHeadteacher) == true)
                .OverridePropertyName("ehco_new_headteacher");
        });

        When(x => x.CourseIdentifier == Courses.Senco, () =>
        {
            RuleFor(x => x.WorksAsSenco).Must(v => v is not null && SencoAnswers.All.Contains(v))
                .WithMessage("Say whether you work as a SENCO").OverridePropertyName("works_as_senco");
            RuleFor(x => x.SencoStartDate).Must(v => RegistrationInput.ParseMonthOrDate(v) is not null)
                .WithMessage("Enter when you started as a SENCO, as YYYY-MM")
                .When(x => x.WorksAsSenco == "yes")
                .OverridePropertyName("senco_start_date");
        });

        RuleFor(x => x.FundingChoice)
            .Must(f => string.IsNullOrWhiteSpace(f) || FundingChoices.All.Contains(f)).WithMessage("The funding choice is not recognised")
            .OverridePropertyName("funding_choice");
        RuleFor(x => x.ParticipantId)
            .Must(p => string.IsNullOrWhiteSpace(p) || Guid.TryParse(p, out _)).WithMessage("The participant is not recognised")
            .OverridePropertyName("participant_id");
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.NonBacktracking)]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[A-Z]{2}[0-9]{6}[A-D]$")]
    private static partial Regex NinoPattern();

    [GeneratedRegex(@"^[0-9]{5,7}$")]
    private static partial Regex TrnPattern();
}
