using Marten;
using Mediator;
using Microsoft.Extensions.Options;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Application.Participants;
using Npq.Application.ReferenceData;
using Npq.Domain.Common;
using Npq.Domain.Courses;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;
using Npq.Domain.Registration;
using static Npq.Application.Registration.RegisterApplication.RegistrationInput;

namespace Npq.Application.Registration.RegisterApplication;

/// <summary>
/// Checks the registration against reference data, decides funding eligibility (CONTRACT §6) and
/// appends <see cref="ParticipantRegistered"/> (for a new person) and <see cref="ApplicationRegistered"/>
/// in one transaction.
/// </summary>
public sealed class RegisterApplicationHandler(
    IDocumentSession session,
    IReferenceData referenceData,
    TimeProvider time,
    IOutbox outbox,
    IAttachAttempts attachAttempts,
    IOptions<RegistrationOptions> options) : ICommandHandler<RegisterApplication, ApplicationView>
{
    public async ValueTask<ApplicationView> Handle(RegisterApplication command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reference = await referenceData.GetAsync(cancellationToken);
        var errors = new List<DomainError>();
        var course = Courses.Get(command.CourseIdentifier!);

        var provider = reference.FindProvider(Guid.Parse(command.LeadProviderId!));
        if (provider is null)
            errors.Add(new("lead_provider_id", "The lead provider is not recognised"));
        else if (!provider.OfferedCourses.Contains(course.Identifier))
            errors.Add(new("lead_provider_id", $"{provider.Name} does not offer {course.Identifier}"));

        var cohort = ParseCohort(command.Cohort) switch
        {
            { Suffix: { } suffix } c => reference.FindCohortById($"{c.Year}{suffix}"),
            { } c => reference.FindCohort(c.Year),
            null => reference.CurrentCohort(time.Today()),
        };
        if (cohort is null)
            errors.Add(new("cohort", "The cohort is not open for registration"));
        else if (course.FirstCohort is { } first && cohort.StartYear < first)
            errors.Add(new("course_identifier", $"{course.Identifier} is offered from the {first} cohort"));

        var inEngland = command.TeacherCatchment == "england";
        var country = inEngland ? Countries.Find("England")! : Countries.Find(command.TeacherCatchmentCountry)!;

        School? school = null;
        var schoolUrn = Clean(command.SchoolUrn);
        var needsSchool = inEngland && (WorkSettings.IsSchool(command.WorkSetting)
                                        || command.KindOfNursery == KindsOfNursery.LocalAuthorityMaintainedNursery);
        if (needsSchool || schoolUrn is not null)
        {
            school = schoolUrn is null ? null : await session.LoadAsync<School>(schoolUrn, cancellationToken);
            if (school is null && (needsSchool || schoolUrn is not null))
                errors.Add(new("school_urn", schoolUrn is null ? "Enter the URN of your school" : $"No school has the URN {schoolUrn}"));
        }

        ChildcareProvider? childcare = null;
        var childcareUrn = Clean(command.PrivateChildcareProviderUrn);
        if (childcareUrn is not null)
        {
            childcare = await session.LoadAsync<ChildcareProvider>(childcareUrn, cancellationToken);
            if (childcare is null)
                errors.Add(new("private_childcare_provider_urn", $"No early years provider has the URN {childcareUrn}"));
        }

        var leadMentor = ParseBool(command.LeadMentor) == true
                         || command.EmploymentType == EmploymentTypes.LeadMentorForAccreditedIttProvider;
        var ittProviderName = Clean(command.IttProvider);
        IttProvider? ittProvider = null;
        if (leadMentor && ittProviderName is not null)
        {
            ittProvider = await session.LoadAsync<IttProvider>(ittProviderName, cancellationToken);
            if (ittProvider is null)
                errors.Add(new("itt_provider", $"'{ittProviderName}' is not an accredited initial teacher training provider"));
        }

        // Whether a participant_id matched is told only once every other check has passed, and the
        // same database work is done either way (issue 24): otherwise the error list, or the time
        // taken, would say whether a guessed email and date of birth were right.
        var participant = await FindOrNewParticipantAsync(command, cancellationToken);
        if (errors.Count > 0)
            throw new RuleViolationException(errors);
        if (participant is { IsNew: false, Matched: false })
        {
            await attachAttempts.RecordFailureAsync(participant.Id, cancellationToken);
            throw new RuleViolationException("participant_id", "The participant is not recognised");
        }

        // The person is locked (FindOrNewParticipantAsync) before their applications are counted and
        // their other applications read (previously funded, §6 rule 2).
        if (!participant.IsNew && participant.Applications >= options.Value.MaxApplicationsPerPerson)
            throw new RuleViolationException("participant_id", $"This participant already has {options.Value.MaxApplicationsPerPerson} applications, the most one person can hold");

        var previouslyFunded = await IsPreviouslyFundedAsync(participant, course, cancellationToken);
        var ehcoNewHeadteacher = ParseBool(command.EhcoHeadteacher) == true && ParseBool(command.EhcoNewHeadteacher) == true;
        var decision = FundingEligibility.Decide(new FundingFacts(
            course.Identifier,
            inEngland,
            previouslyFunded,
            command.WorkSetting,
            ehcoNewHeadteacher,
            command.KindOfNursery,
            school is null ? null : new SchoolFacts(school.EligibleEstablishmentType, school.Pp50, school.Rise, school.LaNurseryOnDisadvantagedList),
            childcare is null ? null : new ChildcareFacts(childcare.OnEarlyYearsDisadvantagedList, childcare.OnChildminderList),
            command.EmploymentType,
            leadMentor,
            ittProvider?.Approved == true,
            ParseBool(command.ReferredByReturnToTeachingAdviser) == true));

        var fundingChoice = Clean(command.FundingChoice);
        if (!decision.Eligible)
        {
            if (fundingChoice is null)
                throw new RuleViolationException("funding_choice", "You are not eligible for scholarship funding: say how your course will be paid for");
            if (!FundingChoices.IsAllowed(fundingChoice, command.WorkSetting, inEngland))
                throw new RuleViolationException("funding_choice", $"'{fundingChoice}' is only available to schools and trusts in England");
        }

        var schoolSetting = WorkSettings.IsSchool(command.WorkSetting);
        var relevantEmployment = command.WorkSetting is WorkSettings.AnotherSetting or WorkSettings.Other;
        var answers = new RegistrationAnswers(
            TeacherCatchment: country.InUkCatchment,
            TeacherCatchmentCountry: Countries.DisplayName(country),
            TeacherCatchmentIsoCountryCode: country.IsoAlpha3,
            WorkSetting: command.WorkSetting,
            WorksInSchool: schoolSetting,
            WorksInChildcare: WorkSettings.IsChildcare(command.WorkSetting),
            KindOfNursery: command.KindOfNursery,
            SchoolUrn: inEngland ? school?.Id : null,
            SchoolUkprn: inEngland ? school?.Ukprn : null,
            PrivateChildcareProviderUrn: childcare?.Id,
            EmploymentType: relevantEmployment ? command.EmploymentType : null,
            EmploymentRole: relevantEmployment ? Clean(command.EmploymentRole) : null,
            EmployerName: relevantEmployment ? Clean(command.EmployerName) : null,
            LeadMentor: leadMentor,
            IttProvider: leadMentor ? ittProvider?.Id : null,
            ReferredByReturnToTeachingAdviser: ParseBool(command.ReferredByReturnToTeachingAdviser) == true,
            HeadteacherStatus: course.Group == CourseGroup.Ehco
                ? HeadteacherStatuses.FromEhcoAnswers(ParseBool(command.EhcoHeadteacher) == true, ehcoNewHeadteacher)
                : null,
            WorksAsSenco: course.Identifier == Courses.Senco ? command.WorksAsSenco : null,
            SencoStartDate: course.Identifier == Courses.Senco && command.WorksAsSenco == "yes" ? ParseMonthOrDate(command.SencoStartDate) : null,
            FundingChoice: decision.Eligible ? null : fundingChoice,
            CatchmentAnswer: command.TeacherCatchment);

        var applicationId = command.ApplicationId ?? Guid.CreateVersion7(now);
        if (participant.IsNew)
        {
            session.Events.StartStream(participant.Id, new ParticipantRegistered(
                participant.Id, participant.FullName, participant.Email, participant.Trn, participant.TrnVerified,
                ParseDate(command.DateOfBirth)!.Value, Clean(command.NationalInsuranceNumber), now));
        }

        session.Events.StartStream(applicationId, new ApplicationRegistered(
            applicationId,
            participant.Id,
            provider!.Id,
            course.Identifier,
            cohort!.StartYear,
            cohort.Suffix,
            answers,
            decision.Eligible,
            decision.StatusCode,
            TargetedDeliveryFundingEligibility: false,
            TeacherReferenceNumberAtSubmission: Clean(command.TeacherReferenceNumber),
            RegisteredAt: now));

        await outbox.PublishAsync(new ParticipantEmailRequested(participant.Id, applicationId, "registration_submitted", participant.Email, now));
        await session.SaveChangesAsync(cancellationToken);

        return await session.LoadAsync<ApplicationView>(applicationId, cancellationToken)
               ?? throw new InvalidOperationException("The application view was not projected inline.");
    }

    private sealed record ParticipantFacts(Guid Id, bool IsNew, bool Matched, int Applications, string FullName, string Email, string? Trn, bool TrnVerified);

    private async Task<ParticipantFacts> FindOrNewParticipantAsync(RegisterApplication command, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(command.ParticipantId, out var existingId))
        {
            // An anonymous caller may attach an application to a person only by proving they are that
            // person: the email and date of birth must match, within the day's allowance of failures.
            // The view, the stream and the allowance are read whatever the id, and both facts compared
            // without a short cut, so the work done does not depend on what matched.
            // The lock first: concurrent guesses at one id are counted one after another, and the
            // applications counted against the cap cannot grow under this registration.
            await session.LockParticipantAsync(existingId, cancellationToken);
            var existing = await session.LoadAsync<ParticipantView>(existingId, cancellationToken);
            var events = await session.Events.FetchStreamAsync(existingId, version: 1, token: cancellationToken); // the registration alone
            var failures = await attachAttempts.FailuresAsync(existingId, cancellationToken);
            var sameEmail = string.Equals(existing?.Email.Trim(), command.Email?.Trim(), StringComparison.OrdinalIgnoreCase);
            var born = ParseDate(command.DateOfBirth);
            var sameBirth = born is not null && events.Select(e => e.Data).OfType<ParticipantRegistered>().FirstOrDefault()?.DateOfBirth == born;
            var matched = existing is not null & sameEmail & sameBirth & failures < options.Value.MaxAttachFailuresPerDay;
            return matched
                ? new(existing!.Id, false, true, existing.ApplicationIds.Count, existing.FullName, existing.Email, existing.TeacherReferenceNumber, existing.TeacherReferenceNumberVerified)
                : new(existingId, false, false, 0, "", "", null, false);
        }

        var trn = Clean(command.TeacherReferenceNumber);
        var verified = trn is { Length: 7 } && options.Value.SevenDigitTrnIsVerified;
        return new(command.NewParticipantId ?? Guid.CreateVersion7(time.GetUtcNow()), true, false, 0, command.FullName!.Trim(), command.Email!.Trim(), trn, verified);
    }

    /// <summary>§6 rule 2: the same person, or a person with the same verified TRN, already holds a funded place in the family.</summary>
    private async Task<bool> IsPreviouslyFundedAsync(ParticipantFacts participant, Course course, CancellationToken cancellationToken)
    {
        var participantId = participant.Id;
        var trn = Domain.Participants.VerifiedTrn.Of(participant.Trn, participant.TrnVerified);
        var candidates = await session.Query<ApplicationView>()
            .Where(a => a.Status == ApplicationStatus.Accepted && a.EligibleForFundingRaw && a.FundedPlace != false)
            .Where(a => a.ParticipantId == participantId || (trn != null && a.TeacherReferenceNumberValidated && a.TeacherReferenceNumber == trn))
            .ToListAsync(cancellationToken);
        return candidates.Any(a => Courses.SameFamily(a.CourseIdentifier, course.Identifier));
    }
}
