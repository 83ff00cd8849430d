using System.Net;
using System.Text.Json;
using Npgsql;
using Npq.Infrastructure.Health;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Health;

/// <summary>CONTRACT B10: liveness, readiness (database, schema, asynchronous lag) and request ids.</summary>
[Collection(ApiTests.Name)]
public sealed class HealthTests(ApiFixture fixture)
{
    [Fact]
    public async Task Live_and_ready_answer_with_their_checks()
    {
        using var client = fixture.Anonymous();

        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await client.GetAsync("/health/ready");
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        ready.StatusCode.ShouldBe(HttpStatusCode.OK, body.GetRawText());
        body.GetProperty("status").GetString().ShouldBe("ready");
        body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString())
            .ShouldBe(["database", "schema", "projections", "outbox"]);
        ready.Headers.GetValues("X-Request-Id").Single().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task An_unreachable_database_is_not_ready()
    {
        // Nothing listens on port 1 of the loopback interface.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2");

        var result = await ReadinessProbe.CheckAsync(unreachable, CancellationToken.None);

        result.Ready.ShouldBeFalse();
        result.Checks.Single().Name.ShouldBe("database");
        result.Checks.Single().Ok.ShouldBeFalse();
    }

    [Fact]
    public async Task A_database_without_the_schema_is_not_ready()
    {
        var server = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { Database = "postgres" }.ConnectionString;
        await using var empty = NpgsqlDataSource.Create(server);

        var result = await ReadinessProbe.CheckAsync(empty, CancellationToken.None);

        result.Ready.ShouldBeFalse();
        result.Checks.Single(c => c.Name == "schema").Ok.ShouldBeFalse();
    }

    [Fact]
    public async Task The_server_answers_with_a_request_id_of_its_own_whatever_the_caller_sent()
    {
        using var client = fixture.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/npq-applications");
        request.Headers.Add("X-Request-Id", "crm-7f3a");

        var response = await client.SendAsync(request);

        // The caller's id is kept beside it, labelled as the caller's, in logs and events (issue 24).
        var id = response.Headers.GetValues("X-Request-Id").Single();
        id.ShouldNotBe("crm-7f3a");
        id.ShouldMatch("^[0-9a-f]{32}$");
    }
}
