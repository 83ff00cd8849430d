using Npq.Application.NpqApplications;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;

namespace Npq.UnitTests.NpqApplications;

/// <summary>The projection is a pure function of the events: batches and a full replay agree.</summary>
public sealed class ParticipantApplicationsProjectorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Person = Guid.NewGuid();

    private static ParticipantRegistered Registered(DateTimeOffset at) =>
        new(Person, "Jo Bloggs", "jo@example.com", "1234567", true, new DateOnly(1980, 1, 1), null, at);

    private static ApplicationRegistered Application(Guid id, DateTimeOffset at, string course = "npq-headship") =>
        new(id, Person, Guid.NewGuid(), course, 2025, "a",
            new RegistrationAnswers(true, "United Kingdom of Great Britain and Northern Ireland", "GBR", "a_school", true, false, null,
                "100001", "10000001", null, null, null, null, false, null, false, null, null, null, null),
            EligibleForFunding: true, "funded", false, "1234567", at);

    [Fact]
    public void A_registration_creates_a_view_with_the_persons_identity_facts()
    {
        var id = Guid.NewGuid();
        var projector = new ParticipantApplicationsProjector([], []);

        projector.Apply(Person, Registered(T0));
        projector.Apply(id, Application(id, T0));

        var view = projector.Applications.Single();
        view.FullName.ShouldBe("Jo Bloggs");
        view.TeacherReferenceNumberValidated.ShouldBeTrue();
        view.Status.ShouldBe(ApplicationStatus.Pending);
        view.EligibleForFunding.ShouldBeTrue();
        view.IneligibleForFundingReason.ShouldBeNull();
        view.CreatedAt.ShouldBe(T0);
        view.UpdatedAt.ShouldBe(T0);
        projector.Participants.Single().ApplicationIds.ShouldBe([id]);
    }

    [Fact]
    public void A_later_application_does_not_move_the_earlier_applications_updated_at()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var projector = new ParticipantApplicationsProjector([], []);

        projector.Apply(Person, Registered(T0));
        projector.Apply(first, Application(first, T0));
        projector.Apply(second, Application(second, T0.AddHours(1), "npq-senior-leadership"));

        projector.Applications.Single(a => a.Id == first).UpdatedAt.ShouldBe(T0);
        projector.Participants.Single().UpdatedAt.ShouldBe(T0.AddHours(1));
    }

    [Fact]
    public void Applying_in_two_batches_equals_a_full_replay()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var events = new (Guid Stream, object Data)[]
        {
            (Person, Registered(T0)),
            (first, Application(first, T0)),
            (second, Application(second, T0.AddDays(1), "npq-senco")),
        };

        var replay = new ParticipantApplicationsProjector([], []);
        foreach (var (stream, data) in events)
            replay.Apply(stream, data);

        var batch1 = new ParticipantApplicationsProjector([], []);
        foreach (var (stream, data) in events[..2])
            batch1.Apply(stream, data);
        var batch2 = new ParticipantApplicationsProjector(
            batch1.Participants.Select(Copy), batch1.Applications.Select(Copy));
        batch2.Apply(events[2].Stream, events[2].Data);

        Describe(batch2.Applications).ShouldBe(Describe(replay.Applications));
        batch2.Participants.Single().UpdatedAt.ShouldBe(replay.Participants.Single().UpdatedAt);
        batch2.ChangedApplications.Select(a => a.Id).ShouldContain(second);
    }

    private static string Describe(IEnumerable<ApplicationView> views) =>
        string.Join("\n", views.OrderBy(v => v.Id).Select(v => System.Text.Json.JsonSerializer.Serialize(v)));

    private static T Copy<T>(T value) =>
        System.Text.Json.JsonSerializer.Deserialize<T>(System.Text.Json.JsonSerializer.Serialize(value))!;
}
