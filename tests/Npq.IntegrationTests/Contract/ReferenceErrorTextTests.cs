using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Contract;

/// <summary>
/// Issue 26, item 6: the error texts the reference's specs pin, word for word, and the order in which
/// its controllers make their checks (two bad filters, a bad page beside a 410 or a 404).
/// </summary>
[Collection(ApiTests.Name)]
public sealed class ReferenceErrorTextTests(ApiFixture fixture)
{
    private static (string Title, string Detail) FirstError(JsonElement body)
    {
        var error = body.GetProperty("errors")[0];
        return (error.GetProperty("title").GetString()!, error.GetProperty("detail").GetString()!);
    }

    [Theory]
    [InlineData("/api/v3/npq-applications?filter=abc", "'#/filter' is not a valid field")]
    [InlineData("/api/v3/participant-declarations?filter=", "'#/filter' is not a valid field")]
    [InlineData("/api/v3/npq-applications?filter[participant_id]=nope", "The filter '#/participant_id' must be a comma-delimited list of valid UUIDs")]
    [InlineData("/api/v3/npq-applications?page[page]=0", "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number")]
    [InlineData("/api/v3/statements?filter[updated_since]=yesterday", "The filter '#/updated_since' must be a valid ISO 8601 date")]
    [InlineData("/api/v3/participants/npq/outcomes?filter[created_since]=x", "The filter '#/created_since' must be a valid ISO 8601 date")]
    // Two bad filters: the one the reference's controller reads first.
    [InlineData("/api/v3/npq-applications?filter[updated_since]=x&filter[participant_id]=nope", "The filter '#/participant_id' must be a comma-delimited list of valid UUIDs")]
    [InlineData("/api/v3/participant-declarations?filter[participant_id]=nope&filter[updated_since]=x", "The filter '#/updated_since' must be a valid ISO 8601 date")]
    [InlineData("/api/v3/participants/npq?filter[training_status]=foo&filter[updated_since]=x", "The filter '#/updated_since' must be a valid ISO 8601 date")]
    public async Task A_list_400_has_the_references_exact_text(string path, string detail)
    {
        var provider = await fixture.NewLeadProviderAsync();

        var result = await provider.GetAsync(path);

        result.Status.ShouldBe(HttpStatusCode.BadRequest, path);
        FirstError(result.Body).ShouldBe(("Bad request", detail));
    }

    [Fact]
    public async Task The_training_status_422_the_410_and_the_403_have_the_references_exact_texts()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var status = await provider.GetAsync("/api/v3/participants/npq?filter[training_status]=foo");
        status.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        FirstError(status.Body).ShouldBe(("Unpermitted parameters", "The filter '#/training_status' must be [\"active\", \"deferred\", \"withdrawn\"]"));

        await provider.OpenStatementAsync("2023", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2023");
        var declared = (await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z")).ShouldBeOkBody();
        // After a transfer the new owner sees the old provider's declaration, and may not void it.
        var admin = await fixture.AdminAsync();
        var owner = await fixture.NewLeadProviderAsync();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{application.Id}/transfer", new JsonObject { ["lead_provider_id"] = owner.Id.ToString() }))
            .ShouldBeOk();
        var forbidden = await owner.SendAsync(HttpMethod.Put, $"/api/v3/participant-declarations/{declared.GetProperty("data").GetProperty("id").GetGuid()}/void");
        forbidden.Status.ShouldBe(HttpStatusCode.Forbidden);
        FirstError(forbidden.Body).ShouldBe(("Cannot modify declaration", "The declaration cannot be modified because it was created by another lead provider"));

        var newId = Guid.NewGuid();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/change-id", new JsonObject { ["to_participant_id"] = newId.ToString() }))
            .ShouldBeOk();
        foreach (var path in new[] { $"/api/v3/participants/npq/{application.ParticipantId}", $"/api/v3/participants/npq/{application.ParticipantId}/outcomes?page[page]=0" })
        {
            var gone = await owner.GetAsync(path); // the provider that can see the successor (ADR 0026)
            gone.Status.ShouldBe(HttpStatusCode.Gone, path); // before the bad page's 400, as the reference
            FirstError(gone.Body).ShouldBe(("Participant ID has been changed", $"The participant_id '{application.ParticipantId}' has been replaced with '{newId}'."));
        }

        (await owner.GetAsync($"/api/v3/participants/npq/{Guid.NewGuid()}/outcomes?page[page]=0")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_impossible_completion_date_in_the_right_shape_is_a_400_as_the_references_date_error()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2023");

        var result = await provider.SendAsync(HttpMethod.Post, $"/api/v3/participants/npq/{application.ParticipantId}/outcomes",
            new JsonObject { ["course_identifier"] = "npq-senior-leadership", ["state"] = "passed", ["completion_date"] = "2021-13-01" });

        result.Status.ShouldBe(HttpStatusCode.BadRequest);
        FirstError(result.Body).Title.ShouldBe("Bad request");
    }
}
