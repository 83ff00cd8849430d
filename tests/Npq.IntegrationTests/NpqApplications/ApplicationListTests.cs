using System.Net;
using System.Text.Json;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.NpqApplications;

/// <summary>CONTRACT §10 scenarios 1–9 for the applications list, in every version.</summary>
[Collection(ApiTests.Name)]
public sealed class ApplicationListTests(ApiFixture fixture)
{
    public static TheoryData<string> Versions => new() { "v1", "v2", "v3" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario1_without_a_token_the_list_is_401_with_the_contract_body(string version)
    {
        using var client = fixture.Anonymous();
        foreach (var path in version == "v3" ? new[] { "npq-applications" } : ["npq-applications", "npq-applications.csv"])
        {
            var response = await client.GetAsync($"/api/{version}/{path}");

            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.ToString().ShouldBe("application/json");
            (await response.Content.ReadAsStringAsync()).ShouldBe("""{"error":"HTTP Token: Access denied"}""");
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario2_another_providers_application_is_404_and_absent_from_lists(string version)
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var mine = await a.RegisterAsync();
        var theirs = await b.RegisterAsync();

        var (status, body, _) = await a.GetAsync($"/api/{version}/npq-applications/{theirs.Id}");
        status.ShouldBe(HttpStatusCode.NotFound);
        body.GetRawText().ShouldBe("""{"error":"Resource not found"}""");

        var list = await a.GetAsync($"/api/{version}/npq-applications");
        Ids(list.Body).ShouldBe([mine.Id]);
        (await a.GetAsync($"/api/{version}/npq-applications/{mine.Id}")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario3_list_has_the_envelope_and_no_store(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var registered = await provider.RegisterAsync();

        var (status, body, response) = await provider.GetAsync($"/api/{version}/npq-applications");

        status.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        response.Content.Headers.ContentType!.ToString().ShouldBe("application/json");
        var item = body.GetProperty("data").EnumerateArray().Single();
        item.GetProperty("id").GetGuid().ShouldBe(registered.Id);
        item.GetProperty("type").GetString().ShouldBe("npq_application");
        item.GetProperty("attributes").GetProperty("participant_id").GetGuid().ShouldBe(registered.ParticipantId);
        body.EnumerateObject().Select(p => p.Name).ShouldBe(["data"]);
    }

    [Fact]
    public async Task Scenario4_pages_default_to_100_and_clamp_at_3000_in_every_version()
    {
        var provider = await fixture.NewLeadProviderAsync();
        for (var i = 0; i < 150; i++)
            await provider.RegisterAsync();

        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            var first = await provider.GetAsync($"/api/{version}/npq-applications");
            first.Body.GetProperty("data").GetArrayLength().ShouldBe(100, version);

            var clamped = await provider.GetAsync($"/api/{version}/npq-applications?page[per_page]=5000&page[page]=1");
            clamped.Body.GetProperty("data").GetArrayLength().ShouldBe(150, version);

            var second = await provider.GetAsync($"/api/{version}/npq-applications?page[page]=2");
            Ids(first.Body).Concat(Ids(second.Body)).ShouldBe(Ids(clamped.Body), version);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario5_a_page_past_the_end_is_empty(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        for (var i = 0; i < 3; i++)
            await provider.RegisterAsync();

        var (status, body, _) = await provider.GetAsync($"/api/{version}/npq-applications?page[per_page]=2&page[page]=3");

        status.ShouldBe(HttpStatusCode.OK);
        body.GetRawText().ShouldBe("""{"data":[]}""");
        (await provider.GetAsync($"/api/{version}/npq-applications?page[per_page]=2&page[page]=2")).Body
            .GetProperty("data").GetArrayLength().ShouldBe(1);
    }

    [Theory]
    [InlineData("v1", "page[page]=-1")]
    [InlineData("v2", "page[page]=-1")]
    [InlineData("v3", "page[page]=-1")]
    [InlineData("v3", "page[per_page]=0")]
    [InlineData("v3", "page[per_page]=abc")]
    public async Task Scenario6_bad_pagination_is_a_400(string version, string query)
    {
        var provider = await fixture.NewLeadProviderAsync();

        var (status, body, _) = await provider.GetAsync($"/api/{version}/npq-applications?{query}");

        status.ShouldBe(HttpStatusCode.BadRequest);
        var error = body.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("title").GetString().ShouldBe("Bad request");
        error.GetProperty("detail").GetString()!.ShouldContain("page");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario7_a_bad_updated_since_is_a_400_naming_the_filter(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();

        var (status, body, _) = await provider.GetAsync($"/api/{version}/npq-applications?filter[updated_since]=invalid");

        status.ShouldBe(HttpStatusCode.BadRequest);
        var error = body.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("title").GetString().ShouldBe("Bad request");
        error.GetProperty("detail").GetString()!.ShouldContain("updated_since");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scenario8_updated_since_returns_only_what_changed_since(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var now = DateTimeOffset.UtcNow;
        await provider.RegisterAsync(at: now.AddHours(-2));
        var recent = await provider.RegisterAsync(at: now.AddMinutes(-1));
        var since = now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");

        var (status, body, _) = await provider.GetAsync($"/api/{version}/npq-applications?filter[updated_since]={since}");

        status.ShouldBe(HttpStatusCode.OK);
        Ids(body).ShouldBe([recent.Id]);
    }

    [Theory]
    [InlineData("2020-01-01T10:00:00%2B01:00")]
    [InlineData("2020-01-01T10:00:00%252B01:00")]
    [InlineData("2020-01-01T10:00:00-01:00")]
    [InlineData("2020-01-01T10:00:00.123Z")]
    [InlineData("2020-01-01")]
    [InlineData("2020-01-01T10:00:00")]
    public async Task Updated_since_accepts_offsets_decoded_once_and_double_encoded(string value)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var registered = await provider.RegisterAsync();

        var (status, body, _) = await provider.GetAsync($"/api/v3/npq-applications?filter[updated_since]={value}");

        status.ShouldBe(HttpStatusCode.OK);
        Ids(body).ShouldBe([registered.Id]);
    }

    [Fact]
    public async Task Scenario9_a_participant_id_filter_that_is_not_uuids_is_a_400()
    {
        var provider = await fixture.NewLeadProviderAsync();

        foreach (var query in new[] { "filter[participant_id]=not-a-uuid", "filter[participant_id][]=3fa85f64-5717-4562-b3fc-2c963f66afa6" })
        {
            var (status, body, _) = await provider.GetAsync($"/api/v3/npq-applications?{query}");
            status.ShouldBe(HttpStatusCode.BadRequest, query);
            body.GetProperty("errors")[0].GetProperty("title").GetString().ShouldBe("Bad request");
        }
    }

    [Fact]
    public async Task V3_filters_by_participant_id_and_cohort()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var first = await provider.RegisterAsync();
        var second = await provider.RegisterAsync(a => a["cohort"] = "2025");
        await provider.RegisterAsync();

        var byParticipant = await provider.GetAsync($"/api/v3/npq-applications?filter[participant_id]={first.ParticipantId},{second.ParticipantId.ToString().ToUpperInvariant()}");
        Ids(byParticipant.Body).ShouldBe([first.Id, second.Id]);

        var byCohort = await provider.GetAsync("/api/v3/npq-applications?filter[cohort]=2025,1999");
        Ids(byCohort.Body).ShouldBe([second.Id]);

        var noValidCohort = await provider.GetAsync("/api/v3/npq-applications?filter[cohort]=nonsense");
        Ids(noValidCohort.Body).ShouldBeEmpty();

        var v1Cohort = await provider.GetAsync("/api/v1/npq-applications?filter[cohort]=2025");
        Ids(v1Cohort.Body).ShouldBe([second.Id]);
    }

    [Fact]
    public async Task V3_sorts_by_known_fields_and_ignores_unknown_ones()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var now = DateTimeOffset.UtcNow;
        var oldest = await provider.RegisterAsync(at: now.AddMinutes(-30));
        var middle = await provider.RegisterAsync(at: now.AddMinutes(-20));
        var newest = await provider.RegisterAsync(at: now.AddMinutes(-10));

        Ids((await provider.GetAsync("/api/v3/npq-applications?sort=-created_at")).Body).ShouldBe([newest.Id, middle.Id, oldest.Id]);
        Ids((await provider.GetAsync("/api/v3/npq-applications?sort=%2Bupdated_at")).Body).ShouldBe([oldest.Id, middle.Id, newest.Id]);
        Ids((await provider.GetAsync("/api/v3/npq-applications?sort=nonsense,-also_unknown")).Body).ShouldBe([oldest.Id, middle.Id, newest.Id]);
        Ids((await provider.GetAsync("/api/v3/npq-applications?sort=nonsense,-updated_at")).Body).ShouldBe([newest.Id, middle.Id, oldest.Id]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_filter_that_is_not_an_object_is_a_400(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();

        var (status, body, _) = await provider.GetAsync($"/api/{version}/npq-applications?filter=x");

        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("errors")[0].GetProperty("title").GetString().ShouldBe("Bad request");
    }

    [Theory]
    [InlineData("/api/v3/npq-applications/not-a-uuid")]
    [InlineData("/api/v3/no-such-thing")]
    [InlineData("/api/v4/npq-applications")]
    [InlineData("/api/v1/statements")]
    [InlineData("/api/v3/npq-applications.csv")]
    public async Task Unknown_routes_are_404_json(string path)
    {
        var provider = await fixture.NewLeadProviderAsync();

        var (status, body, response) = await provider.GetAsync(path);

        status.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.ToString().ShouldBe("application/json");
        body.GetRawText().ShouldBe("""{"error":"Resource not found"}""");
    }

    [Fact]
    public async Task A_page_costs_the_same_round_trips_whatever_its_size()
    {
        var provider = await fixture.NewLeadProviderAsync();
        for (var i = 0; i < 30; i++)
            await provider.RegisterAsync();

        (await provider.GetAsync("/api/v3/npq-applications")).Status.ShouldBe(System.Net.HttpStatusCode.OK); // the token is now cached
        foreach (var path in new[] { "/api/v3/npq-applications", "/api/v1/npq-applications", "/api/v2/npq-applications.csv" })
        {
            var separator = path.Contains(".csv", StringComparison.Ordinal) ? "?filter[cohort]=" : "?page[per_page]=";
            var small = RoundTrips((await provider.GetAsync(path + separator + (separator.Contains("cohort") ? "1999" : "1"))).Response);
            var large = RoundTrips((await provider.GetAsync(path + separator + (separator.Contains("cohort") ? "2026" : "30"))).Response);

            large.ShouldBe(small, path);
            large.ShouldBe(2, $"{path}: the rate limiter and one query (the token was looked up by an earlier request)");
        }
    }

    private static int RoundTrips(HttpResponseMessage response)
    {
        var timing = response.Headers.GetValues("Server-Timing").Single();
        var match = System.Text.RegularExpressions.Regex.Match(timing, @"(\d+) round trips");
        match.Success.ShouldBeTrue(timing);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static IReadOnlyList<Guid> Ids(JsonElement body) =>
        body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();
}
