using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Tenancy;

/// <summary>
/// Issue 24: no provider can read or learn anything of another's. Provider B sends every operation of
/// every version with A's ids, A's idempotency key and A's cursor, in every form of <c>Authorization</c>
/// the service accepts; nothing of A's comes back, nothing of A's changes, nothing is replayed and A's
/// feed gets nothing. The change feed tells each provider only what its own view shows; registration and
/// declarations tell nothing of other people; the side channels of the table are closed.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class TenancyTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Every form of the header the service accepts (§1.2), for a token.</summary>
    private static string[] AuthorizationForms(string token) => [$"Bearer {token}", $"Token {token}", $"Token token=\"{token}\"", $"token   {token}"];

    [Fact]
    public async Task Another_providers_idempotency_key_is_never_replayed_in_any_form_of_authorization()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var ofA = await a.RegisterAsync();
        var ofB = await b.RegisterAsync();
        var key = Guid.NewGuid().ToString();

        using var rejected = await SendAsync($"Token {a.Token}", HttpMethod.Post, $"/api/v3/npq-applications/{ofA.Id}/reject", null, key);
        rejected.StatusCode.ShouldBe(HttpStatusCode.OK);

        foreach (var authorization in AuthorizationForms(b.Token))
        {
            // The same request as A's, with A's key: B's own answer (A's application is not B's).
            using var same = await SendAsync(authorization, HttpMethod.Post, $"/api/v3/npq-applications/{ofA.Id}/reject", null, key);
            same.StatusCode.ShouldBe(HttpStatusCode.NotFound, authorization);
            same.Headers.Contains("Idempotent-Replayed").ShouldBeFalse(authorization);
            var text = await same.Content.ReadAsStringAsync();
            text.ShouldNotContain(ofA.Id.ToString());
            text.ShouldNotContain(ofA.Resource.GetProperty("attributes").GetProperty("email").GetString()!);
        }

        // B's own, different request with the key A used: no interference, no word of A's use.
        using var own = await SendAsync($"Token {b.Token}", HttpMethod.Post, $"/api/v3/npq-applications/{ofB.Id}/reject", null, key);
        own.StatusCode.ShouldBe(HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        own.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();

        // A's replay is A's, in any form of A's own header.
        using var replay = await SendAsync($"Bearer {a.Token}", HttpMethod.Post, $"/api/v3/npq-applications/{ofA.Id}/reject", null, key);
        replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
    }

    [Fact]
    public async Task Every_operation_of_every_version_with_another_providers_ids_keys_and_cursors_reads_and_changes_nothing_of_theirs()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var partner = await a.AddDeliveryPartnerAsync($"Partner of {a.Name}", 2024, 2025);
        var statement = await a.OpenStatementAsync("2025", Today.AddDays(30));
        var application = await a.AcceptedApplicationAsync("2025");
        var key = Guid.NewGuid().ToString();
        using (var declared = await SendAsync($"Bearer {a.Token}", HttpMethod.Post, "/api/v3/participant-declarations", new JsonObject
               {
                   ["participant_id"] = application.ParticipantId.ToString(), ["declaration_type"] = "started",
                   ["declaration_date"] = "2025-11-01T10:00:00Z", ["course_identifier"] = "npq-senior-leadership",
                   ["delivery_partner_id"] = partner.ToString(),
               }, key))
        {
            declared.StatusCode.ShouldBe(HttpStatusCode.OK, await declared.Content.ReadAsStringAsync());
        }

        var declaration = (await a.GetAsync("/api/v3/participant-declarations")).ShouldBeOkBody().GetProperty("data")[0].GetProperty("id").GetGuid();
        var email = application.Resource.GetProperty("attributes").GetProperty("email").GetString()!;
        var secretsOfA = new[] { application.Id.ToString(), application.ParticipantId.ToString(), declaration.ToString(), statement.ToString(), email };
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (feedOfA, cursorOfA) = await ChangeFeedFollowing.FollowAsync(a, null);
        var eventsOfA = await EventsOfAsync(application.Id, application.ParticipantId, declaration, statement);
        var body = new JsonObject
        {
            ["participant_id"] = application.ParticipantId.ToString(), ["course_identifier"] = "npq-senior-leadership",
            ["declaration_type"] = "started", ["declaration_date"] = "2025-11-01T10:00:00Z", ["delivery_partner_id"] = partner.ToString(),
            ["reason"] = "other", ["schedule_identifier"] = "npq-leadership-autumn", ["cohort"] = "2025", ["funded_place"] = true,
            ["state"] = "passed", ["completion_date"] = "2025-11-01",
        };

        var failures = new List<string>();
        var requests = 0;
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            var document = JsonNode.Parse(await File.ReadAllTextAsync(Repository.File("docs", "openapi", $"{version}.json")))!;
            foreach (var (template, operations) in document["paths"]!.AsObject())
            {
                if (template.Contains("delivery-partners", StringComparison.Ordinal))
                    continue; // reference data, shared by every provider
                var path = template
                    .Replace("/npq-applications/{id}", $"/npq-applications/{application.Id}", StringComparison.Ordinal)
                    .Replace("/participant-declarations/{id}", $"/participant-declarations/{declaration}", StringComparison.Ordinal)
                    .Replace("/participants/npq/{id}", $"/participants/npq/{application.ParticipantId}", StringComparison.Ordinal)
                    .Replace("/statements/{id}", $"/statements/{statement}", StringComparison.Ordinal);
                if (template.EndsWith("/changes", StringComparison.Ordinal))
                    path += $"?cursor={Uri.EscapeDataString(cursorOfA)}";
                foreach (var (method, _) in operations!.AsObject())
                {
                    var write = method is "post" or "put";
                    foreach (var authorization in AuthorizationForms(b.Token))
                    {
                        using var response = await SendAsync(authorization, new HttpMethod(method.ToUpperInvariant()), path, write ? body : null, write ? key : null);
                        requests++;
                        var text = await response.Content.ReadAsStringAsync();
                        var status = (int)response.StatusCode;
                        var what = $"{method.ToUpperInvariant()} {path} ({authorization[..6]}…)";
                        // B's own refusal under the key may be replayed to B; A's answer (a 200) never.
                        if (response.Headers.Contains("Idempotent-Replayed") && status is >= 200 and < 300)
                            failures.Add($"{what}: replayed A's answer");
                        // What B itself sent (in the path or the body) may be named back; nothing else of A's.
                        if (secretsOfA.FirstOrDefault(s => text.Contains(s, StringComparison.OrdinalIgnoreCase)) is { } leaked
                            && !path.Contains(leaked, StringComparison.Ordinal) && !(write && body.ToJsonString().Contains(leaked, StringComparison.Ordinal)))
                            failures.Add($"{what}: {status} shows {leaked}");
                        if (template.Contains('{', StringComparison.Ordinal) && status != 404 && !(write && status is 400 or 422))
                            failures.Add($"{what}: {status}, not 404: {text[..Math.Min(200, text.Length)]}");
                        if (!template.Contains('{', StringComparison.Ordinal) && status is >= 200 and < 300 && write)
                            failures.Add($"{what}: {status} for a write with A's ids");
                        if (template.EndsWith("/changes", StringComparison.Ordinal) && status != 400)
                            failures.Add($"{what}: A's cursor answered {status}");
                    }
                }
            }
        }

        requests.ShouldBeGreaterThan(150);
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(30)));

        // Nothing of A's changed, A's feed got nothing, and B's feed holds nothing of A's.
        (await EventsOfAsync(application.Id, application.ParticipantId, declaration, statement)).ShouldBe(eventsOfA);
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        (await ChangeFeedFollowing.FollowAsync(a, cursorOfA)).Items.ShouldBeEmpty();
        var (feedOfB, _) = await ChangeFeedFollowing.FollowAsync(b, null);
        feedOfB.Select(i => i.GetProperty("resource_id").GetString()).ShouldAllBe(id => !secretsOfA.Contains(id));
        feedOfA.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Another_providers_actions_on_the_same_person_reach_a_feed_only_as_changes_of_its_own_view()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var ofA = await a.AcceptedApplicationAsync("2025");
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (_, cursor) = await ChangeFeedFollowing.FollowAsync(a, null);
        var before = await ReadAsync(a, ofA);

        // B registers the same person for another course: A's application does not change, so A hears nothing of it.
        var ofB = await b.RegisterAsync(r =>
        {
            r.AsPersonOf(ofA);
            r["cohort"] = "2025";
            r["course_identifier"] = "npq-headship";
        });
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        (await ReadAsync(a, ofA)).Application.ShouldBe(before.Application);
        var (afterRegistration, cursorAfterRegistration) = await ChangeFeedFollowing.FollowAsync(a, cursor);
        afterRegistration.ShouldNotContain(i => i.GetProperty("resource_type").GetString() == "npq-application");

        // B accepts: A's feed names only what A's own view shows changed, in A's words and times (to the
        // second, as A reads them: an accept in the same second as A's read changes nothing A can see).
        (await b.AcceptAsync(ofB.Id, "v3", new JsonObject { ["funded_place"] = ofB.Resource.GetProperty("attributes").GetProperty("eligible_for_funding").GetBoolean() })).ShouldBeOk();
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (items, _) = await ChangeFeedFollowing.FollowAsync(a, cursorAfterRegistration);
        var after = await ReadAsync(a, ofA);
        var eventIds = await EventIdsAsync();
        foreach (var item in afterRegistration.Concat(items))
        {
            item.GetProperty("type").GetString().ShouldBeOneOf(Changes.ChangeFeedTests.ChangeFeedTypes);
            eventIds.ShouldNotContain(item.GetProperty("id").GetGuid());
        }

        // Each resource's last item is dated with the updated_at A reads now, not with B's event.
        foreach (var last in afterRegistration.Concat(items).GroupBy(i => i.GetProperty("resource_id").GetGuid()).Select(g => g.Last()))
        {
            var read = last.GetProperty("resource_type").GetString() == "npq-application" ? after.Application : after.Participant;
            last.GetProperty("occurred_at").GetString().ShouldBe(JsonDocument.Parse(read).RootElement.GetProperty("attributes").GetProperty("updated_at").GetString(),
                last.GetRawText());
        }

        // An item for A's application is there exactly when A's application reads differently.
        items.Any(i => i.GetProperty("resource_id").GetGuid() == ofA.Id).ShouldBe(after.Application != before.Application);
        items.Any(i => i.GetProperty("resource_id").GetGuid() == ofA.ParticipantId).ShouldBe(after.Participant != before.Participant);
    }

    [Fact]
    public async Task A_transfer_away_removes_the_application_and_the_participant_from_the_old_owners_feed_in_its_own_terms()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var ofA = await a.AcceptedApplicationAsync("2025");
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (_, cursor) = await ChangeFeedFollowing.FollowAsync(a, null);

        var admin = await fixture.AdminAsync();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/npq-applications/{ofA.Id}/transfer", new JsonObject { ["lead_provider_id"] = b.Id.ToString() }))
            .ShouldBeOk();
        var movedAt = (await b.GetAsync($"/api/v3/npq-applications/{ofA.Id}")).ShouldBeOk().GetProperty("updated_at").GetString();
        await ChangeFeedFollowing.CaughtUpAsync(fixture);
        var (items, _) = await ChangeFeedFollowing.FollowAsync(a, cursor);

        var application = items.Single(i => i.GetProperty("resource_id").GetGuid() == ofA.Id);
        application.GetProperty("type").GetString().ShouldBe("application_removed");
        application.GetProperty("occurred_at").GetString().ShouldBe(movedAt); // when it left A's hands
        application.GetProperty("participant_id").GetGuid().ShouldBe(ofA.ParticipantId);
        items.Single(i => i.GetProperty("resource_id").GetGuid() == ofA.ParticipantId).GetProperty("type").GetString().ShouldBe("participant_removed");
        (await a.GetAsync($"/api/v3/participants/npq/{ofA.ParticipantId}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Registration_answers_the_same_whether_or_not_a_guessed_date_of_birth_is_right_and_stops_attaching_after_the_days_failures()
    {
        var a = await fixture.NewLeadProviderAsync();
        var ofA = await a.RegisterAsync();

        async Task<(HttpStatusCode Status, string Body)> AttachAsync(string dateOfBirth, Guid leadProviderId)
        {
            var attributes = ApiFixture.ValidRegistration(leadProviderId, "npq-headship");
            attributes.AsPersonOf(ofA);
            attributes["date_of_birth"] = dateOfBirth;
            using var response = await fixture.PostRegistrationAsync(attributes);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // With another error forced (an unknown lead provider), the right and a wrong date of birth answer alike.
        var right = ApiFixture.ValidRegistration(a.Id)["date_of_birth"]!.GetValue<string>();
        var withRight = await AttachAsync(right, Guid.NewGuid());
        var withWrong = await AttachAsync("1971-02-03", Guid.NewGuid());
        withRight.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        withRight.ShouldBe(withWrong);
        withRight.Body.ShouldNotContain("participant_id");

        // Ten wrong dates in a day, and then the right one is refused too: the dates cannot be tried one by one.
        var guesses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => AttachAsync($"1970-01-{i + 10}", a.Id))); // at once: counted one after another
        guesses.ShouldAllBe(g => g.Body.Contains("The participant is not recognised"));
        var locked = await AttachAsync(right, a.Id);
        locked.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        locked.Body.ShouldContain("The participant is not recognised");
    }

    [Fact]
    public async Task A_person_holds_at_most_thirty_applications()
    {
        var a = await fixture.NewLeadProviderAsync();
        var first = await a.RegisterAsync();
        await using (var connection = new NpgsqlConnection(fixture.Database.ConnectionString))
        {
            // 29 more, cheaply: the cap is read from the person's view.
            await connection.OpenAsync();
            await using var fill = new NpgsqlCommand(
                "update npq.mt_doc_participantview set data = jsonb_set(data, '{ApplicationIds}', (select jsonb_agg(gen_random_uuid()) from generate_series(1, 30))) where id = $1",
                connection);
            fill.Parameters.AddWithValue(first.ParticipantId);
            (await fill.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var attributes = ApiFixture.ValidRegistration(a.Id, "npq-headship");
        attributes.AsPersonOf(first);
        using var response = await fixture.PostRegistrationAsync(attributes);
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, text);
        text.ShouldContain("already has 30 applications");
    }

    [Fact]
    public async Task A_declaration_for_a_retired_id_names_the_successor_only_to_a_provider_who_can_see_it()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var ofA = await a.AcceptedApplicationAsync("2025");
        var successor = Guid.NewGuid();
        var admin = await fixture.AdminAsync();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{ofA.ParticipantId}/change-id",
            new JsonObject { ["to_participant_id"] = successor.ToString() })).ShouldBeOk();

        var byB = await b.DeclareAsync(ofA, "started", "2025-11-01T10:00:00Z");
        var byA = await a.DeclareAsync(ofA, "started", "2025-11-01T10:00:00Z");

        byB.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        byB.Body.GetRawText().ShouldNotContain(successor.ToString());
        byA.Body.GetRawText().ShouldContain(successor.ToString());
    }

    [Fact]
    public async Task Server_timing_is_left_out_unless_an_operator_turns_it_on()
    {
        await using var sandbox = new ApiFactory(fixture.Database.ConnectionString, settings: new Dictionary<string, string?> { ["Npq:ServerTiming:Enabled"] = null });
        using var response = await sandbox.CreateClient().GetAsync("/api/v3/npq-applications");
        response.Headers.Contains("Server-Timing").ShouldBeFalse();

        using var turnedOn = await fixture.Anonymous().GetAsync("/api/v3/npq-applications"); // the suite's factory sets it
        turnedOn.Headers.Contains("Server-Timing").ShouldBeTrue();
    }

    [Theory]
    [InlineData("Npq:Tokens:Secret", "sandbox-only-token-key-set-Npq__Tokens__Secret-in-production", "Npq:Tokens:Secret")]
    [InlineData("Npq:Audit:SigningKey", "4D/xROkCNdJq+U2dfe+DTn14n6EGAYNrpO2bFvtO+OE=", "Npq:Audit:SigningKey")]
    [InlineData("Npq:Audit:SigningKey", "", "without an audit signing key")]
    public async Task Production_refuses_to_start_on_a_committed_secret_or_without_a_signing_key(string setting, string value, string named)
    {
        // The real process, as an operator starts it: it stops before serving, with one line naming the setting.
        var settings = new Dictionary<string, string>
        {
            ["Npq__Audit__SigningKey"] = "Zk9yIHRoZSB0ZXN0OiBub3QgYSByZWFsIGtleSEhISE=", // 32 bytes, committed nowhere
            ["Npq__Metrics__Port"] = "off",
            [setting.Replace(":", "__", StringComparison.Ordinal)] = value,
        };

        var (code, _, error) = await ServerProcess.RunUntilExitAsync(fixture.Database.ConnectionString, "Production", settings, TimeSpan.FromSeconds(30));

        code.ShouldBe(Npq.Api.StartupProblems.ExitCode, error);
        var refusal = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        refusal.ShouldStartWith("configuration: Production refuses");
        refusal.ShouldContain(named);
    }

    private async Task<HttpResponseMessage> SendAsync(string authorization, HttpMethod method, string path, JsonObject? attributes, string? key)
    {
        using var client = fixture.Anonymous();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (key is not null)
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        if (attributes is not null)
            request.Content = new StringContent(new JsonObject { ["data"] = new JsonObject { ["attributes"] = attributes.DeepClone() } }.ToJsonString(), Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }

    private static async Task<(string Application, string Participant)> ReadAsync(TestProvider provider, RegisteredApplication application) =>
        ((await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).Body.GetProperty("data").GetRawText(),
            (await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).Body.GetProperty("data").GetRawText());

    private async Task<long> EventsOfAsync(params Guid[] streams)
    {
        await using var source = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var command = source.CreateCommand("select count(*) from npq.mt_events where stream_id = any($1)");
        command.Parameters.AddWithValue(streams);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<HashSet<Guid>> EventIdsAsync()
    {
        await using var source = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var command = source.CreateCommand("select id from npq.mt_events");
        var ids = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }
}
