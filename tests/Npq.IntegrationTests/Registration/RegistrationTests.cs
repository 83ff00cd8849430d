using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Application.Registration;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Registration;

/// <summary><c>POST /api/registrations</c> (CONTRACT B5): validation, funding eligibility and the event it records.</summary>
[Collection(ApiTests.Name)]
public sealed class RegistrationTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_valid_registration_is_201_with_the_v3_view_and_shows_in_every_version()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);

        using var response = await fixture.PostRegistrationAsync(attributes);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        data.GetProperty("type").GetString().ShouldBe("npq_application");
        var view = data.GetProperty("attributes");
        view.GetProperty("full_name").GetString().ShouldBe("Jo Bloggs");
        view.GetProperty("status").GetString().ShouldBe("pending");
        view.GetProperty("cohort_suffix").GetString().ShouldBe("b"); // the current cohort: 2026b, Autumn 2026
        var id = data.GetProperty("id").GetGuid();

        foreach (var version in new[] { "v1", "v2", "v3" })
            (await provider.GetAsync($"/api/{version}/npq-applications/{id}")).Status.ShouldBe(HttpStatusCode.OK, version);
    }

    [Theory]
    [InlineData("full_name")]
    [InlineData("email")]
    [InlineData("date_of_birth")]
    [InlineData("course_identifier")]
    [InlineData("lead_provider_id")]
    [InlineData("teacher_catchment")]
    [InlineData("work_setting")]
    public async Task Each_required_attribute_is_named_when_missing(string attribute)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        attributes.Remove(attribute);

        var errors = await RejectedAsync(attributes);

        errors.ShouldContain(e => e.Title == attribute);
    }

    [Fact]
    public async Task Every_invalid_attribute_is_named_at_once()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        attributes["email"] = "not-an-email";
        attributes["date_of_birth"] = "31/01/1980";
        attributes["teacher_reference_number"] = "12";
        attributes["work_setting"] = "a_spaceship";

        var errors = await RejectedAsync(attributes);

        errors.Select(e => e.Title).ShouldBe(["email", "date_of_birth", "teacher_reference_number", "work_setting"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("npq-no-such-course")]
    [InlineData("npq-additional-support-offer")]
    public async Task An_unknown_or_hidden_course_is_refused(string course)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id, course);

        (await RejectedAsync(attributes)).ShouldContain(e => e.Title == "course_identifier");
    }

    [Fact]
    public async Task A_provider_that_does_not_offer_the_course_is_refused()
    {
        var provider = await fixture.NewLeadProviderAsync(courses: ["npq-headship"]);

        var errors = await RejectedAsync(ApiFixture.ValidRegistration(provider.Id, "npq-senior-leadership"));

        errors.ShouldContain(e => e.Title == "lead_provider_id" && e.Detail.Contains("does not offer"));
    }

    [Fact]
    public async Task An_unknown_provider_is_refused()
    {
        var errors = await RejectedAsync(ApiFixture.ValidRegistration(Guid.NewGuid()));

        errors.ShouldContain(e => e.Title == "lead_provider_id");
    }

    [Fact]
    public async Task An_unknown_school_urn_is_refused()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        attributes["school_urn"] = "999999";

        (await RejectedAsync(attributes)).ShouldContain(e => e.Title == "school_urn" && e.Detail.Contains("999999"));
    }

    [Fact]
    public async Task An_ineligible_applicant_must_say_how_the_course_is_paid_for()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        attributes["school_urn"] = "100004"; // an independent school: ineligible establishment

        (await RejectedAsync(attributes)).ShouldContain(e => e.Title == "funding_choice");

        attributes["funding_choice"] = "school";
        var registered = await fixture.RegisterAsync(provider.Id, a =>
        {
            foreach (var (key, value) in attributes)
                a[key] = value?.DeepClone();
        });
        var view = registered.Resource.GetProperty("attributes");
        view.GetProperty("eligible_for_funding").GetBoolean().ShouldBeFalse();
        view.GetProperty("funding_choice").GetString().ShouldBe("school");
        view.GetProperty("ineligible_for_funding_reason").GetString().ShouldBe("establishment-ineligible");
    }

    [Fact]
    public async Task Outside_england_is_not_funded_and_keeps_the_country()
    {
        var provider = await fixture.NewLeadProviderAsync();

        var registered = await provider.RegisterAsync(a =>
        {
            a["teacher_catchment"] = "another";
            a["teacher_catchment_country"] = "France";
            a["funding_choice"] = "self";
        });

        var view = registered.Resource.GetProperty("attributes");
        view.GetProperty("teacher_catchment").GetBoolean().ShouldBeFalse();
        view.GetProperty("teacher_catchment_country").GetString().ShouldBe("France");
        view.GetProperty("teacher_catchment_iso_country_code").GetString().ShouldBe("FRA");
        view.GetProperty("school_urn").ValueKind.ShouldBe(JsonValueKind.Null);
        view.GetProperty("eligible_for_funding").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Ehco_answers_give_the_headteacher_status()
    {
        var provider = await fixture.NewLeadProviderAsync();

        var registered = await provider.RegisterAsync(a =>
        {
            a["course_identifier"] = "npq-early-headship-coaching-offer";
            a["ehco_headteacher"] = "yes";
            a["ehco_new_headteacher"] = true;
        });

        var view = registered.Resource.GetProperty("attributes");
        view.GetProperty("headteacher_status").GetString().ShouldBe("yes_in_first_five_years");
        view.GetProperty("eligible_for_funding").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_second_application_for_an_existing_participant_shares_the_participant_id()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var first = await a.RegisterAsync();

        var second = await b.RegisterAsync(r => r.AsPersonOf(first));

        second.ParticipantId.ShouldBe(first.ParticipantId);
        second.Id.ShouldNotBe(first.Id);

        var unknown = ApiFixture.ValidRegistration(b.Id);
        unknown["participant_id"] = Guid.NewGuid().ToString();
        (await RejectedAsync(unknown)).ShouldContain(e => e.Title == "participant_id");
    }

    [Fact]
    public async Task Another_persons_id_attaches_nothing_and_reveals_nothing_without_their_email_and_date_of_birth()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var victim = await a.RegisterAsync(r => r["full_name"] = "Victoria Private");
        var email = victim.Resource.GetProperty("attributes").GetProperty("email").GetString()!;

        async Task<string> RefusedAsync(Action<JsonObject> customise)
        {
            var before = await EventCountAsync();
            var attempt = ApiFixture.ValidRegistration(b.Id);
            attempt["participant_id"] = victim.ParticipantId.ToString();
            customise(attempt);
            using var response = await fixture.PostRegistrationAsync(attempt);
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, text);
            (await EventCountAsync()).ShouldBe(before, "nothing is written");
            text.ShouldNotContain("Victoria");
            return text;
        }

        var unknownId = ApiFixture.ValidRegistration(b.Id);
        unknownId["participant_id"] = Guid.NewGuid().ToString();
        using var unknownResponse = await fixture.PostRegistrationAsync(unknownId);
        var unknown = await unknownResponse.Content.ReadAsStringAsync();

        // A made-up email, the right email with another birthday: each answers exactly as an unknown id.
        (await RefusedAsync(r => r["full_name"] = "Anyone")).ShouldBe(unknown);
        (await RefusedAsync(r => { r["email"] = email; r["date_of_birth"] = "1990-05-05"; })).ShouldBe(unknown);
        (await RefusedAsync(r => { r["email"] = email.ToUpperInvariant() + "x"; })).ShouldBe(unknown);

        // The person themselves (email in any case, their date of birth) attaches an application, and
        // the answer shows what they sent, not the identity on record.
        var own = ApiFixture.ValidRegistration(b.Id);
        own["participant_id"] = victim.ParticipantId.ToString();
        own["email"] = email.ToUpperInvariant();
        own["full_name"] = "V. Private";
        own.Remove("teacher_reference_number");
        using var ownResponse = await fixture.PostRegistrationAsync(own);
        var body = await ownResponse.Content.ReadAsStringAsync();
        ownResponse.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        var attributes = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("attributes");
        attributes.GetProperty("participant_id").GetGuid().ShouldBe(victim.ParticipantId);
        attributes.GetProperty("full_name").GetString().ShouldBe("V. Private");
        attributes.GetProperty("teacher_reference_number").ValueKind.ShouldBe(JsonValueKind.Null);
        body.ShouldNotContain("Victoria");
    }

    [Theory]
    [InlineData("{\"data\": {\"attributes\": ")]
    [InlineData("not json at all")]
    public async Task Malformed_json_is_a_400_in_the_contract_shape_and_writes_nothing(string body)
    {
        var before = await EventCountAsync();
        using var client = fixture.Anonymous();

        var response = await client.PostAsync("/api/registrations", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        error.GetProperty("title").GetString().ShouldBe("Bad request");
        (await EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_body_without_the_envelope_is_a_400()
    {
        using var client = fixture.Anonymous();

        var response = await client.PostAsJsonAsync("/api/registrations", new { full_name = "No Envelope" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_refused_registration_writes_no_event()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        attributes["school_urn"] = "999999";
        var before = await EventCountAsync();

        await RejectedAsync(attributes);

        (await EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task The_registration_email_leaves_through_the_outbox_after_the_commit()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var registered = await provider.RegisterAsync();

        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        SentEmail? email = null;
        for (var attempt = 0; attempt < 100 && email is null; attempt++)
        {
            await using var session = store.QuerySession();
            email = await session.Query<SentEmail>().FirstOrDefaultAsync(e => e.ApplicationId == registered.Id);
            if (email is null)
                await Task.Delay(100);
        }

        email.ShouldNotBeNull();
        email.Template.ShouldBe("registration_submitted");
        email.ParticipantId.ShouldBe(registered.ParticipantId);
    }

    private async Task<long> EventCountAsync()
    {
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        var statistics = await store.Advanced.FetchEventStoreStatistics();
        return statistics.EventCount;
    }

    private async Task<IReadOnlyList<(string Title, string Detail)>> RejectedAsync(JsonObject attributes)
    {
        using var response = await fixture.PostRegistrationAsync(attributes);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("title").GetString()!, e.GetProperty("detail").GetString()!))
            .ToList();
    }
}
