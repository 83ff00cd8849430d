using Marten;
using Mediator;
using Microsoft.Extensions.Options;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Application.Participants;
using Npq.Application.ReferenceData;
using Npq.Domain.Cohorts;
using Npq.Domain.Courses;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;
using Npq.Domain.Registration;
using static Npq.Application.Registration.RegisterApplication.RegistrationInput;

namespace Npq.Application.Registration.RegisterApplication;

/// <summary>
/// Gathers the facts a registration's rules read (reference data, the person, their applications),
/// asks <see cref="RegisterApplicationDecision"/>, and appends its events in one transaction.
/// </summary>
public sealed class RegisterApplicationHandler(
    IDocumentSession session,
    IReferenceData referenceData,
    TimeProvider time,
    IOutbox outbox,
    IAttachAttempts attachAttempts,
    IWriteLocks locks,
    IOptions<RegistrationOptions> options) : ICommandHandler<RegisterApplication, ApplicationView>
{
    public async ValueTask<ApplicationView> Handle(RegisterApplication command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var request = Request(command);
        var reference = await referenceData.GetAsync(cancellationToken);
        var provider = reference.FindProvider(Guid.Parse(command.LeadProviderId!));
        var cohort = ParseCohort(command.Cohort) switch
        {
            { Suffix: { } suffix } c => reference.FindCohortById($"{c.Year}{suffix}"),
            { } c => reference.FindCohort(c.Year),
            null => reference.CurrentCohort(time.Today()),
        };
        var school = request.NeedsSchool || request.SchoolUrn is not null
            ? await LoadAsync<School>(request.SchoolUrn, cancellationToken)
            : null;
        var childcare = await LoadAsync<ChildcareProvider>(request.PrivateChildcareProviderUrn, cancellationToken);
        var ittProvider = request.LeadMentor ? await LoadAsync<IttProvider>(request.IttProviderName, cancellationToken) : null;

        // The person is looked up, and locked, whatever the other checks find: the decision tells
        // whether a participant id matched only after them, and the work done is the same (issue 24).
        var person = await FindOrNewPersonAsync(command, cancellationToken);
        var applicationId = command.ApplicationId ?? Guid.CreateVersion7(now);
        var context = new RegistrationContext(
            provider is null ? null : new RegistrationProvider(provider.Id, provider.Name, provider.CoursesOfferedIn(cohort?.Id).ToList()),
            cohort is null ? null : new RegistrationCohort(cohort.StartYear, cohort.Suffix, cohort.Funding != FundingMode.Zero),
            school is null ? null : new RegistrationSchool(school.Id, school.Ukprn,
                new SchoolFacts(school.EligibleEstablishmentType, school.Pp50, school.Rise, school.IsLocalAuthorityNurserySchool)),
            childcare is null ? null : new RegistrationChildcare(childcare.Id,
                new ChildcareFacts(childcare.OnChildminderList)),
            ittProvider is null ? null : new RegistrationIttProvider(ittProvider.Id, ittProvider.Approved),
            person.Person,
            await PersonsApplicationsAsync(person, cancellationToken),
            options.Value.MaxApplicationsPerPerson,
            applicationId,
            now);

        var result = RegisterApplicationDecision.Decide(request, context);
        if (result.FailedAttach)
            await attachAttempts.RecordFailureAsync(person.Person.Id, cancellationToken);
        if (result.Outcome is not { } outcome)
            throw new RuleViolationException(result.Errors);

        if (outcome.NewParticipant is { } registered)
            session.Events.StartStream(registered.ParticipantId, registered);
        session.Events.StartStream(applicationId, outcome.Application);
        await outbox.PublishAsync(new ParticipantEmailRequested(person.Person.Id, applicationId, "registration_submitted", person.Email, now));
        await session.SaveChangesAsync(cancellationToken);

        return await session.SavedApplicationAsync(applicationId, cancellationToken)
               ?? throw new InvalidOperationException("The application view was not projected inline.");
    }

    /// <summary>The applicant's text answers, parsed (the validator has already refused what does not parse).</summary>
    private static RegistrationRequest Request(RegisterApplication command)
    {
        var inEngland = command.TeacherCatchment == "england";
        return new RegistrationRequest(
            Courses.Get(command.CourseIdentifier!).Identifier,
            command.TeacherCatchment!,
            inEngland ? Countries.Find("England")! : Countries.Find(command.TeacherCatchmentCountry)!,
            command.WorkSetting,
            command.KindOfNursery,
            Clean(command.SchoolUrn),
            Clean(command.PrivateChildcareProviderUrn),
            command.EmploymentType,
            Clean(command.EmploymentRole),
            Clean(command.EmployerName),
            LeadMentor: ParseBool(command.LeadMentor) == true || command.EmploymentType == EmploymentTypes.LeadMentorForAccreditedIttProvider,
            Clean(command.IttProvider),
            ReferredByReturnToTeachingAdviser: ParseBool(command.ReferredByReturnToTeachingAdviser) == true,
            EhcoHeadteacher: ParseBool(command.EhcoHeadteacher) == true,
            EhcoNewHeadteacher: ParseBool(command.EhcoNewHeadteacher) == true,
            command.WorksAsSenco,
            ParseMonthOrDate(command.SencoStartDate),
            Clean(command.FundingChoice),
            Clean(command.TeacherReferenceNumber));
    }

    private async Task<T?> LoadAsync<T>(string? id, CancellationToken cancellationToken) where T : notnull =>
        id is null ? default : await session.LoadAsync<T>(id, cancellationToken);

    /// <summary>The person, with what the handler itself needs: where to send the email, and the TRN the "previously funded" rule matches on.</summary>
    private sealed record PersonFacts(RegistrationPerson Person, string Email, string? Trn, bool TrnVerified)
    {
        public bool Known => Person is RegistrationPerson.Newcomer or RegistrationPerson.Existing { Matched: true };
    }

    private async Task<PersonFacts> FindOrNewPersonAsync(RegisterApplication command, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(command.ParticipantId, out var existingId))
        {
            // An anonymous caller may attach an application to a person only by proving they are that
            // person: the email and date of birth must match, within the day's allowance of failures.
            // The view, the stream and the allowance are read whatever the id, and both facts compared
            // without a short cut, so the work done does not depend on what matched.
            // The lock first: concurrent guesses at one id are counted one after another, and the
            // applications counted against the cap cannot grow under this registration.
            await locks.LockParticipantAsync(session, existingId, cancellationToken);
            var existing = await session.LoadAsync<ParticipantView>(existingId, cancellationToken);
            var events = await session.Events.FetchStreamAsync(existingId, version: 1, token: cancellationToken); // the registration alone
            var failures = await attachAttempts.FailuresAsync(existingId, cancellationToken);
            var sameEmail = existing?.Email is not null && string.Equals(existing.Email.Trim(), command.Email?.Trim(), StringComparison.OrdinalIgnoreCase);
            var born = ParseDate(command.DateOfBirth);
            var sameBirth = born is not null && events.Select(e => e.Data).OfType<ParticipantRegistered>().FirstOrDefault()?.DateOfBirth == born;
            var matched = existing is not null & sameEmail & sameBirth & failures < options.Value.MaxAttachFailuresPerDay;
            return matched
                ? new(new RegistrationPerson.Existing(existing!.Id, true, existing.ApplicationIds.Count, existing.Email!),
                    existing.Email!, existing.TeacherReferenceNumber, existing.TeacherReferenceNumberVerified)
                : new(new RegistrationPerson.Existing(existingId, false, 0, ""), "", null, false);
        }

        var trn = Clean(command.TeacherReferenceNumber);
        var verified = trn is { Length: 7 } && options.Value.SevenDigitTrnIsVerified;
        var person = new RegistrationPerson.Newcomer(
            command.NewParticipantId ?? Guid.CreateVersion7(time.GetUtcNow()), command.FullName!.Trim(), command.Email!.Trim(), trn, verified,
            ParseDate(command.DateOfBirth)!.Value, Clean(command.NationalInsuranceNumber));
        return new(person, person.Email, trn, verified);
    }

    /// <summary>
    /// The applications of the person and of anyone with the same verified TRN, for the "previously
    /// funded" rule (<see cref="FundingRules"/>), read under the person's lock. The same query runs for
    /// a caller who did not prove to be the participant, and its answer is dropped: the work done must
    /// not say whether a guessed email and date of birth matched (issue 24).
    /// </summary>
    private async Task<IReadOnlyList<FundingSnapshot>> PersonsApplicationsAsync(PersonFacts person, CancellationToken cancellationToken)
    {
        var participantId = person.Person.Id;
        var trn = Domain.Participants.VerifiedTrn.Of(person.Trn, person.TrnVerified);
        var applications = await session.Query<ApplicationView>()
            .Where(a => a.ParticipantId == participantId || (trn != null && a.TeacherReferenceNumberValidated && a.TeacherReferenceNumber == trn))
            .Select(a => new FundingSnapshot(a.Id, a.CourseIdentifier, a.Status, a.EligibleForFundingRaw, a.FundedPlace))
            .ToListAsync(cancellationToken);
        return person.Known ? applications : [];
    }
}
