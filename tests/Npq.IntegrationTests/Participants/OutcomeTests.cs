using System.Net;
using System.Text.Json.Nodes;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Participants;

/// <summary>Outcomes (§3.11) in every version, and scenario 23's outcome list.</summary>
[Collection(ApiTests.Name)]
public sealed class OutcomeTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task Outcomes_are_recorded_listed_and_repeats_return_the_existing_one(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", Today.AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2023");
        var path = $"/api/{version}/participants/npq/{application.ParticipantId}/outcomes";
        JsonObject Outcome(string? state = "failed", string? date = "2024-06-30", string? course = "npq-senior-leadership") =>
            new() { ["course_identifier"] = course, ["state"] = state, ["completion_date"] = date };

        (await provider.SendAsync(HttpMethod.Post, path, Outcome())).ShouldBeUnprocessable().ShouldBe(["base"]);
        (await provider.DeclareAsync(application, "completed", "2024-06-30T10:00:00Z", version, customise: a => a["has_passed"] = true)).ShouldBeOk();

        (await provider.SendAsync(HttpMethod.Post, path, Outcome(course: "npq-early-headship-coaching-offer"))).ShouldBeUnprocessable().ShouldBe(["course_identifier"]);
        (await provider.SendAsync(HttpMethod.Post, path, Outcome(state: "voided"))).ShouldBeUnprocessable().ShouldBe(["state"]);
        (await provider.SendAsync(HttpMethod.Post, path, Outcome(date: "last june"))).ShouldBeUnprocessable().ShouldBe(["completion_date"]);
        (await provider.SendAsync(HttpMethod.Post, path, Outcome(date: Today.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))))
            .ShouldBeUnprocessable().ShouldBe(["completion_date"]);
        (await provider.SendAsync(HttpMethod.Post, path, Outcome(date: "2024-02-31"))).Status.ShouldBe(HttpStatusCode.BadRequest);

        var failed = (await provider.SendAsync(HttpMethod.Post, path, Outcome())).ShouldBeOk();
        failed.GetProperty("state").GetString().ShouldBe("failed");
        failed.GetProperty("completion_date").GetString().ShouldBe("2024-06-30T00:00:00+00:00");
        var again = await provider.SendAsync(HttpMethod.Post, path, Outcome());
        again.Body.GetProperty("data").GetProperty("id").GetGuid().ShouldBe(
            (await provider.SendAsync(HttpMethod.Post, path, Outcome())).Body.GetProperty("data").GetProperty("id").GetGuid());

        var list = (await provider.GetAsync(path)).Body.GetProperty("data").EnumerateArray().ToList();
        list.Select(o => o.GetProperty("attributes").GetProperty("state").GetString()).ShouldBe(["passed", "failed"]);
        list[0].GetProperty("type").GetString().ShouldBe("participant-outcome");
        list[0].GetProperty("attributes").TryGetProperty("updated_at", out _).ShouldBe(version == "v3");

        (await provider.GetAsync($"/api/{version}/participants/npq/outcomes")).Body.GetProperty("data").GetArrayLength().ShouldBe(2);
        var future = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        (await provider.GetAsync($"/api/{version}/participants/npq/outcomes?filter[created_since]={future}")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
        (await provider.GetAsync($"/api/{version}/participants/npq/outcomes?filter[created_since]=nope")).Status.ShouldBe(HttpStatusCode.BadRequest);

        var other = await fixture.NewLeadProviderAsync();
        (await other.GetAsync(path)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/{version}/participants/npq/outcomes")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
    }
}
