using Npq.Domain.Common;
using Npq.Domain.Courses;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;

namespace Npq.Domain.Registration;

/// <summary>
/// The applicant's answers, already parsed from text (the validator has checked their shape):
/// booleans are booleans, dates are dates, blank text is null.
/// </summary>
public sealed record RegistrationRequest(
    string CourseIdentifier,
    string TeacherCatchment,
    Country Country,
    string? WorkSetting,
    string? KindOfNursery,
    string? SchoolUrn,
    string? PrivateChildcareProviderUrn,
    string? EmploymentType,
    string? EmploymentRole,
    string? EmployerName,
    bool LeadMentor,
    string? IttProviderName,
    bool ReferredByReturnToTeachingAdviser,
    bool EhcoHeadteacher,
    bool EhcoNewHeadteacher,
    string? WorksAsSenco,
    DateOnly? SencoStartDate,
    string? FundingChoice,
    string? TeacherReferenceNumber)
{
    public bool InEngland => TeacherCatchment == "england";

    /// <summary>A school is asked for in England when the applicant works in one, or in a maintained nursery.</summary>
    public bool NeedsSchool => InEngland
                               && (WorkSettings.IsSchool(WorkSetting) || KindOfNursery == KindsOfNursery.LocalAuthorityMaintainedNursery);
}

/// <summary>The lead provider named in the registration, when it exists, with the courses it offers in the chosen cohort.</summary>
public sealed record RegistrationProvider(Guid Id, string Name, IReadOnlyCollection<string> OfferedCourses);

/// <summary>The cohort the registration resolves to, when it is open.</summary>
/// <param name="Funded">Its funding mode is capped or full: a zero-funded cohort funds nobody, and its places are unfunded from registration.</param>
public sealed record RegistrationCohort(int StartYear, string Suffix, bool Funded = true);

/// <summary>A school from the reference list, with what the funding rules read.</summary>
public sealed record RegistrationSchool(string Urn, string? Ukprn, SchoolFacts Facts);

/// <summary>An early-years provider from the reference list.</summary>
public sealed record RegistrationChildcare(string Urn, ChildcareFacts Facts);

/// <summary>An initial teacher training provider from the reference list.</summary>
public sealed record RegistrationIttProvider(string Name, bool Approved);

/// <summary>Who registers: a new person (with what they gave), or an existing participant id and whether the caller proved to be them.</summary>
public abstract record RegistrationPerson(Guid Id)
{
    public sealed record Newcomer(Guid Id, string FullName, string Email, string? Trn, bool TrnVerified, DateOnly DateOfBirth, string? NationalInsuranceNumber)
        : RegistrationPerson(Id);

    /// <param name="Matched">The email and date of birth matched, within the day's allowance of failed attempts.</param>
    /// <param name="Applications">How many applications the person holds (0 when not matched: nothing is told).</param>
    public sealed record Existing(Guid Id, bool Matched, int Applications, string Email) : RegistrationPerson(Id);
}

/// <summary>Every fact from outside the registration that its rules read. The handler gathers them; nothing here is looked up.</summary>
/// <param name="Requested">What the lookups were asked for, so that "not found" can be told apart from "not asked".</param>
/// <param name="PersonsApplications">The person's applications, and those of anyone with the same verified TRN (the "previously funded" rule, CONTRACT §6 rule 2).</param>
public sealed record RegistrationContext(
    RegistrationProvider? Provider,
    RegistrationCohort? Cohort,
    RegistrationSchool? School,
    RegistrationChildcare? Childcare,
    RegistrationIttProvider? IttProvider,
    RegistrationPerson Person,
    IReadOnlyList<FundingSnapshot> PersonsApplications,
    int MaxApplicationsPerPerson,
    Guid ApplicationId,
    DateTimeOffset Now);

/// <summary>The events a registration appends: the person's first (when new) and the application's.</summary>
public sealed record RegistrationOutcome(ParticipantRegistered? NewParticipant, ApplicationRegistered Application);

/// <param name="FailedAttach">The only error is that the caller did not prove to be the participant: the attempt counts against the day's allowance.</param>
public sealed record RegistrationResult(RegistrationOutcome? Outcome, IReadOnlyList<DomainError> Errors, bool FailedAttach = false);

/// <summary>
/// CONTRACT §6 and B5: a registration's rules in the contract's order, then its events. Pure: the
/// handler hands in every fact. The order matters beyond tidiness: whether a participant id matched
/// is told only once every reference check has passed, so the answer never says whether a guessed
/// email and date of birth were right (issue 24).
/// </summary>
public static class RegisterApplicationDecision
{
    public static RegistrationResult Decide(RegistrationRequest request, RegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var course = Courses.Courses.Get(request.CourseIdentifier);

        // 1. Reference data: every failure is reported together.
        var errors = new List<DomainError>();
        if (context.Provider is not { } provider)
            errors.Add(new("lead_provider_id", "The lead provider is not recognised"));
        else if (!provider.OfferedCourses.Contains(course.Identifier))
            errors.Add(new("lead_provider_id", $"{provider.Name} does not offer {course.Identifier}"));

        if (context.Cohort is not { } cohort)
            errors.Add(new("cohort", "The cohort is not open for registration"));
        else if (course.FirstCohort is { } first && cohort.StartYear < first)
            errors.Add(new("course_identifier", $"{course.Identifier} is offered from the {first} cohort"));

        if (context.School is null && (request.NeedsSchool || request.SchoolUrn is not null))
            errors.Add(new("school_urn", request.SchoolUrn is null ? "Enter the URN of your school" : $"No school has the URN {request.SchoolUrn}"));
        if (context.Childcare is null && request.PrivateChildcareProviderUrn is not null)
            errors.Add(new("private_childcare_provider_urn", $"No early years provider has the URN {request.PrivateChildcareProviderUrn}"));
        if (context.IttProvider is null && request.LeadMentor && request.IttProviderName is not null)
            errors.Add(new("itt_provider", $"'{request.IttProviderName}' is not an accredited initial teacher training provider"));
        if (errors.Count > 0)
            return new(null, errors);

        // 2. The person: told only now, and the cap on applications a person holds.
        if (context.Person is RegistrationPerson.Existing { Matched: false })
            return new(null, [new("participant_id", "The participant is not recognised")], FailedAttach: true);
        if (context.Person is RegistrationPerson.Existing existing && existing.Applications >= context.MaxApplicationsPerPerson)
        {
            return new(null, [new("participant_id",
                $"This participant already has {context.MaxApplicationsPerPerson} applications, the most one person can hold")]);
        }

        // 3. Funding, and the applicant's choice when not eligible.
        var funding = FundingEligibility.Decide(new FundingFacts(
            course.Identifier,
            context.Cohort!.Funded,
            request.InEngland,
            FundingRules.IsPreviouslyFunded(context.ApplicationId, course.Identifier, context.PersonsApplications),
            request.WorkSetting,
            request.EhcoHeadteacher && request.EhcoNewHeadteacher,
            request.KindOfNursery,
            context.School?.Facts,
            context.Childcare?.Facts,
            request.EmploymentType,
            request.LeadMentor,
            context.IttProvider?.Approved == true,
            request.ReferredByReturnToTeachingAdviser));
        if (!funding.Eligible)
        {
            if (request.FundingChoice is null)
                return new(null, [new("funding_choice", "You are not eligible for scholarship funding: say how your course will be paid for")]);
            if (!FundingChoices.IsAllowed(request.FundingChoice, request.WorkSetting, request.InEngland))
                return new(null, [new("funding_choice", $"'{request.FundingChoice}' is only available to schools and trusts in England")]);
        }

        // 4. The events.
        var newParticipant = context.Person is RegistrationPerson.Newcomer person
            ? new ParticipantRegistered(person.Id, person.FullName, person.Email, person.Trn, person.TrnVerified,
                person.DateOfBirth, person.NationalInsuranceNumber, context.Now)
            : null;
        var application = new ApplicationRegistered(
            context.ApplicationId,
            context.Person.Id,
            context.Provider!.Id,
            course.Identifier,
            context.Cohort!.StartYear,
            context.Cohort.Suffix,
            Answers(request, context, course, funding),
            funding.Eligible,
            funding.StatusCode,
            TargetedDeliveryFundingEligibility: false,
            TeacherReferenceNumberAtSubmission: request.TeacherReferenceNumber,
            RegisteredAt: context.Now,
            FundedPlace: context.Cohort.Funded ? null : false);
        return new(new RegistrationOutcome(newParticipant, application), []);
    }

    /// <summary>The answers as stored: only those that apply to the applicant's setting and course are kept.</summary>
    private static RegistrationAnswers Answers(RegistrationRequest request, RegistrationContext context, Course course, FundingDecision funding)
    {
        var relevantEmployment = request.WorkSetting is WorkSettings.AnotherSetting or WorkSettings.Other;
        var senco = course.Identifier == Courses.Courses.Senco;
        return new RegistrationAnswers(
            TeacherCatchment: request.Country.InUkCatchment,
            TeacherCatchmentCountry: Countries.DisplayName(request.Country),
            TeacherCatchmentIsoCountryCode: request.Country.IsoAlpha3,
            WorkSetting: request.WorkSetting,
            WorksInSchool: WorkSettings.IsSchool(request.WorkSetting),
            WorksInChildcare: WorkSettings.IsChildcare(request.WorkSetting),
            KindOfNursery: request.KindOfNursery,
            SchoolUrn: request.InEngland ? context.School?.Urn : null,
            SchoolUkprn: request.InEngland ? context.School?.Ukprn : null,
            PrivateChildcareProviderUrn: context.Childcare?.Urn,
            EmploymentType: relevantEmployment ? request.EmploymentType : null,
            EmploymentRole: relevantEmployment ? request.EmploymentRole : null,
            EmployerName: relevantEmployment ? request.EmployerName : null,
            LeadMentor: request.LeadMentor,
            IttProvider: request.LeadMentor ? context.IttProvider?.Name : null,
            ReferredByReturnToTeachingAdviser: request.ReferredByReturnToTeachingAdviser,
            HeadteacherStatus: course.Group == CourseGroup.Ehco
                ? HeadteacherStatuses.FromEhcoAnswers(request.EhcoHeadteacher, request.EhcoHeadteacher && request.EhcoNewHeadteacher)
                : null,
            WorksAsSenco: senco ? request.WorksAsSenco : null,
            SencoStartDate: senco && request.WorksAsSenco == "yes" ? request.SencoStartDate : null,
            FundingChoice: funding.Eligible ? null : request.FundingChoice,
            CatchmentAnswer: request.TeacherCatchment);
    }
}
