using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Domain.NpqApplications;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Decisions;

/// <summary>Accept (CONTRACT §3.1) through every version: scenarios 11–15 and every error title.</summary>
[Collection(ApiTests.Name)]
public sealed class AcceptApplicationTests(ApiFixture fixture)
{
    public static TheoryData<string> Versions => new() { "v1", "v2", "v3" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario11_a_capped_cohort_needs_a_boolean_funded_place(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2024");

        (await provider.AcceptAsync(application.Id, version)).ShouldBeUnprocessable().ShouldBe(["funded_place"]);
        (await provider.AcceptAsync(application.Id, version, new JsonObject { ["funded_place"] = "true" }))
            .ShouldBeUnprocessable().ShouldBe(["funded_place"]);
        (await provider.AcceptAsync(application.Id, version, new JsonObject { ["funded_place"] = null }))
            .ShouldBeUnprocessable().ShouldBe(["funded_place"]);

        var accepted = (await provider.AcceptAsync(application.Id, version, new JsonObject { ["funded_place"] = true })).ShouldBeOk();
        accepted.GetProperty("status").GetString().ShouldBe("accepted");
        accepted.GetProperty("funded_place").GetBoolean().ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario12_an_ineligible_application_cannot_get_a_funded_place(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a =>
        {
            a["cohort"] = "2025";
            a["school_urn"] = "100004"; // ineligible establishment
            a["funding_choice"] = "self";
        });

        (await provider.AcceptAsync(application.Id, version, new JsonObject { ["funded_place"] = true }))
            .ShouldBeUnprocessable().ShouldBe(["application"]);

        var accepted = (await provider.AcceptAsync(application.Id, version, new JsonObject { ["funded_place"] = false })).ShouldBeOk();
        accepted.GetProperty("funded_place").GetBoolean().ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario13_accepting_rejects_the_persons_other_applications_for_the_course_and_cohort(string version)
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var atA = await a.RegisterAsync(r => r["cohort"] = "2025");
        var atB = await b.RegisterAsync(r =>
        {
            r["cohort"] = "2025";
            r.AsPersonOf(atA);
        });
        var otherCourse = await b.RegisterAsync(r =>
        {
            r["cohort"] = "2025";
            r.AsPersonOf(atA);
            r["course_identifier"] = "npq-headship";
        });
        var beforeB = (await b.GetAsync($"/api/v3/npq-applications/{otherCourse.Id}")).Body.GetProperty("data").GetProperty("attributes").GetProperty("updated_at").GetString();

        var accepted = (await a.AcceptAsync(atA.Id, version, new JsonObject { ["funded_place"] = true }, serverDate: DateTimeOffset.UtcNow.AddMinutes(5))).ShouldBeOk();

        accepted.GetProperty("status").GetString().ShouldBe("accepted");
        var atAv3 = (await a.GetAsync($"/api/v3/npq-applications/{atA.Id}")).ShouldBeOk();
        atAv3.GetProperty("schedule_identifier").GetString().ShouldStartWith("npq-leadership-");
        atAv3.GetProperty("reason_for_rejection").ValueKind.ShouldBe(JsonValueKind.Null);

        var seenByB = (await b.GetAsync($"/api/v3/npq-applications/{atB.Id}")).ShouldBeOk();
        seenByB.GetProperty("status").GetString().ShouldBe("rejected");
        seenByB.GetProperty("reason_for_rejection").GetString().ShouldBe("other_application_in_this_cohort_accepted");
        (await b.GetAsync($"/api/{version}/npq-applications/{atB.Id}")).ShouldBeOk().GetProperty("status").GetString().ShouldBe("rejected");

        // Another course is untouched, but its updated_at moves: the person changed significantly (§1.11).
        var other = (await b.GetAsync($"/api/v3/npq-applications/{otherCourse.Id}")).ShouldBeOk();
        other.GetProperty("status").GetString().ShouldBe("pending");
        other.GetProperty("updated_at").GetString().ShouldNotBe(beforeB);
        other.GetProperty("updated_at").GetString().ShouldBe(accepted.GetProperty("updated_at").GetString());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario14_accepting_twice_or_after_a_rejection_is_refused(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");
        (await provider.AcceptAsync(application.Id, version)).ShouldBeOk();

        (await provider.AcceptAsync(application.Id, version)).ShouldBeUnprocessable().ShouldBe(["application"]);

        var rejected = await provider.RegisterAsync(a => a["cohort"] = "2023");
        (await provider.RejectAsync(rejected.Id, version)).ShouldBeOk();
        (await provider.AcceptAsync(rejected.Id, version)).ShouldBeUnprocessable().ShouldBe(["application"]);
    }

    [Fact]
    public async Task Scenario15_a_schedule_of_another_course_group_or_cohort_is_refused()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");

        (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["schedule_identifier"] = "npq-ehco-november" }))
            .ShouldBeUnprocessable().ShouldBe(["schedule_identifier"]);
        (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["schedule_identifier"] = "no-such-schedule" }))
            .ShouldBeUnprocessable().ShouldBe(["schedule_identifier"]);

        var accepted = (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["schedule_identifier"] = "npq-leadership-spring" })).ShouldBeOk();
        accepted.GetProperty("schedule_identifier").GetString().ShouldBe("npq-leadership-spring");
        accepted.GetProperty("funded_place").ValueKind.ShouldBe(JsonValueKind.Null, "uncapped cohorts ignore funded_place");
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task V1_and_v2_ignore_the_schedule_identifier(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");

        (await provider.AcceptAsync(application.Id, version, new JsonObject { ["schedule_identifier"] = "no-such-schedule" })).ShouldBeOk();
    }

    [Fact]
    public async Task A_zero_funded_cohort_needs_funded_place_false()
    {
        var provider = await fixture.NewLeadProviderAsync();
        // Nobody is eligible for funding in a zero-funded cohort, so the applicant says how it is paid for (§6).
        var application = await provider.RegisterAsync(a => { a["cohort"] = "2026a"; a["funding_choice"] = "self"; });

        (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["funded_place"] = true }))
            .ShouldBeUnprocessable().ShouldBe(["funded_place"]);

        var accepted = (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["funded_place"] = false })).ShouldBeOk();
        accepted.GetProperty("funded_place").GetBoolean().ShouldBeFalse();
        accepted.GetProperty("cohort_suffix").GetString().ShouldBe("a");
    }

    [Fact]
    public async Task Without_a_default_schedule_in_the_cohort_the_error_is_schedule()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2024");

        // In January the default is a spring schedule, and cohort 2024 has none (§4.3).
        var result = await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["funded_place"] = false },
            serverDate: new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));

        result.ShouldBeUnprocessable().ShouldBe(["schedule"]);
    }

    [Fact]
    public async Task Errors_that_do_not_depend_on_each_other_come_together()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2025");
        (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["funded_place"] = true })).ShouldBeOk();

        var titles = (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["schedule_identifier"] = "no-such-schedule" })).ShouldBeUnprocessable();

        titles.ShouldBe(["funded_place", "application", "schedule_identifier"]);
    }

    [Fact]
    public async Task Another_person_with_the_same_verified_trn_blocks_the_course_family_in_the_cohort()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var trn = ApiFixture.NextTrn();
        var first = await a.RegisterAsync(r => { r["cohort"] = "2023"; r["teacher_reference_number"] = trn; });
        var second = await b.RegisterAsync(r => { r["cohort"] = "2023"; r["teacher_reference_number"] = trn; });
        var otherCohort = await b.RegisterAsync(r => { r["cohort"] = "2022"; r["teacher_reference_number"] = trn; });
        second.ParticipantId.ShouldNotBe(first.ParticipantId);

        (await a.AcceptAsync(first.Id)).ShouldBeOk();

        (await b.AcceptAsync(second.Id)).ShouldBeUnprocessable().ShouldBe(["application"]);
        (await b.GetAsync($"/api/v3/npq-applications/{second.Id}")).ShouldBeOk().GetProperty("status").GetString()
            .ShouldBe("pending", "auto-rejection touches only the same person's applications");
        (await b.AcceptAsync(otherCohort.Id)).ShouldBeOk();
    }

    [Fact]
    public async Task Ehco_gets_an_ehco_default_schedule_and_one_accepted_event()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var ehco = await provider.RegisterAsync(r =>
        {
            r["cohort"] = "2023";
            r["course_identifier"] = "npq-early-headship-coaching-offer";
            r["ehco_headteacher"] = "yes";
            r["ehco_new_headteacher"] = "yes";
        });
        (await provider.AcceptAsync(ehco.Id)).ShouldBeOk().GetProperty("schedule_identifier").GetString()!.ShouldStartWith("npq-ehco-");

        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(ehco.Id);
        events.Select(e => e.Data.GetType()).ShouldBe([typeof(ApplicationRegistered), typeof(ApplicationAccepted)]);
    }

    [Fact]
    public async Task A_body_with_data_but_no_attributes_is_a_400()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");

        var result = await provider.SendAsync(HttpMethod.Post, $"/api/v3/npq-applications/{application.Id}/accept", rawBody: """{"data":{"type":"x"}}""");

        result.Status.ShouldBe(HttpStatusCode.BadRequest);
        (await provider.SendAsync(HttpMethod.Post, $"/api/v3/npq-applications/{application.Id}/accept", rawBody: """{"data":{"attributes":{}}}"""))
            .Status.ShouldBe(HttpStatusCode.BadRequest);
        (await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOk().GetProperty("status").GetString().ShouldBe("pending");
    }

    [Fact]
    public async Task Another_providers_application_is_404_for_every_action()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var theirs = await b.RegisterAsync(r => r["cohort"] = "2023");

        (await a.AcceptAsync(theirs.Id)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await a.RejectAsync(theirs.Id)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await a.ChangeFundedPlaceAsync(theirs.Id, new JsonObject { ["funded_place"] = true })).Status.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetAsync($"/api/v3/npq-applications/{theirs.Id}")).ShouldBeOk().GetProperty("status").GetString().ShouldBe("pending");
    }
}
