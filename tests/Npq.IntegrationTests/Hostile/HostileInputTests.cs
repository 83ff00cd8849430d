using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npq.Infrastructure.Tokens;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Hostile;

/// <summary>Issue 14: the requests that answered 500 answer a 4xx JSON error in the contract's shape and write nothing.</summary>
[Collection(ApiTests.Name)]
public sealed class HostileInputTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("/API/v1.0/participants/npq")]
    [InlineData("/api/V3/npq-applications")]
    [InlineData("/api/v1.0/npq-applications")]
    [InlineData("/api/v3/npq-applications?filter[updated_since]=2024-01-01T00:00:00%2B14:30")]
    [InlineData("/api/v3/npq-applications?filter[updated_since]=2024-01-01T00:00:00%2B15:00")]
    [InlineData("/api/v1/participant-declarations?filter[updated_since]=0001-01-01T00:00:00%2B01:00")]
    [InlineData("/api/v1/participant-declarations?filter[updated_since]=9999-12-31T23:59:59-12:00")]
    [InlineData("/api/v3/npq-applications?filter[updated_since]=%D9%A2%D9%A0%D9%A2%D9%A4-01-01T00:00:00Z")]
    public async Task Odd_paths_and_timestamps_answer_a_client_error_or_success_never_500(string path)
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var client = provider.Client();

        using var response = await client.GetAsync(path);

        await ShouldNotBeServerErrorAsync(response, path);
    }

    [Theory]
    [InlineData("2025-01-01T00:00:00+15:00")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59-12:00")]
    [InlineData("2025-13-45T99:99:99Z")]
    public async Task A_declaration_date_of_any_offset_or_year_is_a_422_not_a_500(string date)
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2025", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2025");

        var result = await provider.DeclareAsync(application, "started", date);

        ((int)result.Status).ShouldBeInRange(400, 499, result.Body.ValueKind == JsonValueKind.Undefined ? "" : result.Body.GetRawText());
        result.Body.GetProperty("errors")[0].GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Every_error_answer_carries_no_store_and_the_request_id()
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var anonymous = fixture.Anonymous();
        using var client = provider.Client();

        using var notFound = await client.GetAsync($"/api/v3/npq-applications/{Guid.NewGuid()}");
        using var unauthenticated = await anonymous.GetAsync("/api/v3/npq-applications");
        var own = await provider.RegisterAsync();
        using var refused = await client.PostAsync($"/api/v3/npq-applications/{own.Id}/accept",
            new StringContent("{\"data\":[]}", System.Text.Encoding.UTF8, "application/json"));

        foreach (var (response, status) in new[] { (notFound, 404), (unauthenticated, 401), (refused, 400) })
        {
            ((int)response.StatusCode).ShouldBe(status);
            response.Headers.CacheControl!.NoStore.ShouldBeTrue($"{status}");
            response.Headers.Contains("X-Request-Id").ShouldBeTrue($"{status}");
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        }

        unauthenticated.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task A_version_in_any_letter_case_is_served_and_v1_0_is_not_a_version()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2025", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2025");
        (await provider.DeclareAsync(application, "started", "2025-11-01T10:00:00Z", "v1")).ShouldBeOk();

        foreach (var path in new[] { "/API/V1/participant-declarations", "/Api/v1/participant-declarations" })
        {
            var list = (await provider.GetAsync(path)).Body.GetProperty("data");
            list.GetArrayLength().ShouldBe(1, path);
            list[0].GetProperty("attributes").TryGetProperty("eligible_for_payment", out _).ShouldBeTrue($"{path} has the v1 fields");
        }

        foreach (var path in new[] { "/api/v1.0/participant-declarations", "/API/v1.0/participants/npq", "/API/V01/npq-applications" })
        {
            var (status, body, _) = await provider.GetAsync(path);
            status.ShouldBe(HttpStatusCode.NotFound, path);
            body.GetProperty("error").GetString().ShouldBe("Resource not found");
        }
    }

    [Theory]
    [InlineData("/API/v3/npq-applications")]
    [InlineData("/Api/V3/npq-applications")]
    public async Task The_limiter_counts_api_paths_in_any_letter_case(string path)
    {
        using var anonymous = fixture.Anonymous();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "npq_not-a-real-token");

        using var response = await anonymous.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.Contains("RateLimit-Remaining").ShouldBeTrue("the request was counted against the caller's address");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies_cost_a_permit_like_any_request()
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var client = provider.Client();
        async Task<int> RemainingAfterAsync(HttpContent content)
        {
            using var response = await client.PostAsync("/api/v3/participant-declarations", content);
            ((int)response.StatusCode).ShouldBeInRange(400, 499);
            return int.Parse(response.Headers.GetValues("RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var first = await RemainingAfterAsync(new StringContent("{not json", Encoding.UTF8, "application/json"));
        var second = await RemainingAfterAsync(new StringContent(new string('x', 70 * 1024), Encoding.UTF8, "application/json"));

        second.ShouldBe(first - 1);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413_and_writes_nothing()
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var client = provider.Client();
        var big = "{\"data\":{\"attributes\":{\"participant_id\":\"" + new string('x', 70 * 1024) + "\"}}}";

        using var response = await client.PostAsync("/api/v3/participant-declarations", new StringContent(big, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        await ShouldNotBeServerErrorAsync(response, "70 KiB body");
        (await provider.GetAsync("/api/v3/participant-declarations")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("employer_name", 10_000)]
    [InlineData("employment_role", 201)]
    [InlineData("full_name", 201)]
    [InlineData("email", 255)]
    public async Task Free_text_over_its_limit_is_a_422_on_that_attribute_and_writes_nothing(string attribute, int length)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        attributes["work_setting"] = "another_setting";
        attributes["employment_type"] = "other";
        attributes["employer_name"] = "Acme";
        attributes["employment_role"] = "Trainer";
        attributes["funding_choice"] = "self";
        attributes.Remove("school_urn");
        attributes[attribute] = attribute == "email" ? new string('a', length - 12) + "@example.com" : new string('x', length);

        using var response = await fixture.PostRegistrationAsync(attributes);

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, text);
        JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("title").GetString()).ShouldContain(attribute);
        (await provider.GetAsync("/api/v3/npq-applications")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("POST", "participant-declarations", "declaration_date")]
    [InlineData("POST", "participant-declarations", "participant_id")]
    [InlineData("PUT", "participants/npq/{participant}/withdraw", "reason")]
    [InlineData("PUT", "participants/npq/{participant}/change-schedule", "schedule_identifier")]
    [InlineData("POST", "participants/npq/{participant}/outcomes", "completion_date")]
    public async Task A_provider_write_refuses_text_over_200_characters_on_that_attribute_and_writes_nothing(string method, string path, string attribute)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.AcceptedApplicationAsync();
        var attributes = new JsonObject
        {
            ["participant_id"] = application.ParticipantId.ToString(),
            ["declaration_type"] = "started",
            ["declaration_date"] = "2025-11-01T10:00:00Z",
            ["course_identifier"] = "npq-senior-leadership",
            ["schedule_identifier"] = "npq-leadership-spring",
            ["reason"] = "personal-reason-other",
            ["state"] = "passed",
            ["completion_date"] = "2025-11-01",
        };
        var url = "/api/v3/" + path.Replace("{participant}", application.ParticipantId.ToString(), StringComparison.Ordinal);
        attributes[attribute] = new string('7', 201);

        var (status, body, _) = await provider.SendAsync(new HttpMethod(method), url, attributes);

        status.ShouldBe(HttpStatusCode.UnprocessableEntity, body.ToString());
        var error = body.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("title").GetString().ShouldBe(attribute);
        error.GetProperty("detail").GetString().ShouldBe($"The property '#/{attribute}' must be 200 characters or fewer");
        (await provider.GetAsync("/api/v3/participant-declarations")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
        var (_, participant, _) = await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}");
        participant.GetProperty("data").GetProperty("attributes").GetProperty("npq_enrolments")[0].GetProperty("training_status").GetString().ShouldBe("active");
    }

    [Fact]
    public async Task Values_of_the_wrong_json_type_reach_the_contracts_rules_as_text()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.AcceptedApplicationAsync();

        // A number, an object and an array where text is expected: each named by the contract's 422.
        var (status, body, _) = await provider.SendAsync(HttpMethod.Post, "/api/v3/participant-declarations", new JsonObject
        {
            ["participant_id"] = 12345,
            ["declaration_type"] = new JsonObject { ["a"] = 1 },
            ["declaration_date"] = new JsonArray(1, 2),
            ["course_identifier"] = true,
        });

        status.ShouldBe(HttpStatusCode.UnprocessableEntity, body.ToString());
        body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("title").GetString()).ShouldNotBeEmpty();

        // has_passed takes "true" as well as true (§1.3); funded_place only a JSON boolean.
        var (funded, fundedBody, _) = await provider.SendAsync(HttpMethod.Put,
            $"/api/v3/npq-applications/{application.Id}/change-funded-place", new JsonObject { ["funded_place"] = "true" });
        funded.ShouldBe(HttpStatusCode.UnprocessableEntity, fundedBody.ToString());
        fundedBody.GetProperty("errors")[0].GetProperty("title").GetString().ShouldBe("funded_place");
    }

    [Fact]
    public async Task An_email_built_to_make_a_pattern_backtrack_is_refused_on_its_length()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        attributes["email"] = "a@" + new string('.', 60_000) + "@";

        using var response = await fixture.PostRegistrationAsync(attributes);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadAsStringAsync()).ShouldContain("254 characters or fewer");
    }

    [Fact]
    public async Task A_request_that_waits_too_long_for_a_persons_lock_is_a_503_with_retry_after_and_writes_nothing()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(r => r["cohort"] = "2023");
        var store = fixture.Services.GetRequiredService<Marten.IDocumentStore>();

        // Another writer holds the person (as a slow transaction would) for longer than lock_timeout.
        await using (var holder = store.LightweightSession())
        {
            await fixture.Services.GetRequiredService<Npq.Application.Common.IWriteLocks>().LockParticipantAsync(holder, application.ParticipantId, CancellationToken.None);
            var (status, body, response) = await provider.AcceptAsync(application.Id);

            status.ShouldBe(HttpStatusCode.ServiceUnavailable, body.ValueKind == JsonValueKind.Undefined ? "" : body.GetRawText());
            response.Headers.RetryAfter.ShouldNotBeNull();
            body.GetProperty("errors")[0].GetProperty("title").GetString().ShouldBe("Service unavailable");
        }

        // The lock released, the same request succeeds: nothing half-done was left behind.
        (await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOk().GetProperty("status").GetString().ShouldBe("pending");
        (await provider.AcceptAsync(application.Id)).ShouldBeOk().GetProperty("status").GetString().ShouldBe("accepted");
    }

    [Fact]
    public async Task An_accept_waiting_for_the_person_while_DfE_transfers_the_application_acts_on_nothing()
    {
        var from = await fixture.NewLeadProviderAsync();
        var to = await fixture.NewLeadProviderAsync();
        var application = await from.RegisterAsync(r => r["cohort"] = "2023");

        // DfE's transfer holds the person's lock (its session takes it first) while the provider's accept waits.
        await using var scope = fixture.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<Marten.IDocumentSession>();
        await scope.ServiceProvider.GetRequiredService<Npq.Application.Common.IWriteLocks>().LockParticipantAsync(session, application.ParticipantId, CancellationToken.None);
        var accept = from.AcceptAsync(application.Id);
        await Task.Delay(700);
        await scope.ServiceProvider.GetRequiredService<Mediator.IMediator>().Send(
            new Npq.Application.NpqApplications.TransferApplication.TransferApplication(Npq.Application.Common.Caller.System, application.Id, to.Id));

        var (status, _, _) = await accept;
        status.ShouldBe(HttpStatusCode.NotFound, "the application is no longer the caller's");
        var now = (await to.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOk();
        now.GetProperty("status").GetString().ShouldBe("pending");
    }

    [Fact]
    public async Task A_body_with_invalid_utf8_is_a_400()
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var client = provider.Client();
        var bytes = Encoding.UTF8.GetBytes("{\"data\":{\"attributes\":{\"participant_id\":\"X\",\"declaration_type\":\"started\"}}}");
        bytes[bytes.Length - 8] = 0xC3; // a lead byte …
        bytes[bytes.Length - 7] = 0x28; // … followed by a byte that cannot continue it
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        using var response = await client.PostAsync("/api/v3/participant-declarations", content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await ShouldNotBeServerErrorAsync(response, "invalid UTF-8");
    }

    [Fact]
    public async Task The_audit_api_answers_404_for_an_id_of_another_kind_of_resource()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync();
        var (token, _) = await fixture.IssueTokenAsync(TokenKind.Auditor);
        using var auditor = fixture.WithToken(token);

        foreach (var kind in new[] { "statements", "participant-declarations", "participants" })
        {
            using var response = await auditor.GetAsync($"/api/audit/{kind}/{application.Id}");
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, kind);
            await ShouldNotBeServerErrorAsync(response, kind);
        }
    }

    private static async Task ShouldNotBeServerErrorAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBeLessThan(500, $"{what}: {text}");
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json", what);
        if ((int)response.StatusCode >= 400)
        {
            // The contract's error shapes: {"errors":[…]} (400, 422, 413, 429) or {"error":"…"} (401, 404).
            var root = JsonDocument.Parse(text).RootElement;
            (root.TryGetProperty("errors", out _) || root.TryGetProperty("error", out _)).ShouldBeTrue($"{what}: {text}");
        }
    }
}
