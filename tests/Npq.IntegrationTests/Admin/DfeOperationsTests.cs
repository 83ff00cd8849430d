using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npq.Infrastructure.Audit;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Admin;

/// <summary>
/// Issue 26: DfE's operations that make the states providers meet in the reference, each through
/// the admin API, seen through the provider's API in every version, the views still equal to a replay.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class DfeOperationsTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private async Task<(TestProvider Provider, TestProvider Admin, RegisteredApplication Application)> AcceptedAsync(Action<JsonObject>? customise = null)
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", Today.AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2023", customise);
        return (provider, await fixture.AdminAsync(), application);
    }

    private static JsonElement Attributes(JsonElement body) => body.GetProperty("data").GetProperty("attributes");

    private async Task ViewsEqualAReplayAsync()
    {
        var verified = await fixture.Services.GetRequiredService<ProjectionVerifier>().VerifyAsync(CancellationToken.None);
        verified.ReadModels.Where(m => !m.Matches).Select(m => $"{m.Name}: {string.Join(",", m.Divergent)}").ShouldBeEmpty("the views equal a replay of the log");
    }

    [Fact]
    public async Task A_blanked_email_is_null_in_every_version_and_moves_updated_at()
    {
        var (provider, admin, application) = await AcceptedAsync();
        var before = Attributes((await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOkBody()).GetProperty("updated_at").GetString();
        await Task.Delay(1100);

        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/change-email", new JsonObject { ["email"] = null })).ShouldBeOk();

        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            var seen = Attributes((await provider.GetAsync($"/api/{version}/npq-applications/{application.Id}")).ShouldBeOkBody());
            seen.GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null, version);
        }

        var v3 = Attributes((await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOkBody());
        string.CompareOrdinal(v3.GetProperty("updated_at").GetString(), before).ShouldBeGreaterThan(0);
        var enrolment = Attributes((await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).ShouldBeOkBody())
            .GetProperty("npq_enrolments")[0];
        enrolment.GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null);

        // A new address is shown again.
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/change-email",
            new JsonObject { ["email"] = "new.address@example.com" })).ShouldBeOk();
        Attributes((await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOkBody())
            .GetProperty("email").GetString().ShouldBe("new.address@example.com");
        await ViewsEqualAReplayAsync();
    }

    [Fact]
    public async Task A_name_change_keeps_the_previous_name()
    {
        var (provider, admin, application) = await AcceptedAsync();

        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/change-name", new JsonObject { ["full_name"] = "Jo Smith" }))
            .ShouldBeOk();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/change-name", new JsonObject { ["full_name"] = "Jo Jones" }))
            .ShouldBeOk();

        var participant = Attributes((await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).ShouldBeOkBody());
        participant.GetProperty("full_name").GetString().ShouldBe("Jo Jones");
        participant.GetProperty("previous_names").EnumerateArray().Select(n => n.GetString()).ShouldBe(["Jo Smith", "Jo Bloggs"]);
        Attributes((await provider.GetAsync($"/api/v1/npq-applications/{application.Id}")).ShouldBeOkBody())
            .GetProperty("full_name").GetString().ShouldBe("Jo Jones");
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/change-name", new JsonObject { ["full_name"] = " " }))
            .ShouldBeUnprocessable().ShouldBe(["full_name"]);
        await ViewsEqualAReplayAsync();
    }

    [Fact]
    public async Task A_trn_verified_after_accept_appears_in_applications_and_participants()
    {
        var (provider, admin, application) = await AcceptedAsync(a => a.Remove("teacher_reference_number"));
        Attributes((await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOkBody())
            .GetProperty("teacher_reference_number").ValueKind.ShouldBe(JsonValueKind.Null);

        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/verify-trn", new JsonObject { ["teacher_reference_number"] = "12345x7" }))
            .ShouldBeUnprocessable().ShouldBe(["teacher_reference_number"]);
        var trn = ApiFixture.NextTrn();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/verify-trn", new JsonObject { ["teacher_reference_number"] = trn }))
            .ShouldBeOk();

        var seen = Attributes((await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOkBody());
        seen.GetProperty("teacher_reference_number").GetString().ShouldBe(trn);
        seen.GetProperty("teacher_reference_number_validated").GetBoolean().ShouldBeTrue();
        Attributes((await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).ShouldBeOkBody())
            .GetProperty("teacher_reference_number").GetString().ShouldBe(trn);
        await ViewsEqualAReplayAsync();
    }

    [Fact]
    public async Task An_application_reverted_to_pending_leaves_the_participants_list_and_can_be_accepted_again()
    {
        var (provider, admin, application) = await AcceptedAsync();
        var path = $"/api/admin/npq-applications/{application.Id}/revert-to-pending";

        var reverted = Attributes((await admin.SendAsync(HttpMethod.Post, path)).ShouldBeOkBody());
        reverted.GetProperty("status").GetString().ShouldBe("pending");
        reverted.GetProperty("funded_place").ValueKind.ShouldBe(JsonValueKind.Null);
        (await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await admin.SendAsync(HttpMethod.Post, path)).ShouldBeUnprocessable().ShouldBe(["status"]);

        // The place it held is free again: accepting it again works, and a declaration then blocks a revert.
        (await provider.AcceptAsync(application.Id, "v3")).ShouldBeOk();
        (await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z")).ShouldBeOk();
        (await admin.SendAsync(HttpMethod.Post, path)).ShouldBeUnprocessable().ShouldBe(["status"]);
        await ViewsEqualAReplayAsync();
    }

    [Fact]
    public async Task Funding_eligibility_overridden_by_policy_shows_in_the_application()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var admin = await fixture.AdminAsync();
        var application = await provider.RegisterAsync(a =>
        {
            a["school_urn"] = "100004"; // an independent school: not eligible
            a["funding_choice"] = "self";
        });
        Attributes((await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOkBody())
            .GetProperty("eligible_for_funding").GetBoolean().ShouldBeFalse();

        var overridden = Attributes((await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{application.Id}/change-funding-eligibility",
            new JsonObject { ["eligible_for_funding"] = true })).ShouldBeOkBody());

        overridden.GetProperty("eligible_for_funding").GetBoolean().ShouldBeTrue();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{application.Id}/change-funding-eligibility",
            new JsonObject { ["eligible_for_funding"] = true })).ShouldBeUnprocessable().ShouldBe(["eligible_for_funding"]); // already so
        Attributes((await provider.GetAsync($"/api/v1/npq-applications/{application.Id}")).ShouldBeOkBody())
            .GetProperty("eligible_for_funding").GetBoolean().ShouldBeTrue();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{application.Id}/change-funding-eligibility", new JsonObject()))
            .ShouldBeUnprocessable().ShouldBe(["eligible_for_funding"]);
        await ViewsEqualAReplayAsync();
    }

    [Fact]
    public async Task Expired_registrations_are_rejected_in_bulk_with_an_outcome_per_id()
    {
        var (provider, admin, declared) = await AcceptedAsync();
        (await provider.DeclareAsync(declared, "started", "2023-11-01T10:00:00Z")).ShouldBeOk();
        var pending = await provider.RegisterAsync();
        var unknown = Guid.NewGuid();

        var result = (await admin.SendAsync(HttpMethod.Post, "/api/admin/npq-applications/reject-expired",
            new JsonObject { ["application_ids"] = new JsonArray(pending.Id.ToString(), declared.Id.ToString(), unknown.ToString()) })).ShouldBeOkBody();

        var outcomes = result.GetProperty("data").EnumerateArray()
            .ToDictionary(o => o.GetProperty("application_id").GetGuid(), o => o.GetProperty("outcome").GetString());
        outcomes.ShouldBe(new Dictionary<Guid, string?> { [pending.Id] = "rejected", [declared.Id] = "refused", [unknown] = "not_found" });
        var rejected = Attributes((await provider.GetAsync($"/api/v3/npq-applications/{pending.Id}")).ShouldBeOkBody());
        rejected.GetProperty("status").GetString().ShouldBe("rejected");
        rejected.GetProperty("reason_for_rejection").GetString().ShouldBe("registration_expired");
        Attributes((await provider.GetAsync($"/api/v3/npq-applications/{declared.Id}")).ShouldBeOkBody())
            .GetProperty("status").GetString().ShouldBe("accepted");
        await ViewsEqualAReplayAsync();
    }

    [Fact]
    public async Task A_cohort_change_keeps_the_schedule_and_needs_the_same_funding_and_no_declarations()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var admin = await fixture.AdminAsync();
        await provider.OpenStatementAsync("2024", Today.AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2024");
        var path = $"/api/admin/npq-applications/{application.Id}/change-cohort";

        (await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["cohort"] = "2023" })).ShouldBeUnprocessable().ShouldBe(["cohort"]); // fully funded
        (await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["cohort"] = "2019" })).ShouldBeUnprocessable().ShouldBe(["cohort"]);
        var moved = Attributes((await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["cohort"] = "2025a" })).ShouldBeOkBody());

        moved.GetProperty("cohort").GetString().ShouldBe("2025");
        moved.GetProperty("cohort_suffix").GetString().ShouldBe("a");
        var enrolment = Attributes((await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).ShouldBeOkBody()).GetProperty("npq_enrolments")[0];
        enrolment.GetProperty("cohort").GetString().ShouldBe("2025");
        enrolment.GetProperty("schedule_identifier").GetString().ShouldBe(moved.GetProperty("schedule_identifier").GetString());
        await ViewsEqualAReplayAsync();
    }

    [Fact]
    public async Task DfE_withdraws_on_the_owners_behalf_and_the_owner_sees_the_reason()
    {
        var (provider, admin, application) = await AcceptedAsync();
        var path = $"/api/admin/npq-applications/{application.Id}/change-training-status";
        (await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["action"] = "withdraw", ["reason"] = "other" }))
            .ShouldBeUnprocessable().ShouldBe(["participant_id"]); // no started declaration yet
        (await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z")).ShouldBeOk();

        (await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["action"] = "withdraw", ["reason"] = "change-in-career" })).ShouldBeOk();

        var enrolment = Attributes((await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).ShouldBeOkBody()).GetProperty("npq_enrolments")[0];
        enrolment.GetProperty("training_status").GetString().ShouldBe("withdrawn");
        enrolment.GetProperty("withdrawal").GetProperty("reason").GetString().ShouldBe("change-in-career");
        (await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["action"] = "sideways" })).ShouldBeUnprocessable().ShouldBe(["action"]);
        await ViewsEqualAReplayAsync();
    }

    [Fact]
    public async Task A_lead_providers_token_can_do_none_of_DfEs_operations_and_changes_nothing()
    {
        var (provider, _, application) = await AcceptedAsync();
        var before = (await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOkBody().GetRawText();
        var operations = new (string Path, JsonObject Attributes)[]
        {
            ($"/api/admin/participants/{application.ParticipantId}/change-email", new JsonObject { ["email"] = null }),
            ($"/api/admin/participants/{application.ParticipantId}/change-name", new JsonObject { ["full_name"] = "Taken Over" }),
            ($"/api/admin/participants/{application.ParticipantId}/verify-trn", new JsonObject { ["teacher_reference_number"] = ApiFixture.NextTrn() }),
            ($"/api/admin/participants/{application.ParticipantId}/erase-personal-data", new JsonObject { ["reason"] = "a provider cannot erase" }),
            ($"/api/admin/npq-applications/{application.Id}/revert-to-pending", new JsonObject()),
            ($"/api/admin/npq-applications/{application.Id}/change-funding-eligibility", new JsonObject { ["eligible_for_funding"] = false }),
            ($"/api/admin/npq-applications/{application.Id}/change-cohort", new JsonObject { ["cohort"] = "2022" }),
            ($"/api/admin/npq-applications/{application.Id}/change-training-status", new JsonObject { ["action"] = "defer", ["reason"] = "other" }),
            ("/api/admin/npq-applications/reject-expired", new JsonObject { ["application_ids"] = new JsonArray(application.Id.ToString()) }),
        };

        using var tokenForm = fixture.Anonymous();
        tokenForm.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Token token=\"{provider.Token}\"");
        foreach (var (path, attributes) in operations)
        {
            (await provider.SendAsync(HttpMethod.Post, path, attributes)).Status.ShouldBe(HttpStatusCode.Unauthorized, path);
            using var body = System.Net.Http.Json.JsonContent.Create(new JsonObject { ["data"] = new JsonObject { ["attributes"] = attributes.DeepClone() } });
            using var response = await tokenForm.PostAsync(path, body);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{path} (Token form)");
        }

        (await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOkBody().GetRawText().ShouldBe(before);
    }
}
