using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Decisions;

/// <summary><c>X-With-Server-Date</c> (§4.8, B6): honoured in Sandbox, ignored in Production.</summary>
[Collection(ApiTests.Name)]
public sealed class ServerDateTests(ApiFixture fixture)
{
    private static readonly DateTimeOffset March2025 = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Sandbox_uses_the_header_for_the_default_schedule_and_the_event_times()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2025a", at: March2025.AddDays(-1));

        var accepted = (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["funded_place"] = true }, serverDate: March2025)).ShouldBeOk();

        accepted.GetProperty("schedule_identifier").GetString().ShouldBe("npq-leadership-spring");
        accepted.GetProperty("updated_at").GetString().ShouldBe("2025-03-01T10:00:00Z");
    }

    [Fact]
    public async Task Production_ignores_the_header()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2025");
        await using var production = new ApiFactory(fixture.Database.ConnectionString, "Production");
        using var client = production.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v3/npq-applications/{application.Id}/accept")
        {
            Content = JsonContent.Create(new JsonObject { ["data"] = new JsonObject { ["attributes"] = new JsonObject { ["funded_place"] = true } } }),
        };
        request.Headers.Add("X-With-Server-Date", March2025.ToString("O"));

        var response = await client.SendAsync(request);

        var attributes = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("attributes");
        var updatedAt = DateTimeOffset.Parse(attributes.GetProperty("updated_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        updatedAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5), "the header did not set the time");
        var expected = Npq.Domain.Schedules.DefaultSchedule.For(
            Npq.Domain.Courses.Courses.Get("npq-senior-leadership"), 2025, "a", DateOnly.FromDateTime(DateTime.UtcNow), ["npq-leadership-autumn", "npq-leadership-spring"]);
        attributes.GetProperty("schedule_identifier").GetString().ShouldBe(expected);
    }
}
