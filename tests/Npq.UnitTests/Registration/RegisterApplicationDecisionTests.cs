using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;
using Npq.Domain.Registration;
using static Npq.Domain.Courses.Courses;

namespace Npq.UnitTests.Registration;

/// <summary>
/// CONTRACT §6 and B5 in Given / When / Then: given the facts the handler gathered (reference data,
/// the person, their applications), when someone registers with these answers, then exactly these
/// events, or these errors in the contract's order and no event.
/// </summary>
public sealed class RegisterApplicationDecisionTests
{
    private static readonly DateTimeOffset Now = new(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid ApplicationId = Guid.NewGuid();
    private static readonly Guid PersonId = Guid.NewGuid();
    private static readonly RegistrationProvider Provider = new(Guid.NewGuid(), "Ambition Institute", [Headship, Senco, EarlyHeadshipCoachingOffer]);
    private static readonly RegistrationSchool FundedSchool = new("100000", "10000001", new SchoolFacts(true, true, false, false));
    private static readonly RegistrationPerson.Newcomer Newcomer =
        new(PersonId, "Ada Lovelace", "ada@example.org", "1234567", true, new DateOnly(1980, 12, 10), null);

    private static RegistrationRequest Answers(string course = Headship) => new(
        course, "england", Countries.Find("England")!, WorkSettings.ASchool, KindOfNursery: null, SchoolUrn: "100000",
        PrivateChildcareProviderUrn: null, EmploymentType: null, EmploymentRole: null, EmployerName: null, LeadMentor: false,
        IttProviderName: null, ReferredByReturnToTeachingAdviser: false, EhcoHeadteacher: false, EhcoNewHeadteacher: false,
        WorksAsSenco: null, SencoStartDate: null, FundingChoice: null, TeacherReferenceNumber: "1234567");

    private static RegistrationContext Given(
        RegistrationPerson? person = null, RegistrationSchool? school = null, RegistrationProvider? provider = null,
        RegistrationCohort? cohort = null, params FundingSnapshot[] personsApplications) =>
        new(provider ?? Provider, cohort ?? new RegistrationCohort(2025, "a"), school ?? FundedSchool, Childcare: null, IttProvider: null,
            person ?? Newcomer, personsApplications, MaxApplicationsPerPerson: 30, ApplicationId, Now);

    private static void ThenRefused(RegistrationResult result, params string[] titles)
    {
        result.Outcome.ShouldBeNull("a refused registration causes no event");
        result.Errors.Select(e => e.Title).ShouldBe(titles);
    }

    [Fact]
    public void A_newcomer_at_a_funded_school_gets_a_person_and_a_funded_application()
    {
        var result = RegisterApplicationDecision.Decide(Answers(), Given());

        result.Errors.ShouldBeEmpty();
        result.Outcome!.NewParticipant.ShouldBe(new ParticipantRegistered(
            PersonId, "Ada Lovelace", "ada@example.org", "1234567", true, new DateOnly(1980, 12, 10), null, Now));
        var registered = result.Outcome.Application;
        registered.ApplicationId.ShouldBe(ApplicationId);
        registered.ParticipantId.ShouldBe(PersonId);
        registered.LeadProviderId.ShouldBe(Provider.Id);
        (registered.Cohort, registered.CohortSuffix).ShouldBe((2025, "a"));
        (registered.EligibleForFunding, registered.FundingEligibilityStatusCode).ShouldBe((true, FundingStatusCodes.Funded));
        registered.Answers.SchoolUrn.ShouldBe("100000");
        registered.Answers.SchoolUkprn.ShouldBe("10000001");
        registered.Answers.HeadteacherStatus.ShouldBeNull("asked only for the coaching offer");
        registered.TeacherReferenceNumberAtSubmission.ShouldBe("1234567");
    }

    [Fact]
    public void A_known_person_gets_only_an_application()
    {
        var result = RegisterApplicationDecision.Decide(Answers(), Given(new RegistrationPerson.Existing(PersonId, true, 2, "ada@example.org")));

        result.Outcome!.NewParticipant.ShouldBeNull();
        result.Outcome.Application.ParticipantId.ShouldBe(PersonId);
    }

    [Fact]
    public void Every_reference_failure_is_told_together_in_the_contracts_order()
    {
        var result = RegisterApplicationDecision.Decide(
            Answers() with { PrivateChildcareProviderUrn = "EY1", LeadMentor = true, IttProviderName = "Nowhere SCITT" },
            Given(provider: Provider with { OfferedCourses = [Senco] }) with { Cohort = null, School = null });

        ThenRefused(result, "lead_provider_id", "cohort", "school_urn", "private_childcare_provider_urn", "itt_provider");
        result.Errors[0].Detail.ShouldBe("Ambition Institute does not offer npq-headship");
        result.Errors[2].Detail.ShouldBe("No school has the URN 100000");
    }

    [Fact]
    public void A_course_before_its_first_cohort_is_refused()
    {
        ThenRefused(RegisterApplicationDecision.Decide(Answers(Senco), Given(cohort: new RegistrationCohort(2023, "a"))), "course_identifier");
    }

    [Fact]
    public void A_participant_id_that_did_not_match_is_told_only_after_the_reference_checks_and_counts_as_a_failed_attempt()
    {
        var stranger = new RegistrationPerson.Existing(PersonId, Matched: false, 0, "");

        var withOtherErrors = RegisterApplicationDecision.Decide(Answers(), Given(stranger) with { Cohort = null });
        ThenRefused(withOtherErrors, "cohort");
        withOtherErrors.FailedAttach.ShouldBeFalse();

        var alone = RegisterApplicationDecision.Decide(Answers(), Given(stranger));
        ThenRefused(alone, "participant_id");
        alone.FailedAttach.ShouldBeTrue();
    }

    [Fact]
    public void A_person_at_the_cap_is_refused()
    {
        var result = RegisterApplicationDecision.Decide(Answers(), Given(new RegistrationPerson.Existing(PersonId, true, 30, "ada@example.org")));

        ThenRefused(result, "participant_id");
        result.Errors[0].Detail.ShouldBe("This participant already has 30 applications, the most one person can hold");
    }

    [Fact]
    public void A_funded_accepted_place_in_the_family_makes_the_new_application_previously_funded_and_asks_how_it_is_paid_for()
    {
        var funded = new FundingSnapshot(Guid.NewGuid(), Headship, ApplicationStatus.Accepted, EligibleForFunding: true, FundedPlace: true);

        var refused = RegisterApplicationDecision.Decide(Answers(), Given(personsApplications: funded));
        ThenRefused(refused, "funding_choice");

        var paid = RegisterApplicationDecision.Decide(Answers() with { FundingChoice = "school" }, Given(personsApplications: funded));
        paid.Outcome!.Application.FundingEligibilityStatusCode.ShouldBe(FundingStatusCodes.PreviouslyFunded);
        paid.Outcome.Application.Answers.FundingChoice.ShouldBe("school");
    }

    [Theory]
    [InlineData(ApplicationStatus.Pending, true, true)]
    [InlineData(ApplicationStatus.Accepted, false, true)]
    [InlineData(ApplicationStatus.Accepted, true, false)]
    public void A_place_that_is_not_accepted_funded_and_eligible_does_not_count(ApplicationStatus status, bool eligible, bool fundedPlace)
    {
        var other = new FundingSnapshot(Guid.NewGuid(), Headship, status, eligible, fundedPlace);

        var result = RegisterApplicationDecision.Decide(Answers(), Given(personsApplications: other));

        result.Outcome!.Application.EligibleForFunding.ShouldBeTrue();
    }

    [Fact]
    public void A_registration_in_a_zero_funded_cohort_is_unfunded_with_no_funded_place()
    {
        var result = RegisterApplicationDecision.Decide(Answers() with { FundingChoice = "school" },
            Given(cohort: new RegistrationCohort(2026, "a", Funded: false)));

        var registered = result.Outcome!.Application;
        (registered.EligibleForFunding, registered.FundingEligibilityStatusCode).ShouldBe((false, FundingStatusCodes.UnfundedCohort));
        registered.FundedPlace.ShouldBe(false);
        RegisterApplicationDecision.Decide(Answers(), Given()).Outcome!.Application.FundedPlace.ShouldBeNull("a funded cohort decides the place at accept");
    }

    [Fact]
    public void A_choice_of_funding_open_only_to_schools_is_refused_outside_them()
    {
        var request = Answers() with { WorkSetting = WorkSettings.Other, SchoolUrn = null, FundingChoice = "school" };

        var result = RegisterApplicationDecision.Decide(request, Given() with { School = null });

        ThenRefused(result, "funding_choice");
        result.Errors[0].Detail.ShouldBe("'school' is only available to schools and trusts in England");
    }

    [Fact]
    public void The_coaching_offer_records_the_headteacher_status_and_funds_only_new_headteachers()
    {
        var request = Answers(EarlyHeadshipCoachingOffer) with { EhcoHeadteacher = true, EhcoNewHeadteacher = true };

        var registered = RegisterApplicationDecision.Decide(request, Given()).Outcome!.Application;

        registered.Answers.HeadteacherStatus.ShouldBe(HeadteacherStatuses.YesInFirstFiveYears);
        registered.EligibleForFunding.ShouldBeTrue();
    }

    [Fact]
    public void Answers_that_do_not_apply_to_the_setting_are_not_stored()
    {
        var request = Answers() with { EmploymentRole = "Head of year", EmployerName = "A trust", WorksAsSenco = "yes", SencoStartDate = new DateOnly(2020, 1, 1) };

        var answers = RegisterApplicationDecision.Decide(request, Given()).Outcome!.Application.Answers;

        (answers.EmploymentRole, answers.EmployerName, answers.WorksAsSenco, answers.SencoStartDate).ShouldBe((null, null, null, null));
    }
}
