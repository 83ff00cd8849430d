using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Application.ReferenceData;
using Npq.Domain.Cohorts;
using Npq.Infrastructure.Seed;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Contract;

/// <summary>
/// Issue 26: where the reference as it is in 2026 reads a request differently from how this service
/// read it, the reference's reading (its Ruby parsing: <c>split(",")</c>, integer columns, plain
/// comparisons), each row a test that failed before.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class Reference2026Tests(ApiFixture fixture)
{
    private static List<Guid> Ids(JsonElement body) =>
        body.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();

    [Fact]
    public async Task A_participant_id_list_is_split_as_ruby_splits_it_trailing_commas_dropped()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var first = await provider.RegisterAsync();
        await provider.RegisterAsync();

        var trailing = await provider.GetAsync($"/api/v3/npq-applications?filter[participant_id]={first.ParticipantId},");
        trailing.Status.ShouldBe(HttpStatusCode.OK);
        Ids(trailing.Body).ShouldBe([first.Id]);

        var onlyCommas = await provider.GetAsync("/api/v3/npq-applications?filter[participant_id]=,,");
        onlyCommas.Status.ShouldBe(HttpStatusCode.OK);
        Ids(onlyCommas.Body).ShouldBeEmpty();

        foreach (var query in new[] { $",{first.ParticipantId}", $"{first.ParticipantId},,{first.ParticipantId}" })
        {
            var refused = await provider.GetAsync($"/api/v3/npq-applications?filter[participant_id]={query}");
            refused.Status.ShouldBe(HttpStatusCode.BadRequest, query);
        }
    }

    [Fact]
    public async Task A_from_participant_id_that_is_not_an_id_matches_no_participant()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.RegisterAsync();

        var result = await provider.GetAsync("/api/v3/participants/npq?filter[from_participant_id]=not-a-uuid");

        result.Status.ShouldBe(HttpStatusCode.OK);
        Ids(result.Body).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_delivery_partner_cohort_filter_is_read_as_the_reference_reads_an_integer()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var in2025 = await provider.AddDeliveryPartnerAsync("Twenty Twenty-Five Partnership", 2025);
        await provider.AddDeliveryPartnerAsync("Twenty Twenty-Four Trust", 2024);

        foreach (var (filter, expected) in new (string, Guid[])[] { ("2025a", [in2025]), ("2025", [in2025]), (" 2025", [in2025]), ("x2025", []), ("nonsense", []) })
        {
            var result = await provider.GetAsync($"/api/v3/delivery-partners?filter[cohort]={Uri.EscapeDataString(filter)}");
            result.Status.ShouldBe(HttpStatusCode.OK, filter);
            Ids(result.Body).ShouldBe(expected.ToList(), customMessage: filter);
        }
    }

    [Theory]
    [InlineData("v1", "POST", "accept")]
    [InlineData("v3", "POST", "accept")]
    [InlineData("v2", "PUT", "change-funded-place")]
    [InlineData("v3", "PUT", "change-funded-place")]
    public async Task A_write_to_an_unknown_or_foreign_application_is_a_404_before_its_malformed_body_is_read(string version, string method, string action)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var stranger = await fixture.NewLeadProviderAsync();
        var theirs = await stranger.RegisterAsync();

        foreach (var id in new[] { Guid.NewGuid(), theirs.Id })
        {
            var result = await provider.SendAsync(new HttpMethod(method), $"/api/{version}/npq-applications/{id}/{action}", rawBody: "{\"data\":");
            result.Status.ShouldBe(HttpStatusCode.NotFound, $"{version} {action} {id}");
        }

        // The caller's own application still gets the 400 for its malformed body.
        var own = await provider.RegisterAsync();
        (await provider.SendAsync(new HttpMethod(method), $"/api/{version}/npq-applications/{own.Id}/{action}", rawBody: "{\"data\":")).Status
            .ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v3")]
    public async Task Voiding_an_unknown_declaration_with_a_malformed_body_is_a_404(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();

        var result = await provider.SendAsync(HttpMethod.Put, $"/api/{version}/participant-declarations/{Guid.NewGuid()}/void", rawBody: "{\"data\":");

        result.Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task After_a_transfer_the_new_owner_sees_only_its_own_withdrawal()
    {
        var before = await fixture.NewLeadProviderAsync();
        await before.OpenStatementAsync("2023", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var application = await before.AcceptedApplicationAsync("2023");
        var path = $"/api/v3/participants/npq/{application.ParticipantId}";
        JsonObject Attributes(string? reason = null) => reason is null
            ? new() { ["course_identifier"] = "npq-senior-leadership" }
            : new() { ["course_identifier"] = "npq-senior-leadership", ["reason"] = reason };
        (await before.DeclareAsync(application, "started", "2023-11-01T10:00:00Z")).ShouldBeOk();
        (await before.SendAsync(HttpMethod.Put, $"{path}/withdraw", Attributes("other"))).ShouldBeOk();

        var after = await fixture.NewLeadProviderAsync();
        var admin = await fixture.AdminAsync();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{application.Id}/transfer", new JsonObject { ["lead_provider_id"] = after.Id.ToString() }))
            .ShouldBeOk();

        static JsonElement Enrolment(JsonElement body) =>
            body.GetProperty("data").GetProperty("attributes").GetProperty("npq_enrolments").EnumerateArray().Single();
        var seen = Enrolment((await after.GetAsync(path)).ShouldBeOkBody());
        seen.GetProperty("training_status").GetString().ShouldBe("withdrawn");
        seen.GetProperty("withdrawal").ValueKind.ShouldBe(JsonValueKind.Null, "the old owner's reason is not the new owner's");

        (await after.SendAsync(HttpMethod.Put, $"{path}/resume", Attributes())).ShouldBeOk();
        (await after.SendAsync(HttpMethod.Put, $"{path}/withdraw", Attributes("change-in-career"))).ShouldBeOk();
        var own = Enrolment((await after.GetAsync(path)).ShouldBeOkBody());
        own.GetProperty("withdrawal").GetProperty("reason").GetString().ShouldBe("change-in-career");
    }

    [Fact]
    public async Task A_schedule_change_without_a_cohort_looks_in_the_current_start_year_latest_suffix_first()
    {
        // Two capped cohorts of one year, as Sandbox's 2025a and 2025b: the b cohort has only autumn schedules.
        var year = 2030;
        var cohorts = new[] { "a", "b" }.Select(suffix => new Cohort
        {
            Id = $"{year}{suffix}", StartYear = year, Suffix = suffix, Funding = FundingMode.Capped,
            Description = $"Test {suffix}", RegistrationStartDate = new DateOnly(year, 4, 3),
        }).ToArray();
        await using (var session = fixture.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Store(cohorts);
            session.Store(cohorts.SelectMany(ReferenceDataSeed.Schedules).ToArray());
            await session.SaveChangesAsync();
        }

        fixture.Services.GetRequiredService<IReferenceData>().Invalidate();
        var provider = await fixture.NewLeadProviderAsync();
        var deadline = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        await provider.OpenStatementAsync($"{year}a", deadline);
        await provider.OpenStatementAsync($"{year}b", deadline);
        JsonObject Change(string schedule, string? cohort = null)
        {
            var attributes = new JsonObject { ["course_identifier"] = "npq-senior-leadership", ["schedule_identifier"] = schedule };
            if (cohort is not null)
                attributes["cohort"] = cohort;
            return attributes;
        }

        foreach (var (cohort, expectedSuffix) in new (string?, string)[] { (null, "b"), ($"{year}", "b"), ($"{year}a", "a") })
        {
            var application = await provider.RegisterAsync(a => a["cohort"] = $"{year}a");
            (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["funded_place"] = false, ["schedule_identifier"] = "npq-leadership-spring" }))
                .ShouldBeOk();

            var moved = (await provider.SendAsync(HttpMethod.Put, $"/api/v3/participants/npq/{application.ParticipantId}/change-schedule",
                Change("npq-leadership-autumn", cohort))).ShouldBeOk();

            var enrolment = moved.GetProperty("npq_enrolments")[0];
            enrolment.GetProperty("schedule_identifier").GetString().ShouldBe("npq-leadership-autumn");
            enrolment.GetProperty("cohort").GetString().ShouldBe($"{year}");
            enrolment.GetProperty("cohort_suffix").GetString().ShouldBe(expectedSuffix, $"cohort {cohort ?? "(none)"}");
        }
    }

    [Fact]
    public async Task The_cohorts_are_the_references_fixed_list_not_derived_from_the_date()
    {
        var reference = await fixture.Services.GetRequiredService<IReferenceData>().GetAsync(CancellationToken.None);
        var seeded = reference.Cohorts.Where(c => c.StartYear < 2030) // a test of this class adds 2030a and 2030b
            .Select(c => $"{c.Id} {c.Funding} {c.Description}").ToList();

        // The tests run in Sandbox, which adds 2025b (capped, registration from 1 September 2025).
        seeded.ShouldBe([
            "2021a Full 2021 to 2022", "2022a Full 2022 to 2023", "2023a Full 2023 to 2024", "2024a Capped 2024 to 2025",
            "2025a Capped 2025 to 2026", "2025b Capped 2025 Autumn", "2026a Zero Spring 2026", "2026b Capped Autumn 2026",
        ]);
        reference.FindCohortById("2025b")!.RegistrationStartDate.ShouldBe(new DateOnly(2025, 9, 1));
        ReferenceDataSeed.Cohorts(sandbox: false).Select(c => c.Id).ShouldNotContain("2025b");
        reference.Schedules.Where(s => s.CohortId == "2026a").Select(s => s.Identifier).Order().ShouldBe(
            ["npq-ehco-june", "npq-ehco-march", "npq-leadership-spring", "npq-specialist-spring"]);
        reference.Schedules.Where(s => s.CohortId == "2026b").Select(s => s.Identifier).Order().ShouldBe(
            ["npq-ehco-december", "npq-ehco-november", "npq-leadership-autumn", "npq-specialist-autumn"]);
    }

    [Theory]
    [InlineData("best-practice-network", "npq-senior-leadership", "2026a", true)]
    [InlineData("llse", "npq-leading-primary-mathematics", "2026a", true)]
    [InlineData("best-practice-network", "npq-senco", "2026a", true)]
    [InlineData("ambition-institute", "npq-senior-leadership", "2026a", false)]
    [InlineData("llse", "npq-senco", "2026a", false)]
    [InlineData("best-practice-network", "npq-leading-literacy", "2026a", false)]
    [InlineData("ambition-institute", "npq-senior-leadership", "2026b", true)]
    [InlineData("ambition-institute", "npq-leading-literacy", "2026b", true)]
    [InlineData("best-practice-network", "npq-leading-literacy", "2026b", false)]
    public async Task Which_provider_offers_which_course_is_set_per_cohort(string slug, string course, string cohort, bool offered)
    {
        var attributes = ApiFixture.ValidRegistration(ReferenceDataSeed.ProviderId(slug));
        attributes["course_identifier"] = course;
        attributes["cohort"] = cohort;
        attributes["funding_choice"] = "self";
        if (course == "npq-senco")
        {
            attributes["works_as_senco"] = "yes";
            attributes["senco_start_date"] = "2023-09";
        }

        using var response = await fixture.PostRegistrationAsync(attributes);
        var body = await response.Content.ReadAsStringAsync();

        if (offered)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
            var created = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("attributes");
            if (cohort == "2026a")
            {
                created.GetProperty("eligible_for_funding").GetBoolean().ShouldBeFalse();
            }
        }
        else
        {
            response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, body);
            body.ShouldContain("lead_provider_id");
        }
    }
}
