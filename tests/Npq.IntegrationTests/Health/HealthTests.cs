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
            .ShouldBe(["database", "schema", "projections", "outbox", "schema-version"]);
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
    public async Task The_callers_request_id_is_echoed_and_without_one_the_server_gives_its_own()
    {
        using var client = fixture.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/npq-applications");
        request.Headers.Add("X-Request-Id", "crm-7f3a");

        var response = await client.SendAsync(request);
        var own = await client.GetAsync("/api/v3/npq-applications");

        // Echoed (CONTRACT B10); the server records its own id beside it, labelled as the caller's (issue 24).
        response.Headers.GetValues("X-Request-Id").Single().ShouldBe("crm-7f3a");
        own.Headers.GetValues("X-Request-Id").Single().ShouldMatch("^[0-9a-f]{32}$");
    }
}
