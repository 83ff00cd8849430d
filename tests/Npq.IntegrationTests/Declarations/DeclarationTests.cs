using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Application.Outcomes;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Declarations;

/// <summary>Declarations (CONTRACT §3.7–§3.10): scenarios 16 and 18–23 in every version they apply to.</summary>
[Collection(ApiTests.Name)]
public sealed class DeclarationTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private const string InSchedule = "2025-11-01T10:00:00Z";

    public static TheoryData<string> Versions => new() { "v1", "v2", "v3" };

    private sealed record Setup(TestProvider Provider, Guid Partner, Guid Statement, RegisteredApplication Application);

    private async Task<Setup> SetUpAsync(string course = "npq-senior-leadership", Action<JsonObject>? customise = null, string cohort = "2025")
    {
        var provider = await fixture.NewLeadProviderAsync();
        var partner = await provider.AddDeliveryPartnerAsync($"Partner of {provider.Name}", 2024, 2025);
        var statement = await provider.OpenStatementAsync(cohort, Today.AddDays(30));
        var application = await provider.AcceptedApplicationAsync(cohort, a =>
        {
            a["course_identifier"] = course;
            customise?.Invoke(a);
        });
        return new Setup(provider, partner, statement, application);
    }

    private static Action<JsonObject> WithPartner(Guid partner) => a => a["delivery_partner_id"] = partner.ToString();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario18_a_fundable_started_declaration_is_eligible_on_the_next_statement(string version)
    {
        var s = await SetUpAsync();

        var declared = await s.Provider.DeclareAsync(s.Application, "started", InSchedule, version, customise: version == "v3" ? WithPartner(s.Partner) : null);

        var attributes = declared.ShouldBeOk();
        attributes.GetProperty("state").GetString().ShouldBe("eligible");
        attributes.GetProperty("declaration_date").GetString().ShouldBe("2025-11-01T10:00:00Z");
        attributes.GetProperty("course_identifier").GetString().ShouldBe("npq-senior-leadership");
        declared.Body.GetProperty("data").GetProperty("type").GetString().ShouldBe("participant-declaration");
        if (version == "v3")
        {
            attributes.GetProperty("statement_id").GetGuid().ShouldBe(s.Statement);
            attributes.GetProperty("application_id").GetGuid().ShouldBe(s.Application.Id);
            attributes.GetProperty("lead_provider_name").GetString().ShouldBe(s.Provider.Name);
            attributes.GetProperty("delivery_partner_name").GetString().ShouldBe($"Partner of {s.Provider.Name}");
            attributes.GetProperty("uplift_paid").GetBoolean().ShouldBeFalse();
        }

        if (version == "v1")
        {
            attributes.GetProperty("eligible_for_payment").GetBoolean().ShouldBeTrue();
            attributes.GetProperty("voided").GetBoolean().ShouldBeFalse();
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario19_the_same_declaration_again_is_base(string version)
    {
        var s = await SetUpAsync();
        var partner = version == "v3" ? WithPartner(s.Partner) : null;
        (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, version, customise: partner)).ShouldBeOk();

        (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, version, customise: partner)).ShouldBeUnprocessable().ShouldBe(["base"]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario20_declaration_dates_must_be_date_times_between_schedule_start_and_now(string version)
    {
        var s = await SetUpAsync();
        var partner = version == "v3" ? WithPartner(s.Partner) : null;
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

        (await s.Provider.DeclareAsync(s.Application, "started", tomorrow, version, customise: partner)).ShouldBeUnprocessable().ShouldBe(["declaration_date"]);
        (await s.Provider.DeclareAsync(s.Application, "started", "2025-09-30T23:59:59Z", version, customise: partner)).ShouldBeUnprocessable().ShouldBe(["declaration_date"]);
        (await s.Provider.DeclareAsync(s.Application, "started", "2024-10-01", version, customise: partner)).ShouldBeUnprocessable().ShouldContain("declaration_date");
        (await s.Provider.DeclareAsync(s.Application, "started", "2025-10-01T00:00:00Z", version, customise: partner)).ShouldBeOk();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario21_a_specialist_schedule_has_no_retained_2(string version)
    {
        var s = await SetUpAsync("npq-leading-teaching");

        (await s.Provider.DeclareAsync(s.Application, "retained-2", InSchedule, version, "npq-leading-teaching", version == "v3" ? WithPartner(s.Partner) : null))
            .ShouldBeUnprocessable().ShouldBe(["declaration_type"]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario22_void_then_void_again_then_clawback_of_a_paid_declaration(string version)
    {
        var s = await SetUpAsync();
        var partner = version == "v3" ? WithPartner(s.Partner) : null;
        var eligible = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, version, customise: partner)).Body.GetProperty("data").GetProperty("id").GetGuid();

        (await s.Provider.VoidAsync(eligible, version)).ShouldBeOk().GetProperty("state").GetString().ShouldBe("voided");
        (await s.Provider.VoidAsync(eligible, version)).ShouldBeUnprocessable().ShouldBe(["declaration"]);

        // A paid declaration: declared on the first statement, which DfE marks payable after its deadline, then paid.
        var refundStatement = await s.Provider.OpenStatementAsync("2025", Today.AddDays(60));
        var paid = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, version, customise: partner)).Body.GetProperty("data").GetProperty("id").GetGuid();
        await PayAsync(s.Statement);

        var clawback = (await s.Provider.VoidAsync(paid, version)).ShouldBeOk();
        clawback.GetProperty("state").GetString().ShouldBe("awaiting-clawback");
        var v3 = (await s.Provider.GetAsync($"/api/v3/participant-declarations/{paid}")).ShouldBeOk();
        v3.GetProperty("clawback_statement_id").GetGuid().ShouldBe(refundStatement);
        v3.GetProperty("statement_id").GetGuid().ShouldBe(s.Statement);
        (await s.Provider.VoidAsync(paid, version)).ShouldBeUnprocessable().ShouldBe(["declaration"]);
    }

    [Fact]
    public async Task Scenario23_a_completed_leadership_declaration_records_its_outcome_and_voiding_adds_a_voided_one()
    {
        var s = await SetUpAsync();
        var declared = await s.Provider.DeclareAsync(s.Application, "completed", "2025-12-15T09:00:00Z", customise: a =>
        {
            a["delivery_partner_id"] = s.Partner.ToString();
            a["has_passed"] = true;
        });
        var id = declared.Body.GetProperty("data").GetProperty("id").GetGuid();
        declared.ShouldBeOk().GetProperty("has_passed").GetBoolean().ShouldBeTrue();

        var outcomes = await OutcomesAsync(id);
        outcomes.Select(o => (o.State, o.CompletionDate)).ShouldBe([("passed", new DateOnly(2025, 12, 15))]);

        var voided = (await s.Provider.VoidAsync(id)).ShouldBeOk();
        voided.GetProperty("has_passed").ValueKind.ShouldBe(JsonValueKind.Null);
        (await OutcomesAsync(id)).Select(o => o.State).ShouldBe(["passed", "voided"]);
    }

    [Fact]
    public async Task Completed_needs_has_passed_and_accepts_the_string_forms()
    {
        var s = await SetUpAsync();

        (await s.Provider.DeclareAsync(s.Application, "completed", InSchedule, customise: WithPartner(s.Partner)))
            .ShouldBeUnprocessable().ShouldBe(["has_passed"]);
        (await s.Provider.DeclareAsync(s.Application, "completed", InSchedule, customise: a =>
        {
            a["delivery_partner_id"] = s.Partner.ToString();
            a["has_passed"] = "false";
        })).ShouldBeOk().GetProperty("has_passed").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Scenario16_v3_reject_is_refused_while_a_declaration_is_live_and_allowed_after_voiding()
    {
        var s = await SetUpAsync();
        var id = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, customise: WithPartner(s.Partner))).Body.GetProperty("data").GetProperty("id").GetGuid();

        (await s.Provider.RejectAsync(s.Application.Id)).ShouldBeUnprocessable().ShouldBe(["application"]);
        (await s.Provider.ChangeFundedPlaceAsync(s.Application.Id, new JsonObject { ["funded_place"] = false })).ShouldBeUnprocessable().ShouldBe(["application"]);

        (await s.Provider.VoidAsync(id)).ShouldBeOk();
        var rejected = (await s.Provider.RejectAsync(s.Application.Id)).ShouldBeOk();
        rejected.GetProperty("status").GetString().ShouldBe("rejected");
        rejected.GetProperty("reason_for_rejection").GetString().ShouldBe("rejected_by_provider");
    }

    [Fact]
    public async Task Each_title_of_the_create_checks()
    {
        var s = await SetUpAsync();
        var stranger = await fixture.NewLeadProviderAsync();
        var p = s.Provider;

        (await p.SendAsync(HttpMethod.Post, "/api/v3/participant-declarations", new JsonObject { ["declaration_type"] = "started" }))
            .ShouldBeUnprocessable().ShouldContain("participant_id");
        (await stranger.DeclareAsync(s.Application, "started", InSchedule)).ShouldBeUnprocessable().ShouldContain("participant_id");
        (await p.DeclareAsync(s.Application, "started", InSchedule, course: "npq-headship")).ShouldBeUnprocessable().ShouldBe(["course_identifier"]);
        (await p.DeclareAsync(s.Application, "started", InSchedule, course: "npq-no-such")).ShouldBeUnprocessable().ShouldBe(["course_identifier"]);
        (await p.DeclareAsync(s.Application, "halfway", InSchedule, customise: WithPartner(s.Partner))).ShouldBeUnprocessable().ShouldBe(["declaration_type"]);
        (await p.DeclareAsync(s.Application, "started", "", customise: WithPartner(s.Partner))).ShouldBeUnprocessable().ShouldBe(["declaration_date"]);
        (await p.DeclareAsync(s.Application, "started", InSchedule)).ShouldBeUnprocessable().ShouldBe(["delivery_partner_id"]);
        (await p.DeclareAsync(s.Application, "started", InSchedule, customise: a => a["delivery_partner_id"] = Guid.NewGuid().ToString()))
            .ShouldBeUnprocessable().ShouldBe(["delivery_partner_id"]);
        (await p.DeclareAsync(s.Application, "started", InSchedule, customise: a =>
        {
            a["delivery_partner_id"] = s.Partner.ToString();
            a["secondary_delivery_partner_id"] = s.Partner.ToString();
        })).ShouldBeUnprocessable().ShouldBe(["secondary_delivery_partner_id"]);
        var otherProvidersPartner = await stranger.AddDeliveryPartnerAsync("Not yours", 2025);
        (await p.DeclareAsync(s.Application, "started", InSchedule, customise: a => a["delivery_partner_id"] = otherProvidersPartner.ToString()))
            .ShouldBeUnprocessable().ShouldBe(["delivery_partner_id"]);
    }

    [Fact]
    public async Task Without_a_contract_or_an_open_statement_the_cohort_is_refused()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var partner = await provider.AddDeliveryPartnerAsync("P", 2025);
        var application = await provider.AcceptedApplicationAsync("2025");

        (await provider.DeclareAsync(application, "started", InSchedule, customise: WithPartner(partner))).ShouldBeUnprocessable().ShouldBe(["cohort"]);

        // A contract on a statement whose deadline has passed: the funding contract has ended.
        await provider.OpenStatementAsync("2025", Today.AddDays(-10));
        var result = await provider.DeclareAsync(application, "started", InSchedule, customise: WithPartner(partner));
        result.ShouldBeUnprocessable().ShouldBe(["cohort"]);
        result.Body.GetProperty("errors")[0].GetProperty("detail").GetString()!.ShouldContain("ended");
    }

    [Fact]
    public async Task An_application_without_funding_gets_a_submitted_declaration_with_no_statement()
    {
        var s = await SetUpAsync(customise: a =>
        {
            a["school_urn"] = "100004";
            a["funding_choice"] = "self";
        });

        var attributes = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, customise: WithPartner(s.Partner))).ShouldBeOk();

        attributes.GetProperty("state").GetString().ShouldBe("submitted");
        attributes.GetProperty("statement_id").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_duplicate_by_another_person_with_the_same_trn_is_ineligible()
    {
        var trn = ApiFixture.NextTrn();
        var first = await SetUpAsync(customise: a => a["teacher_reference_number"] = trn);
        (await first.Provider.DeclareAsync(first.Application, "started", InSchedule, customise: WithPartner(first.Partner))).ShouldBeOk();
        // Same TRN, another person, another cohort (the same cohort would be blocked at accept).
        var second = await SetUpAsync(cohort: "2024", customise: a =>
        {
            a["teacher_reference_number"] = trn;
            a["funding_choice"] = "self"; // the shared TRN already holds a funded place
        });

        var attributes = (await second.Provider.DeclareAsync(second.Application, "started", InSchedule, customise: WithPartner(second.Partner))).ShouldBeOk();

        attributes.GetProperty("state").GetString().ShouldBe("ineligible");
        attributes.GetProperty("ineligible_for_funding_reason").GetString().ShouldBe("duplicate_declaration");
        attributes.GetProperty("statement_id").ValueKind.ShouldBe(JsonValueKind.Null, "ineligible lines are not billable");
    }

    [Fact]
    public async Task Parallel_started_declarations_for_two_accounts_with_one_verified_trn_pay_at_most_once()
    {
        // Two people with one verified TRN, each accepted (with a funded place where the cohort asks)
        // by a provider of their own before either declared.
        var trn = ApiFixture.NextTrn();
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var partnerA = await a.AddDeliveryPartnerAsync("Partner A", 2024, 2025);
        var partnerB = await b.AddDeliveryPartnerAsync("Partner B", 2024, 2025);
        var statementA = await a.OpenStatementAsync("2025", Today.AddDays(30));
        var statementB = await b.OpenStatementAsync("2024", Today.AddDays(30));
        var atA = await a.RegisterAsync(r => { r["cohort"] = "2025"; r["teacher_reference_number"] = trn; });
        var atB = await b.RegisterAsync(r => { r["cohort"] = "2024"; r["teacher_reference_number"] = trn; });
        (await a.AcceptAsync(atA.Id, "v3", new JsonObject { ["funded_place"] = true })).ShouldBeOk();
        var acceptedB = await b.AcceptAsync(atB.Id, "v3", new JsonObject { ["funded_place"] = true });
        ((int)acceptedB.Status).ShouldBeOneOf(200, 422);
        if (acceptedB.Status != HttpStatusCode.OK)
            (await b.AcceptAsync(atB.Id, "v3", new JsonObject { ["funded_place"] = false })).ShouldBeOk();

        // Eight at once, four for each account.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? a.DeclareAsync(atA, "started", InSchedule, customise: WithPartner(partnerA))
            : b.DeclareAsync(atB, "started", "2024-11-01T10:00:00Z", customise: WithPartner(partnerB))));

        results.ShouldAllBe(r => (int)r.Status < 500);
        var states = results.Where(r => r.Status == HttpStatusCode.OK)
            .Select(r => r.Body.GetProperty("data").GetProperty("attributes").GetProperty("state").GetString()).ToList();
        states.Count(st => st is "eligible").ShouldBeLessThanOrEqualTo(1, string.Join(",", states));
        var eligibleLines = 0;
        foreach (var (provider, statement) in new[] { (a, statementA), (b, statementB) })
        {
            var declarations = (await provider.GetAsync("/api/v3/participant-declarations")).Body.GetProperty("data").EnumerateArray().ToList();
            declarations.Count(d => d.GetProperty("attributes").GetProperty("state").GetString() != "ineligible")
                .ShouldBeLessThanOrEqualTo(1, "one live started declaration per application");
            eligibleLines += declarations.Count(d => d.GetProperty("attributes").GetProperty("state").GetString() == "eligible"
                                                     && d.GetProperty("attributes").GetProperty("statement_id").ValueKind == JsonValueKind.String);
            statement.ShouldNotBe(Guid.Empty);
        }

        eligibleLines.ShouldBeLessThanOrEqualTo(1, "a verified TRN is paid for a started declaration once");
    }

    [Fact]
    public async Task Change_delivery_partner_and_its_titles()
    {
        var s = await SetUpAsync();
        var second = await s.Provider.AddDeliveryPartnerAsync("Second partner", 2025);
        var id = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, customise: WithPartner(s.Partner))).Body.GetProperty("data").GetProperty("id").GetGuid();
        var path = $"/api/v3/participant-declarations/{id}/change-delivery-partner";

        (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["x"] = 1 })).ShouldBeUnprocessable().ShouldBe(["delivery_partner_id"]);
        (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["delivery_partner_id"] = Guid.NewGuid().ToString() })).ShouldBeUnprocessable().ShouldBe(["delivery_partner"]);
        (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["delivery_partner_id"] = s.Partner.ToString(), ["secondary_delivery_partner_id"] = Guid.NewGuid().ToString() }))
            .ShouldBeUnprocessable().ShouldBe(["secondary_delivery_partner"]);
        (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["delivery_partner_id"] = s.Partner.ToString(), ["secondary_delivery_partner_id"] = s.Partner.ToString() }))
            .ShouldBeUnprocessable().ShouldBe(["secondary_delivery_partner_id"]);

        var changed = (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["delivery_partner_id"] = second.ToString(), ["secondary_delivery_partner_id"] = s.Partner.ToString() })).ShouldBeOk();
        changed.GetProperty("delivery_partner_id").GetGuid().ShouldBe(second);
        changed.GetProperty("secondary_delivery_partner_name").GetString().ShouldBe($"Partner of {s.Provider.Name}");

        var cleared = (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["delivery_partner_id"] = second.ToString() })).ShouldBeOk();
        cleared.GetProperty("secondary_delivery_partner_id").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Re_sending_the_current_partner_after_its_partnership_ended_is_accepted_and_a_change_to_an_ended_partner_is_not()
    {
        var s = await SetUpAsync();
        var second = await s.Provider.AddDeliveryPartnerAsync("Partner whose partnership ends", 2025);
        var id = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, customise: WithPartner(s.Partner))).Body.GetProperty("data").GetProperty("id").GetGuid();
        var path = $"/api/v3/participant-declarations/{id}/change-delivery-partner";

        // DfE ends both partnerships with the provider.
        await using (var session = fixture.Services.GetRequiredService<Marten.IDocumentStore>().LightweightSession())
        {
            session.DeleteWhere<Npq.Application.DeliveryPartners.Partnership>(p => p.DeliveryPartnerId == s.Partner || p.DeliveryPartnerId == second);
            await session.SaveChangesAsync();
        }

        var kept = (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["delivery_partner_id"] = s.Partner.ToString() })).ShouldBeOk();
        kept.GetProperty("delivery_partner_id").GetGuid().ShouldBe(s.Partner);
        (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["delivery_partner_id"] = second.ToString() }))
            .ShouldBeUnprocessable().ShouldBe(["delivery_partner_id"]);
        (await s.Provider.SendAsync(HttpMethod.Put, path, new JsonObject { ["delivery_partner_id"] = s.Partner.ToString(), ["secondary_delivery_partner_id"] = second.ToString() }))
            .ShouldBeUnprocessable().ShouldBe(["secondary_delivery_partner_id"]);
    }

    [Fact]
    public async Task Changing_the_partner_of_an_unknown_or_another_providers_declaration_is_404_or_403_before_the_body_is_read()
    {
        var s = await SetUpAsync();
        var id = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, customise: WithPartner(s.Partner))).Body.GetProperty("data").GetProperty("id").GetGuid();
        var newProvider = await TransferToANewProviderAsync(s.Application.Id);
        const string Malformed = "{\"data\":";

        (await newProvider.SendAsync(HttpMethod.Put, $"/api/v3/participant-declarations/{Guid.NewGuid()}/change-delivery-partner", rawBody: Malformed))
            .Status.ShouldBe(HttpStatusCode.NotFound);
        (await newProvider.SendAsync(HttpMethod.Put, $"/api/v3/participant-declarations/{id}/change-delivery-partner", rawBody: Malformed))
            .Status.ShouldBe(HttpStatusCode.Forbidden);
        (await s.Provider.SendAsync(HttpMethod.Put, $"/api/v3/participant-declarations/{id}/change-delivery-partner", rawBody: Malformed))
            .Status.ShouldBe(HttpStatusCode.BadRequest, "the maker's own declaration: the body is read, and it is malformed");
    }

    [Fact]
    public async Task A_transferred_applications_declarations_are_seen_by_the_new_provider_in_v3_but_not_changed()
    {
        var s = await SetUpAsync();
        var id = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, customise: WithPartner(s.Partner))).Body.GetProperty("data").GetProperty("id").GetGuid();
        var newProvider = await TransferToANewProviderAsync(s.Application.Id);

        (await newProvider.GetAsync($"/api/v3/participant-declarations/{id}")).ShouldBeOk().GetProperty("lead_provider_name").GetString().ShouldBe(s.Provider.Name);
        (await newProvider.GetAsync($"/api/v1/participant-declarations/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        var forbidden = await newProvider.VoidAsync(id);
        forbidden.Status.ShouldBe(HttpStatusCode.Forbidden);
        forbidden.Body.GetProperty("errors")[0].GetProperty("title").GetString().ShouldBe("Cannot modify declaration");
        (await newProvider.SendAsync(HttpMethod.Put, $"/api/v3/participant-declarations/{id}/change-delivery-partner", new JsonObject { ["delivery_partner_id"] = s.Partner.ToString() }))
            .Status.ShouldBe(HttpStatusCode.Forbidden);
        (await s.Provider.GetAsync($"/api/v1/participant-declarations/{id}")).ShouldBeOk();
        (await newProvider.GetAsync($"/api/v3/npq-applications/{s.Application.Id}")).ShouldBeOk();
        (await s.Provider.GetAsync($"/api/v3/npq-applications/{s.Application.Id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Outcomes_and_the_owner_after_a_transfer_are_rebuilt_from_the_log_by_Marten_s_daemon()
    {
        var s = await SetUpAsync();
        var completed = (await s.Provider.DeclareAsync(s.Application, "completed", "2025-12-15T09:00:00Z", customise: a =>
        {
            a["delivery_partner_id"] = s.Partner.ToString();
            a["has_passed"] = true;
        })).Body.GetProperty("data").GetProperty("id").GetGuid();
        (await s.Provider.VoidAsync(completed)).ShouldBeOk();
        var started = (await s.Provider.DeclareAsync(s.Application, "started", InSchedule, customise: WithPartner(s.Partner))).Body.GetProperty("data").GetProperty("id").GetGuid();
        var newProvider = await TransferToANewProviderAsync(s.Application.Id);

        var verifier = fixture.Services.GetRequiredService<Npq.Infrastructure.Audit.ProjectionVerifier>();
        var rebuilt = await verifier.RebuildAsync(CancellationToken.None);
        rebuilt.ReplaySeconds.Keys.ShouldContain(nameof(OutcomeViewProjection));
        var verified = await verifier.VerifyAsync(CancellationToken.None);
        verified.ReadModels.Where(m => !m.Matches).Select(m => $"{m.Name}: {string.Join(",", m.Divergent)}").ShouldBeEmpty();

        var outcomes = await OutcomesAsync(completed);
        outcomes.Select(o => o.State).ShouldBe(["passed", "voided"]);
        outcomes.ShouldAllBe(o => o.ParticipantId == s.Application.ParticipantId && o.LeadProviderId == s.Provider.Id && o.CourseIdentifier == "npq-senior-leadership");
        (await newProvider.GetAsync($"/api/v3/participant-declarations/{started}")).ShouldBeOk();
        (await newProvider.GetAsync($"/api/v3/participant-declarations/{completed}")).ShouldBeOk();
    }

    [Fact]
    public async Task After_a_transfer_the_new_owner_records_the_outcome_of_the_old_providers_completed_declaration()
    {
        var s = await SetUpAsync();
        // The old provider declares the training complete, not (yet) passed.
        (await s.Provider.DeclareAsync(s.Application, "completed", "2025-12-15T09:00:00Z", customise: a =>
        {
            a["delivery_partner_id"] = s.Partner.ToString();
            a["has_passed"] = false;
        })).ShouldBeOk();
        var newProvider = await TransferToANewProviderAsync(s.Application.Id);

        var path = $"/api/v3/participants/npq/{s.Application.ParticipantId}/outcomes";
        JsonObject Outcome() => new() { ["course_identifier"] = "npq-senior-leadership", ["state"] = "passed", ["completion_date"] = "2025-12-20" };
        var recorded = (await newProvider.SendAsync(HttpMethod.Post, path, Outcome())).ShouldBeOkBody();
        recorded.GetProperty("data").GetProperty("attributes").GetProperty("state").GetString().ShouldBe("passed");

        // A repeat is the same outcome, not a second one.
        var repeated = (await newProvider.SendAsync(HttpMethod.Post, path, Outcome())).ShouldBeOkBody();
        repeated.GetProperty("data").GetProperty("id").GetGuid().ShouldBe(recorded.GetProperty("data").GetProperty("id").GetGuid());
    }

    /// <summary>DfE transfers the application to a provider of its own; returns the new owner.</summary>
    private async Task<TestProvider> TransferToANewProviderAsync(Guid applicationId)
    {
        var newProvider = await fixture.NewLeadProviderAsync();
        var admin = await fixture.AdminAsync();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{applicationId}/transfer", new JsonObject { ["lead_provider_id"] = newProvider.Id.ToString() }))
            .ShouldBeOk();
        return newProvider;
    }

    private async Task PayAsync(Guid statement)
    {
        var admin = await fixture.AdminAsync();
        var afterDeadline = DateTimeOffset.UtcNow.AddDays(45);
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-payable", serverDate: afterDeadline)).ShouldBeOk()
            .GetProperty("state").GetString().ShouldBe("payable");
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-paid", serverDate: afterDeadline)).ShouldBeOk()
            .GetProperty("state").GetString().ShouldBe("paid");
    }

    private async Task<IReadOnlyList<OutcomeView>> OutcomesAsync(Guid declarationId)
    {
        await using var session = fixture.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<OutcomeView>().Where(o => o.DeclarationId == declarationId).OrderBy(o => o.CreatedAt).ToListAsync();
    }
}
