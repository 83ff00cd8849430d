using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Participants;

/// <summary>Participants (§2.5, §3.4–§3.6): scenarios 10, 24, 25 and every title, in every version they apply to.</summary>
[Collection(ApiTests.Name)]
public sealed class ParticipantTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private const string InSchedule = "2023-11-01T10:00:00Z";

    public static TheoryData<string> Versions => new() { "v1", "v2", "v3" };

    /// <summary>A provider with an open statement for 2023 and one accepted 2023 participant.</summary>
    private async Task<(TestProvider Provider, RegisteredApplication Application)> AcceptedAsync(string cohort = "2023")
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync(cohort, Today.AddDays(30));
        return (provider, await provider.AcceptedApplicationAsync(cohort));
    }

    private static JsonObject Attrs(string course = "npq-senior-leadership", string? reason = null)
    {
        var attributes = new JsonObject { ["course_identifier"] = course };
        if (reason is not null)
            attributes["reason"] = reason;
        return attributes;
    }

    [Fact]
    public async Task Scenario10_an_unknown_training_status_filter_is_unpermitted()
    {
        var (provider, _) = await AcceptedAsync();

        var result = await provider.GetAsync("/api/v3/participants/npq?filter[training_status]=foo");

        result.ShouldBeUnprocessable().ShouldBe(["Unpermitted parameters"]);
        (await provider.GetAsync("/api/v3/participants/npq?filter[training_status]=active")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
        (await provider.GetAsync("/api/v3/participants/npq?filter[training_status]=deferred")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario24_withdraw_needs_a_started_declaration_blocks_later_declarations_and_resume_reactivates(string version)
    {
        var (provider, application) = await AcceptedAsync();
        var path = $"/api/{version}/participants/npq/{application.ParticipantId}";

        (await provider.SendAsync(HttpMethod.Put, $"{path}/withdraw", Attrs(reason: "other"))).ShouldBeUnprocessable().ShouldBe(["participant_id"]);
        (await provider.DeclareAsync(application, "started", InSchedule, version)).ShouldBeOk();

        var withdrawn = (await provider.SendAsync(HttpMethod.Put, $"{path}/withdraw", Attrs(reason: "other"))).ShouldBeOk();
        Enrolment(withdrawn, version)?.GetProperty("training_status").GetString().ShouldBe("withdrawn");
        if (version == "v3")
        {
            var enrolment = Enrolment(withdrawn, version)!.Value;
            enrolment.GetProperty("withdrawal").GetProperty("reason").GetString().ShouldBe("other");
            enrolment.GetProperty("withdrawal").GetProperty("date").GetString().ShouldNotBeNull();
            enrolment.GetProperty("deferral").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        var now = DateTime.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        await Task.Delay(1100);
        (await provider.DeclareAsync(application, "retained-1", now, version)).ShouldBeUnprocessable().ShouldBe(["participant_id"]);
        (await provider.DeclareAsync(application, "retained-1", "2023-12-01T10:00:00Z", version)).ShouldBeOk(); // dated before the withdrawal
        (await provider.SendAsync(HttpMethod.Put, $"{path}/withdraw", Attrs(reason: "other"))).ShouldBeUnprocessable().ShouldBe(["participant_id"]);

        var resumed = (await provider.SendAsync(HttpMethod.Put, $"{path}/resume", Attrs())).ShouldBeOk();
        Enrolment(resumed, version)?.GetProperty("training_status").GetString().ShouldBe("active");
        (await provider.SendAsync(HttpMethod.Put, $"{path}/resume", Attrs())).ShouldBeUnprocessable().ShouldBe(["participant_id"]);
    }

    [Fact]
    public async Task Defer_rules_and_titles()
    {
        var (provider, application) = await AcceptedAsync();
        var path = $"/api/v3/participants/npq/{application.ParticipantId}";

        (await provider.SendAsync(HttpMethod.Put, $"{path}/defer", Attrs(reason: "parental-leave"))).ShouldBeUnprocessable().ShouldBe(["participant_id"]);
        (await provider.DeclareAsync(application, "started", InSchedule)).ShouldBeOk();
        (await provider.SendAsync(HttpMethod.Put, $"{path}/defer", Attrs(reason: "holiday"))).ShouldBeUnprocessable().ShouldBe(["reason"]);
        (await provider.SendAsync(HttpMethod.Put, $"{path}/defer", Attrs())).ShouldBeUnprocessable().ShouldBe(["reason"]);

        var deferred = (await provider.SendAsync(HttpMethod.Put, $"{path}/defer", Attrs(reason: "parental-leave"))).ShouldBeOk();
        var enrolment = Enrolment(deferred, "v3")!.Value;
        enrolment.GetProperty("training_status").GetString().ShouldBe("deferred");
        enrolment.GetProperty("deferral").GetProperty("reason").GetString().ShouldBe("parental-leave");
        (await provider.SendAsync(HttpMethod.Put, $"{path}/defer", Attrs(reason: "parental-leave"))).ShouldBeUnprocessable().ShouldBe(["participant_id"]);
        (await provider.GetAsync("/api/v3/participants/npq?filter[training_status]=deferred")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);

        (await provider.SendAsync(HttpMethod.Put, $"{path}/withdraw", Attrs(reason: "other"))).ShouldBeOk();
        (await provider.SendAsync(HttpMethod.Put, $"{path}/defer", Attrs(reason: "parental-leave"))).ShouldBeUnprocessable().ShouldBe(["participant_id"]);
    }

    [Fact]
    public async Task Withdrawal_reasons_depend_on_the_version_and_common_checks_apply()
    {
        var (provider, application) = await AcceptedAsync();
        (await provider.DeclareAsync(application, "started", InSchedule)).ShouldBeOk();
        var id = application.ParticipantId;

        (await provider.SendAsync(HttpMethod.Put, $"/api/v1/participants/npq/{id}/withdraw", Attrs(reason: "change-in-career"))).ShouldBeUnprocessable().ShouldBe(["reason"]);
        (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{id}/withdraw", Attrs("npq-no-such", "other"))).ShouldBeUnprocessable().ShouldBe(["course_identifier"]);
        (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{id}/withdraw", Attrs("npq-headship", "other"))).ShouldBeUnprocessable().ShouldBe(["participant_id"]);
        (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{id}/withdraw", rawBody: """{"data":{}}""")).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{Guid.NewGuid()}/withdraw", Attrs(reason: "other"))).Status.ShouldBe(HttpStatusCode.NotFound);
        (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{id}/withdraw", Attrs(reason: "change-in-career"))).ShouldBeOk();
    }

    [Fact]
    public async Task A_training_status_filter_shows_only_the_enrolments_in_that_status_as_the_reference_does()
    {
        var (provider, application) = await AcceptedAsync();
        var second = await provider.AcceptedApplicationAsync("2023", a =>
        {
            a.AsPersonOf(application);
            a["course_identifier"] = "npq-headship";
        });
        second.ParticipantId.ShouldBe(application.ParticipantId);
        (await provider.DeclareAsync(application, "started", InSchedule)).ShouldBeOk();
        (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{application.ParticipantId}/withdraw", Attrs(reason: "other"))).ShouldBeOk();

        List<string?> Courses(JsonElement participant) => participant.GetProperty("attributes").GetProperty("npq_enrolments").EnumerateArray()
            .Select(e => e.GetProperty("course_identifier").GetString()).ToList();
        JsonElement Only(JsonElement body) => body.GetProperty("data").EnumerateArray().Single();

        var all = Only((await provider.GetAsync("/api/v3/participants/npq")).Body);
        Courses(all).OrderBy(c => c).ShouldBe(["npq-headship", "npq-senior-leadership"]);

        var withdrawn = Only((await provider.GetAsync("/api/v3/participants/npq?filter[training_status]=withdrawn")).Body);
        Courses(withdrawn).ShouldBe(["npq-senior-leadership"]);
        var active = Only((await provider.GetAsync("/api/v3/participants/npq?filter[training_status]=active")).Body);
        Courses(active).ShouldBe(["npq-headship"]);

        // updated_at is the latest of what is shown, so never later than the whole record's.
        var allAt = all.GetProperty("attributes").GetProperty("updated_at").GetDateTimeOffset();
        withdrawn.GetProperty("attributes").GetProperty("updated_at").GetDateTimeOffset().ShouldBeLessThanOrEqualTo(allAt);
        active.GetProperty("attributes").GetProperty("updated_at").GetDateTimeOffset().ShouldBeLessThanOrEqualTo(allAt);
    }

    [Fact]
    public async Task A_from_participant_id_filter_shows_only_the_id_changes_from_that_id()
    {
        var (provider, kept) = await AcceptedAsync();
        var first = await provider.AcceptedApplicationAsync("2023", a => a["course_identifier"] = "npq-headship");
        var second = await provider.AcceptedApplicationAsync("2023", a => a["course_identifier"] = "npq-leading-teaching");
        var admin = await fixture.AdminAsync();
        foreach (var merged in new[] { first, second })
        {
            (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{merged.ParticipantId}/change-id",
                new JsonObject { ["to_participant_id"] = kept.ParticipantId.ToString() })).Status.ShouldBe(HttpStatusCode.OK);
        }

        static List<Guid> FromIds(JsonElement participant) => participant.GetProperty("attributes")
            .GetProperty("participant_id_changes").EnumerateArray().Select(c => c.GetProperty("from_participant_id").GetGuid()).ToList();
        List<Guid> From(JsonElement body) => FromIds(body.GetProperty("data").EnumerateArray().Single());

        var whole = (await provider.GetAsync($"/api/v3/participants/npq/{kept.ParticipantId}")).ShouldBeOkBody().GetProperty("data");
        FromIds(whole).OrderBy(id => id).ShouldBe(new[] { first.ParticipantId, second.ParticipantId }.OrderBy(id => id));
        From((await provider.GetAsync($"/api/v3/participants/npq?filter[from_participant_id]={first.ParticipantId}")).Body).ShouldBe([first.ParticipantId]);
        From((await provider.GetAsync($"/api/v3/participants/npq?filter[from_participant_id]={second.ParticipantId}")).Body).ShouldBe([second.ParticipantId]);
    }

    [Fact]
    public async Task A_retired_id_answers_410_with_exactly_the_change_from_it()
    {
        var (provider, middle) = await AcceptedAsync();
        var earlier = await provider.AcceptedApplicationAsync("2023", a => a["course_identifier"] = "npq-headship");
        var admin = await fixture.AdminAsync();
        var last = Guid.NewGuid();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{earlier.ParticipantId}/change-id",
            new JsonObject { ["to_participant_id"] = middle.ParticipantId.ToString() })).Status.ShouldBe(HttpStatusCode.OK);
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{middle.ParticipantId}/change-id",
            new JsonObject { ["to_participant_id"] = last.ToString() })).Status.ShouldBe(HttpStatusCode.OK);

        foreach (var path in new[] { $"/api/v3/participants/npq/{middle.ParticipantId}", $"/api/v3/participants/npq/{middle.ParticipantId}/outcomes" })
        {
            var gone = await provider.GetAsync(path);
            gone.Status.ShouldBe(HttpStatusCode.Gone, path);
            var changes = gone.Body.GetProperty("errors")[0].GetProperty("participant_id_changes").EnumerateArray().ToList();
            changes.Select(c => (c.GetProperty("from_participant_id").GetGuid(), c.GetProperty("to_participant_id").GetGuid()))
                .ShouldBe([(middle.ParticipantId, last)], path);
        }

        // A provider that never had the person learns nothing: the retired id is unknown to it.
        var stranger = await fixture.NewLeadProviderAsync();
        (await stranger.GetAsync($"/api/v3/participants/npq/{middle.ParticipantId}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Chained_merges_keep_every_change_on_the_person_kept()
    {
        var (provider, middle) = await AcceptedAsync();
        var first = await provider.AcceptedApplicationAsync("2023", a => a["course_identifier"] = "npq-headship");
        var admin = await fixture.AdminAsync();
        var last = Guid.NewGuid();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{first.ParticipantId}/change-id",
            new JsonObject { ["to_participant_id"] = middle.ParticipantId.ToString() })).Status.ShouldBe(HttpStatusCode.OK);
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{middle.ParticipantId}/change-id",
            new JsonObject { ["to_participant_id"] = last.ToString() })).Status.ShouldBe(HttpStatusCode.OK);

        static List<(Guid From, Guid To)> Changes(JsonElement participant) => participant.GetProperty("attributes").GetProperty("participant_id_changes")
            .EnumerateArray().Select(c => (c.GetProperty("from_participant_id").GetGuid(), c.GetProperty("to_participant_id").GetGuid())).ToList();

        var kept = (await provider.GetAsync($"/api/v3/participants/npq/{last}")).ShouldBeOkBody().GetProperty("data");
        Changes(kept).ShouldBe([(middle.ParticipantId, last), (first.ParticipantId, middle.ParticipantId)]);

        var found = (await provider.GetAsync($"/api/v3/participants/npq?filter[from_participant_id]={first.ParticipantId}")).Body.GetProperty("data")
            .EnumerateArray().Single();
        found.GetProperty("id").GetGuid().ShouldBe(last);
        Changes(found).ShouldBe([(first.ParticipantId, middle.ParticipantId)]);

        var verifier = fixture.Services.GetRequiredService<Npq.Infrastructure.Audit.ProjectionVerifier>();
        var verified = await verifier.VerifyAsync(CancellationToken.None);
        verified.ReadModels.Where(m => !m.Matches).Select(m => $"{m.Name}: {string.Join(",", m.Divergent)}").ShouldBeEmpty("the views equal a replay of the log");
    }

    [Fact]
    public async Task Scenario25_a_retired_participant_id_is_410_in_v3_and_refused_for_declarations()
    {
        var (provider, application) = await AcceptedAsync();
        var admin = await fixture.AdminAsync();
        var newId = Guid.NewGuid();

        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/change-id", new JsonObject { ["to_participant_id"] = newId.ToString() }))
            .Status.ShouldBe(HttpStatusCode.OK);

        var gone = await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}");
        gone.Status.ShouldBe(HttpStatusCode.Gone);
        var error = gone.Body.GetProperty("errors")[0];
        error.GetProperty("title").GetString().ShouldBe("Participant ID has been changed");
        var change = error.GetProperty("participant_id_changes")[0];
        change.GetProperty("from_participant_id").GetGuid().ShouldBe(application.ParticipantId);
        change.GetProperty("to_participant_id").GetGuid().ShouldBe(newId);
        change.GetProperty("changed_at").GetString().ShouldNotBeNull();
        (await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}/outcomes")).Status.ShouldBe(HttpStatusCode.Gone);
        (await provider.GetAsync($"/api/v1/participants/npq/{application.ParticipantId}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{application.ParticipantId}/defer", Attrs(reason: "other"))).Status.ShouldBe(HttpStatusCode.NotFound);

        (await provider.DeclareAsync(application, "started", InSchedule)).ShouldBeUnprocessable().ShouldBe(["participant_id"]);

        var moved = (await provider.GetAsync($"/api/v3/participants/npq/{newId}")).ShouldBeOk();
        moved.GetProperty("participant_id_changes")[0].GetProperty("from_participant_id").GetGuid().ShouldBe(application.ParticipantId);
        (await provider.GetAsync($"/api/v3/participants/npq?filter[from_participant_id]={application.ParticipantId}")).Body.GetProperty("data")
            .EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ShouldBe([newId]);
        (await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOk().GetProperty("participant_id").GetGuid().ShouldBe(newId);
    }

    [Fact]
    public async Task Each_version_shows_its_own_participant_view()
    {
        var (provider, application) = await AcceptedAsync("2025a");

        var v1 = (await provider.GetAsync($"/api/v1/participants/npq/{application.ParticipantId}")).ShouldBeOk();
        v1.GetProperty("participant_id").GetGuid().ShouldBe(application.ParticipantId);
        v1.GetProperty("npq_courses").EnumerateArray().Select(c => c.GetString()).ShouldBe(["npq-senior-leadership"]);
        v1.GetProperty("funded_places")[0].GetProperty("npq_application_id").GetGuid().ShouldBe(application.Id);
        v1.GetProperty("funded_places")[0].GetProperty("funded_place").GetBoolean().ShouldBeTrue();

        var v2 = (await provider.GetAsync($"/api/v2/participants/npq/{application.ParticipantId}")).ShouldBeOk();
        v2.EnumerateObject().Select(p => p.Name).ShouldBe(["email", "full_name", "teacher_reference_number", "updated_at", "npq_enrolments"]);
        var e2 = v2.GetProperty("npq_enrolments")[0];
        e2.GetProperty("cohort").GetString().ShouldBe("2025");
        e2.GetProperty("training_status").GetString().ShouldBe("active");
        e2.GetProperty("schedule_identifier").GetString()!.ShouldStartWith("npq-leadership-");

        var v3 = (await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).ShouldBeOk();
        v3.TryGetProperty("email", out _).ShouldBeFalse();
        var e3 = v3.GetProperty("npq_enrolments")[0];
        e3.GetProperty("email").GetString().ShouldNotBeNull();
        e3.GetProperty("cohort_suffix").GetString().ShouldBe("a");
        e3.GetProperty("created_at").GetString().ShouldNotBeNull();
        v3.GetProperty("previous_names").GetArrayLength().ShouldBe(0);
        v3.GetProperty("participant_id_changes").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_participant_at_two_providers_is_seen_by_each_with_only_its_enrolments()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var c = await fixture.NewLeadProviderAsync();
        var atA = await a.AcceptedApplicationAsync("2023");
        var atB = await b.RegisterAsync(r => { r["cohort"] = "2023"; r["course_identifier"] = "npq-headship"; r.AsPersonOf(atA); });
        (await b.AcceptAsync(atB.Id)).ShouldBeOk();
        var atC = await c.RegisterAsync(r => { r["cohort"] = "2023"; r["course_identifier"] = "npq-leading-literacy"; r.AsPersonOf(atA); });
        (await c.RejectAsync(atC.Id)).ShouldBeOk();

        foreach (var (provider, course) in new[] { (a, "npq-senior-leadership"), (b, "npq-headship") })
        {
            var view = (await provider.GetAsync($"/api/v3/participants/npq/{atA.ParticipantId}")).ShouldBeOk();
            view.GetProperty("npq_enrolments").EnumerateArray().Select(e => e.GetProperty("course_identifier").GetString()).ShouldBe([course]);
            (await provider.GetAsync("/api/v1/participants/npq")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
        }

        (await c.GetAsync($"/api/v3/participants/npq/{atA.ParticipantId}")).Status.ShouldBe(HttpStatusCode.NotFound, "only a rejected application there");
        (await c.GetAsync("/api/v3/participants/npq")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Updated_since_sees_changes_at_any_provider()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var atA = await a.AcceptedApplicationAsync("2023");
        var since = DateTime.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        await Task.Delay(1100);
        (await a.GetAsync($"/api/v2/participants/npq?filter[updated_since]={since}")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);

        await b.RegisterAsync(r => { r["cohort"] = "2023"; r["course_identifier"] = "npq-headship"; r.AsPersonOf(atA); });

        (await a.GetAsync($"/api/v2/participants/npq?filter[updated_since]={since}")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Change_schedule_moves_the_participant_and_has_its_titles()
    {
        var (provider, application) = await AcceptedAsync();
        var path = $"/api/v3/participants/npq/{application.ParticipantId}/change-schedule";
        JsonObject Body(string? schedule, string? cohort = null)
        {
            var body = Attrs();
            if (schedule is not null)
                body["schedule_identifier"] = schedule;
            if (cohort is not null)
                body["cohort"] = cohort;
            return body;
        }

        var current = (await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOk().GetProperty("schedule_identifier").GetString()!;
        var other = current == "npq-leadership-autumn" ? "npq-leadership-spring" : "npq-leadership-autumn";

        (await provider.SendAsync(HttpMethod.Put, path, Body(null))).ShouldBeUnprocessable().ShouldBe(["schedule_identifier"]);
        (await provider.SendAsync(HttpMethod.Put, path, Body("npq-no-such"))).ShouldBeUnprocessable().ShouldBe(["schedule_identifier"]);
        (await provider.SendAsync(HttpMethod.Put, path, Body(current))).ShouldBeUnprocessable().ShouldBe(["schedule_identifier"]);
        (await provider.SendAsync(HttpMethod.Put, path, Body("npq-ehco-june"))).ShouldBeUnprocessable().ShouldBe(["schedule_identifier"]);
        (await provider.SendAsync(HttpMethod.Put, path, Body(other, "1999"))).ShouldBeUnprocessable().ShouldBe(["cohort"]);
        (await provider.SendAsync(HttpMethod.Put, path, Body(other, "2022"))).ShouldBeUnprocessable().ShouldBe(["cohort"], "no contract for 2022");

        var moved = (await provider.SendAsync(HttpMethod.Put, path, Body(other))).ShouldBeOk();
        moved.GetProperty("npq_enrolments")[0].GetProperty("schedule_identifier").GetString().ShouldBe(other);
        (await provider.SendAsync(HttpMethod.Put, path, Body("npq-leadership-autumn"))).ShouldBeOk();

        // A declaration dated before the spring schedule starts (2024-01-01) would be invalidated by moving there.
        (await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z")).ShouldBeOk();
        (await provider.SendAsync(HttpMethod.Put, path, Body("npq-leadership-spring"))).ShouldBeUnprocessable().ShouldBe(["schedule_identifier"]);
        // And with a live declaration the cohort cannot change.
        (await provider.SendAsync(HttpMethod.Put, path, Body("npq-leadership-autumn", "2024"))).ShouldBeUnprocessable().ShouldContain("cohort");
    }

    [Fact]
    public async Task Moving_from_an_uncapped_to_a_capped_cohort_sets_the_funded_place_and_capped_to_uncapped_is_refused()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", Today.AddDays(30));
        await provider.OpenStatementAsync("2024", Today.AddDays(30));
        var uncapped = await provider.AcceptedApplicationAsync("2023");
        var capped = await provider.AcceptedApplicationAsync("2024");

        var moved = (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{uncapped.ParticipantId}/change-schedule",
            new JsonObject { ["course_identifier"] = "npq-senior-leadership", ["schedule_identifier"] = "npq-leadership-autumn", ["cohort"] = 2024 })).ShouldBeOk();
        var enrolment = moved.GetProperty("npq_enrolments")[0];
        enrolment.GetProperty("cohort").GetString().ShouldBe("2024");
        enrolment.GetProperty("funded_place").GetBoolean().ShouldBeTrue();

        (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{capped.ParticipantId}/change-schedule",
            new JsonObject { ["course_identifier"] = "npq-senior-leadership", ["schedule_identifier"] = "npq-leadership-autumn", ["cohort"] = "2023" }))
            .ShouldBeUnprocessable().ShouldBe(["cohort"]);
    }

    [Fact]
    public async Task The_enrolments_csv_lists_accepted_applications_and_needs_the_suffix()
    {
        var (provider, application) = await AcceptedAsync();
        using var client = provider.Client();

        var lines = (await client.GetStringAsync("/api/v2/npq-enrolments.csv")).TrimEnd('\n').Split('\n');

        lines[0].ShouldBe("participant_id,course_identifier,schedule_identifier,cohort,npq_application_id,eligible_for_funding,training_status,school_urn,funded_place");
        lines[1].ShouldStartWith($"{application.ParticipantId},npq-senior-leadership,npq-leadership-");
        lines[1].ShouldContain($",2023,{application.Id},true,active,100001,");
        (await client.GetAsync("/api/v2/npq-enrolments")).StatusCode.ShouldBe(HttpStatusCode.NotAcceptable);
        (await client.GetAsync("/api/v1/npq-enrolments.csv")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static JsonElement? Enrolment(JsonElement attributes, string version) =>
        version == "v1" ? null : attributes.GetProperty("npq_enrolments")[0];
}
