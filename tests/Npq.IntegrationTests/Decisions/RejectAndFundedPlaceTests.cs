using System.Text.Json.Nodes;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Decisions;

/// <summary>Reject (§3.2) and change funded place (§3.3), scenario 17 and their error titles.</summary>
[Collection(ApiTests.Name)]
public sealed class RejectAndFundedPlaceTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task Rejecting_records_rejected_by_provider_and_twice_is_refused(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync();

        (await provider.RejectAsync(application.Id, version)).ShouldBeOk().GetProperty("status").GetString().ShouldBe("rejected");
        (await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOk()
            .GetProperty("reason_for_rejection").GetString().ShouldBe("rejected_by_provider");

        (await provider.RejectAsync(application.Id, version)).ShouldBeUnprocessable().ShouldBe(["application"]);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task V1_and_v2_cannot_reject_an_accepted_application(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");
        (await provider.AcceptAsync(application.Id, version)).ShouldBeOk();

        (await provider.RejectAsync(application.Id, version)).ShouldBeUnprocessable().ShouldBe(["application"]);
    }

    [Fact]
    public async Task V3_rejects_an_accepted_application_without_declarations_and_frees_its_place()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var first = await provider.RegisterAsync(a => a["cohort"] = "2023");
        (await provider.AcceptAsync(first.Id)).ShouldBeOk();

        var rejected = (await provider.RejectAsync(first.Id)).ShouldBeOk();
        rejected.GetProperty("status").GetString().ShouldBe("rejected");
        rejected.GetProperty("schedule_identifier").GetString().ShouldNotBeNull("schedule stays as it was");

        var again = await provider.RegisterAsync(a =>
        {
            a["cohort"] = "2023";
            a.AsPersonOf(first);
            a["course_identifier"] = "npq-senior-leadership";
        });
        (await provider.AcceptAsync(again.Id)).ShouldBeOk();
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task Scenario17_an_uncapped_cohort_has_no_funded_place(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");
        (await provider.AcceptAsync(application.Id, version)).ShouldBeOk();

        (await provider.ChangeFundedPlaceAsync(application.Id, new JsonObject { ["funded_place"] = true }, version))
            .ShouldBeUnprocessable().ShouldBe(["application"]);
    }

    [Fact]
    public async Task Funded_place_changes_on_an_accepted_capped_application_and_the_same_value_is_a_200()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2025");
        (await provider.AcceptAsync(application.Id, "v3", new JsonObject { ["funded_place"] = true })).ShouldBeOk();

        (await provider.ChangeFundedPlaceAsync(application.Id, new JsonObject { ["funded_place"] = false })).ShouldBeOk()
            .GetProperty("funded_place").GetBoolean().ShouldBeFalse();
        (await provider.ChangeFundedPlaceAsync(application.Id, new JsonObject { ["funded_place"] = false }, "v1")).ShouldBeOk()
            .GetProperty("funded_place").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Funded_place_errors_have_their_titles()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var pending = await provider.RegisterAsync(a => a["cohort"] = "2025");

        (await provider.ChangeFundedPlaceAsync(pending.Id, null)).ShouldBeUnprocessable().ShouldBe(["funded_place", "application"]);
        (await provider.ChangeFundedPlaceAsync(pending.Id, new JsonObject { ["funded_place"] = "yes" })).ShouldBeUnprocessable()
            .ShouldContain("funded_place");

        var ineligible = await provider.RegisterAsync(a =>
        {
            a["cohort"] = "2025";
            a["school_urn"] = "100004";
            a["funding_choice"] = "self";
        });
        (await provider.AcceptAsync(ineligible.Id, "v3", new JsonObject { ["funded_place"] = false })).ShouldBeOk();
        (await provider.ChangeFundedPlaceAsync(ineligible.Id, new JsonObject { ["funded_place"] = true })).ShouldBeUnprocessable()
            .ShouldBe(["application"]);
    }
}
