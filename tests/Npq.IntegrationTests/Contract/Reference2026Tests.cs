using System.Net;
using System.Text.Json;
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
}
