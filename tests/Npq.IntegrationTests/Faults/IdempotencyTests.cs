using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npq.Application.Registration;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Faults;

/// <summary>
/// Issue 15: <c>Idempotency-Key</c> on POST and PUT, with Stripe's semantics. A retry after a lost
/// response gets the original answer and writes nothing; the same key for another request is a 422;
/// a key in use by a running request is a 409; keys are the caller's own.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class IdempotencyTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_declaration_retried_after_a_lost_response_gets_the_original_200_and_no_second_declaration()
    {
        var (provider, application) = await DeclarableAsync();
        var key = Guid.NewGuid().ToString();
        var body = Declaration(application);

        using var first = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", body, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        first.StatusCode.ShouldBe(HttpStatusCode.OK, firstBody);
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();

        // The CRM never saw that answer, and sends the same request again.
        using var retry = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", body, key);

        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(firstBody);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        retry.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var (_, list, _) = await provider.GetAsync("/api/v3/participant-declarations");
        list.GetProperty("data").GetArrayLength().ShouldBe(1);
        (await EventsAsync("declaration_submitted", application.ParticipantId)).ShouldBe(1);

        // Without the key, the same request is a new one, and the contract refuses the duplicate.
        using var withoutKey = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", body, key: null);
        withoutKey.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task The_same_key_for_another_request_is_a_422_and_writes_nothing()
    {
        var (provider, application) = await DeclarableAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", Declaration(application), key);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);

        var other = Declaration(application);
        other["declaration_date"] = "2025-11-02T10:00:00Z";
        using var reused = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", other, key);
        var text = await reused.Content.ReadAsStringAsync();

        reused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, text);
        JsonDocument.Parse(text).RootElement.GetProperty("errors")[0].GetProperty("title").GetString().ShouldBe("Idempotency-Key");
        (await EventsAsync("declaration_submitted", application.ParticipantId)).ShouldBe(1);

        // The same key on another path is another request too.
        using var elsewhere = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v1/participant-declarations", Declaration(application), key);
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_key_in_use_by_a_running_request_is_a_409_and_free_again_once_it_ends()
    {
        var (provider, application) = await DeclarableAsync();
        var key = Guid.NewGuid().ToString();
        var scope = $"token:{provider.TokenId:N}:{provider.Id:N}";

        // Another process is serving a request with this key: it holds the key's lock.
        await using (var running = new NpgsqlConnection(fixture.Database.ConnectionString))
        {
            await running.OpenAsync();
            await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended($1 || chr(10) || $2, 15))", running))
            {
                take.Parameters.AddWithValue(scope);
                take.Parameters.AddWithValue(key);
                await take.ExecuteNonQueryAsync();
            }

            using var concurrent = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", Declaration(application), key);
            var text = await concurrent.Content.ReadAsStringAsync();
            concurrent.StatusCode.ShouldBe(HttpStatusCode.Conflict, text);
            text.ShouldContain("still being processed");
        }

        (await EventsAsync("declaration_submitted", application.ParticipantId)).ShouldBe(0);
        using var later = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", Declaration(application), key);
        later.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_refusal_by_the_rules_is_kept_as_the_answer_to_its_key()
    {
        var (provider, application) = await DeclarableAsync();
        var key = Guid.NewGuid().ToString();
        var body = Declaration(application);
        body["declaration_date"] = "2099-01-01T00:00:00Z"; // in the future: refused

        using var first = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", body, key);
        var refusal = await first.Content.ReadAsStringAsync();
        first.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, refusal);
        using var again = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", body, key);

        again.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await again.Content.ReadAsStringAsync()).ShouldBe(refusal);
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await EventsAsync("declaration_submitted", application.ParticipantId)).ShouldBe(0);
    }

    [Fact]
    public async Task Keys_are_the_callers_own()
    {
        var (first, a) = await DeclarableAsync();
        var (second, b) = await DeclarableAsync();
        var key = Guid.NewGuid().ToString();

        using var mine = await SendAsync(first.Client(), HttpMethod.Post, "/api/v3/participant-declarations", Declaration(a), key);
        using var theirs = await SendAsync(second.Client(), HttpMethod.Post, "/api/v3/participant-declarations", Declaration(b), key);

        mine.StatusCode.ShouldBe(HttpStatusCode.OK);
        theirs.StatusCode.ShouldBe(HttpStatusCode.OK);
        theirs.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        (await theirs.Content.ReadAsStringAsync()).ShouldContain(b.ParticipantId.ToString());
    }

    [Fact]
    public async Task A_body_sent_as_another_media_type_is_another_request_and_never_gets_the_json_answer()
    {
        var (provider, application) = await DeclarableAsync();
        var key = Guid.NewGuid().ToString();
        var json = new JsonObject { ["data"] = new JsonObject { ["attributes"] = Declaration(application) } }.ToJsonString();

        using var client = provider.Client();
        using var asText = new HttpRequestMessage(HttpMethod.Post, "/api/v3/participant-declarations") { Content = new StringContent(json, Encoding.UTF8, "text/plain") };
        asText.Headers.Add("Idempotency-Key", key);
        using var first = await client.SendAsync(asText);
        using var asJson = new HttpRequestMessage(HttpMethod.Post, "/api/v3/participant-declarations") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        asJson.Headers.Add("Idempotency-Key", key);
        using var second = await client.SendAsync(asJson);

        second.Headers.Contains("Idempotent-Replayed").ShouldBeFalse($"the first answer was {(int)first.StatusCode}");
        if (first.IsSuccessStatusCode || first.StatusCode == HttpStatusCode.UnprocessableEntity)
            second.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity); // kept under the key: "a different request"
        else
            second.StatusCode.ShouldBe(HttpStatusCode.OK); // not kept: the JSON request is the first one with the key
    }

    [Fact]
    public async Task A_kept_answer_is_never_overwritten_while_it_is_kept()
    {
        var scope = $"token:{Guid.NewGuid():N}:-";
        var key = Guid.NewGuid().ToString();
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        var success = new Npq.Infrastructure.Idempotency.StoredResponse([1], 200, "application/json", null, "{\"ok\":true}"u8.ToArray());
        var refusal = new Npq.Infrastructure.Idempotency.StoredResponse([2], 422, "application/json", null, "{\"errors\":[]}"u8.ToArray());

        (await Npq.Infrastructure.Idempotency.IdempotencyStore.SaveAsync(connection, null, scope, key, success, CancellationToken.None)).ShouldBeTrue();
        (await Npq.Infrastructure.Idempotency.IdempotencyStore.SaveAsync(connection, null, scope, key, refusal, CancellationToken.None)).ShouldBeFalse();

        await using var command = new NpgsqlCommand("select status from npq.idempotent_requests where scope = $1 and key = $2", connection);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        ((int)(await command.ExecuteScalarAsync())!).ShouldBe(200);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(-1)]
    public async Task A_key_longer_than_255_characters_or_with_a_space_is_a_400(int length)
    {
        var (provider, application) = await DeclarableAsync();
        var key = length < 0 ? "two words" : new string('k', length);

        using var response = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", Declaration(application), key);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Idempotency-Key");
        (await EventsAsync("declaration_submitted", application.ParticipantId)).ShouldBe(0);
    }

    [Fact]
    public async Task A_registration_retried_with_its_key_is_one_application_and_one_email()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(fixture.Anonymous(), HttpMethod.Post, "/api/registrations", attributes, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        first.StatusCode.ShouldBe(HttpStatusCode.Created, firstBody);
        using var retry = await SendAsync(fixture.Anonymous(), HttpMethod.Post, "/api/registrations", attributes, key);

        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(firstBody);
        var applicationId = Guid.Parse(JsonDocument.Parse(firstBody).RootElement.GetProperty("data").GetProperty("id").GetString()!);
        var (_, list, _) = await provider.GetAsync("/api/v3/npq-applications");
        list.GetProperty("data").GetArrayLength().ShouldBe(1);

        // The email leaves after the commit, once (the outbox's send waits for the request's transaction).
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        var emails = 0;
        for (var attempt = 0; attempt < 100 && emails == 0; attempt++)
        {
            await using var session = store.QuerySession();
            emails = await session.Query<SentEmail>().CountAsync(e => e.ApplicationId == applicationId);
            if (emails == 0)
                await Task.Delay(100);
        }

        await Task.Delay(500);
        await using (var session = store.QuerySession())
            (await session.Query<SentEmail>().CountAsync(e => e.ApplicationId == applicationId)).ShouldBe(1);
    }

    [Fact]
    public async Task An_accept_retried_with_its_key_after_the_application_changed_gets_the_answer_it_had()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var registered = await provider.RegisterAsync(a => a["cohort"] = "2025");
        var key = Guid.NewGuid().ToString();
        var body = new JsonObject { ["funded_place"] = false };

        using var accepted = await SendAsync(provider.Client(), HttpMethod.Post, $"/api/v3/npq-applications/{registered.Id}/accept", body, key);
        var acceptedBody = await accepted.Content.ReadAsStringAsync();
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK, acceptedBody);
        using var changed = await SendAsync(provider.Client(), HttpMethod.Put, $"/api/v3/npq-applications/{registered.Id}/change-funded-place",
            new JsonObject { ["funded_place"] = true }, key: null);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

        using var retry = await SendAsync(provider.Client(), HttpMethod.Post, $"/api/v3/npq-applications/{registered.Id}/accept", body, key);

        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(acceptedBody, "Stripe's semantics: the answer the first request got, not today's state");
        (await EventsAsync("application_accepted", registered.Id)).ShouldBe(1);
    }

    /// <summary>A provider with a delivery partner, an open statement and an accepted application of the 2025 cohort.</summary>
    private async Task<(TestProvider Provider, Declarable Application)> DeclarableAsync()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var partner = await provider.AddDeliveryPartnerAsync($"Partner of {provider.Name}", 2025);
        await provider.OpenStatementAsync("2025", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2025");
        return (provider, new Declarable(application.ParticipantId, partner));
    }

    private sealed record Declarable(Guid ParticipantId, Guid Partner);

    [Fact]
    public async Task A_response_that_cannot_be_stored_takes_its_write_and_its_email_down_with_it()
    {
        // The store refuses this one key: the write and the stored response share one transaction,
        // so the declaration and the registration (and the registration's email) must go too.
        var failing = "refuse-" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"""
            create or replace function npq.test_refuse_key() returns trigger language plpgsql as $$
            begin if new.key = '{failing}' then raise exception 'refused by the test'; end if; return new; end $$;
            create trigger test_refuse_key before insert on npq.idempotent_requests for each row execute function npq.test_refuse_key();
            """);
        try
        {
            var (provider, application) = await DeclarableAsync();
            using var declared = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", Declaration(application), failing);
            ((int)declared.StatusCode).ShouldBeGreaterThanOrEqualTo(500);
            (await EventsAsync("declaration_submitted", application.ParticipantId)).ShouldBe(0);

            var attributes = ApiFixture.ValidRegistration(provider.Id);
            using var registered = await SendAsync(fixture.Anonymous(), HttpMethod.Post, "/api/registrations", attributes, failing);
            ((int)registered.StatusCode).ShouldBeGreaterThanOrEqualTo(500);
            await Task.Delay(1000);
            var store = fixture.Services.GetRequiredService<IDocumentStore>();
            await using var session = store.QuerySession();
            var email = attributes["email"]!.GetValue<string>();
            (await session.Query<Npq.Application.NpqApplications.ApplicationView>().CountAsync(a => a.Email == email)).ShouldBe(0);
            (await session.Query<SentEmail>().CountAsync(e => e.Email == email)).ShouldBe(0, "the outbox sends only after the request's commit");

            // The same requests with a key the store accepts go through.
            using var again = await SendAsync(provider.Client(), HttpMethod.Post, "/api/v3/participant-declarations", Declaration(application), Guid.NewGuid().ToString());
            again.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await ExecuteAsync("drop trigger if exists test_refuse_key on npq.idempotent_requests; drop function if exists npq.test_refuse_key();");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static JsonObject Declaration(Declarable application) => new()
    {
        ["participant_id"] = application.ParticipantId.ToString(),
        ["declaration_type"] = "started",
        ["declaration_date"] = "2025-11-01T10:00:00Z",
        ["course_identifier"] = "npq-senior-leadership",
        ["delivery_partner_id"] = application.Partner.ToString(),
    };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, JsonObject attributes, string? key)
    {
        using (client)
        {
            using var request = new HttpRequestMessage(method, path)
            {
                Content = new StringContent(new JsonObject { ["data"] = new JsonObject { ["attributes"] = attributes.DeepClone() } }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            if (key is not null)
                request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            return await client.SendAsync(request);
        }
    }

    private async Task<int> EventsAsync(string type, Guid streamOrParticipant)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from npq.mt_events where type = $1 and (stream_id = $2 or data->>'ParticipantId' = $3)", connection);
        command.Parameters.AddWithValue(type);
        command.Parameters.AddWithValue(streamOrParticipant);
        command.Parameters.AddWithValue(streamOrParticipant.ToString());
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }
}
