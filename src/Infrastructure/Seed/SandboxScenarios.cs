using Mediator;
using Npq.Application.Common;
using Npq.Application.NpqApplications.DfeOperations;
using Npq.Application.Participants.ChangePersonDetails;
using Npq.Application.Participants.ChangeTrainingStatus;
using Npq.Application.ReferenceData;
using Npq.Application.Registration.RegisterApplication;
using Npq.Domain.Courses;

namespace Npq.Infrastructure.Seed;

/// <summary>
/// The sandbox's people and applications per provider (CONTRACT B6): participants with one
/// application, and participants with applications for the same course at two providers. Names,
/// answers and ids are fixed, so every sandbox looks the same.
/// </summary>
public static class SandboxScenarios
{
    private static readonly string[] GivenNames = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hugo", "Isla", "Jamal"];
    private static readonly string[] FamilyNames = ["Khan", "Smith", "Jones", "Patel", "Taylor", "Brown", "Williams", "Evans", "Ahmed", "Wilson"];
    private static readonly string[] Schools = ["100001", "100002", "100003", "100007", "100008"];

    public static IEnumerable<RegisterApplication> Registrations(IReadOnlyList<LeadProvider> providers)
    {
        for (var p = 0; p < providers.Count; p++)
        {
            var provider = providers[p];
            var courses = provider.OfferedCourses
                .Where(c => Courses.Find(c) is { ShownInRegistration: true, Group: not CourseGroup.Ehco })
                .ToList();

            // Five people with one pending application each.
            for (var i = 0; i < 5; i++)
            {
                var key = $"seed:{provider.Slug}:single:{i}";
                yield return Registration(key, provider, courses[i % courses.Count], Person(p, i), Schools[i % Schools.Length], trnSeed: (p * 10) + i);
            }

            // Two more accepted below, for DfE's operations: one registered without a TRN, one to revert.
            yield return Registration($"seed:{provider.Slug}:trn-later", provider, courses[0], Person(p, 5), Schools[0], trnSeed: null);
            yield return Registration($"seed:{provider.Slug}:reverted", provider, courses[1 % courses.Count], Person(p, 6), Schools[1], trnSeed: (p * 10) + 6);

            // One person with the same course at this provider and at the next one.
            var other = providers[(p + 1) % providers.Count];
            var shared = courses.FirstOrDefault(other.OfferedCourses.Contains);
            if (shared is null)
                continue;
            var person = Person(p, 7);
            var sharedKey = $"seed:{provider.Slug}:multiple";
            var first = Registration($"{sharedKey}:0", provider, shared, person, "100001", trnSeed: (p * 10) + 7);
            yield return first;
            yield return Registration($"{sharedKey}:1", other, shared, person, "100001", trnSeed: null) with
            {
                ParticipantId = first.NewParticipantId!.Value.ToString(),
                NewParticipantId = null,
                Email = first.Email, // the same person proves it with their email and date of birth
            };
        }
    }

    /// <summary>A provider's decision in the sandbox: accept (with a funded place) or reject.</summary>
    public sealed record Decision(Guid LeadProviderId, Guid ApplicationId, bool Accept);

    /// <summary>
    /// Per provider: the first single application accepted, the second rejected, and the shared
    /// person's application accepted here, which rejects their application at the next provider.
    /// </summary>
    public static IEnumerable<Decision> Decisions(IReadOnlyList<LeadProvider> providers)
    {
        foreach (var provider in providers)
        {
            yield return new Decision(provider.Id, ApplicationId($"seed:{provider.Slug}:single:0"), Accept: true);
            yield return new Decision(provider.Id, ApplicationId($"seed:{provider.Slug}:single:1"), Accept: false);
            yield return new Decision(provider.Id, ApplicationId($"seed:{provider.Slug}:multiple:0"), Accept: true);
            yield return new Decision(provider.Id, ApplicationId($"seed:{provider.Slug}:trn-later"), Accept: true);
            yield return new Decision(provider.Id, ApplicationId($"seed:{provider.Slug}:reverted"), Accept: true);
        }
    }

    /// <summary>
    /// Per provider, DfE's operations that make the states providers meet in the reference (issue 26),
    /// on the scenarios' people: an email blanked (a later participant uses it), a name changed
    /// (previous names), a registration rejected as expired, funding eligibility decided by policy,
    /// a TRN verified after accept, an accepted application reverted to pending, one moved to another
    /// cohort of the same funding (Sandbox's 2025b), one deferred by DfE. Each command refuses a
    /// repeat, so a second run changes nothing.
    /// </summary>
    public static IEnumerable<IBaseCommand> DfeOperations(IReadOnlyList<LeadProvider> providers, bool hasAutumn2025)
    {
        for (var p = 0; p < providers.Count; p++)
        {
            var provider = providers[p];
            var singles = Enumerable.Range(0, 5).Select(i => ApplicationId($"seed:{provider.Slug}:single:{i}")).ToList();
            yield return new ChangeParticipantEmail(Caller.System, Participant($"seed:{provider.Slug}:single:2"), null);
            yield return new ChangeParticipantName(Caller.System, Participant($"seed:{provider.Slug}:single:3"), $"{Person(p, 3).Given} {Person(p, 3).Family}-Smith");
            yield return new OverrideFundingEligibility(Caller.System, singles[3], EligibleForFunding: true);
            yield return new RejectExpiredApplications(Caller.System, [singles[4]]);
            yield return new VerifyParticipantTrn(Caller.System, Participant($"seed:{provider.Slug}:trn-later"), $"{9_980_000 + p}");
            yield return new RevertApplicationToPending(Caller.System, ApplicationId($"seed:{provider.Slug}:reverted"));
            if (hasAutumn2025)
                yield return new ChangeApplicationCohort(Caller.System, singles[0], "2025b");
            yield return new ChangeTrainingStatusForProvider(Caller.System, DeterministicGuid.From($"seed:{provider.Slug}:declaration:eligible:application"),
                TrainingAction.Defer, "parental-leave");
        }
    }

    private static Guid Participant(string key) => DeterministicGuid.From($"{key}:participant");

    private static Guid ApplicationId(string key) => DeterministicGuid.From($"{key}:application");

    private static (string Given, string Family) Person(int provider, int index) =>
        (GivenNames[(provider + index) % GivenNames.Length], FamilyNames[((provider * 3) + index) % FamilyNames.Length]);

    private static RegisterApplication Registration(string key, LeadProvider provider, string course, (string Given, string Family) person, string schoolUrn, int? trnSeed) =>
        new()
        {
            Caller = Caller.System,
            ApplicationId = ApplicationId(key),
            NewParticipantId = DeterministicGuid.From($"{key}:participant"),
            FullName = $"{person.Given} {person.Family}",
            Email = $"{person.Given}.{person.Family}.{DeterministicGuid.From(key).ToString("N")[..6]}@example.com".ToLowerInvariant(),
            DateOfBirth = "1985-06-15",
            TeacherReferenceNumber = trnSeed is { } seed ? $"{9_990_000 + seed}" : null,
            CourseIdentifier = course,
            LeadProviderId = provider.Id.ToString(),
            TeacherCatchment = "england",
            WorkSetting = "a_school",
            SchoolUrn = schoolUrn,
            FundingChoice = "school",
            WorksAsSenco = course == Courses.Senco ? "yes" : null,
            SencoStartDate = course == Courses.Senco ? "2023-09" : null,
        };
}
