using Npq.Application.Common;
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
        }
    }

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
