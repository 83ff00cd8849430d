using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Observability;

/// <summary>
/// Issue 17, as an operator runs it: a real server process with JSON console logs and
/// <c>/metrics</c> on a port of its own. Every line is one JSON object; request lines carry the request
/// id, the W3C trace id, the caller's kind and provider; none carries what the caller sent.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class JsonLogTests(ApiFixture fixture)
{
    [Fact]
    public async Task Json_logs_carry_request_trace_and_caller_and_no_personal_data_and_metrics_have_their_own_port()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var metricsPort = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
            ["Logging__LogLevel__Default"] = "Information",
            ["Npq__Metrics__Port"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        // Handlers that send our traceparent as it is (HttpClient would otherwise put its own span's in).
        using var anonymous = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = server.Address };
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider.Token);

        var registration = ApiFixture.ValidRegistration(provider.Id);
        registration["date_of_birth"] = "1979-03-17";
        registration["national_insurance_number"] = "QQ123456C";
        var sent = new Dictionary<string, string>
        {
            [provider.Token] = "the token",
            [registration["email"]!.ToString()] = "the email",
            ["1979-03-17"] = "the date of birth",
            ["QQ123456C"] = "the National Insurance number",
            ["not-an-email-jo.bloggs"] = "a refused email",
        };
        using (var created = await anonymous.PostAsJsonAsync("/api/registrations", Body(registration)))
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var refused = ApiFixture.ValidRegistration(provider.Id);
        refused["email"] = "not-an-email-jo.bloggs";
        refused["national_insurance_number"] = "QQ123456C";
        using (var invalid = await anonymous.PostAsJsonAsync("/api/registrations", Body(refused)))
            invalid.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/npq-applications");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        request.Headers.Add("X-Request-Id", "crm-json-log-test");
        string serverTrace;
        using (var list = await client.SendAsync(request))
        {
            list.StatusCode.ShouldBe(HttpStatusCode.OK);
            serverTrace = list.Headers.GetValues("traceresponse").Single().Split('-')[1];
            list.Headers.GetValues("X-Request-Id").Single().ShouldBe("crm-json-log-test"); // echoed (CONTRACT B10)
        }

        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var scrape = await metrics.GetStringAsync("/metrics");
        scrape.ShouldContain("npq_requests_total{");
        scrape.ShouldContain($"provider_id=\"{provider.Id}\"");
        (await metrics.GetAsync("/api/v3/npq-applications")).StatusCode.ShouldBe(HttpStatusCode.NotFound); // that port serves metrics only
        (await anonymous.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.NotFound); // and the API's port none

        await Task.Delay(500); // the console logger writes on a queue of its own
        var lines = server.Log.Where(l => l.StartsWith('{')).ToList();
        lines.Count.ShouldBeGreaterThan(5);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList(); // each line is one JSON object

        var answered = entries.Single(e => e.GetProperty("Category").GetString() == "Npq.Api.Telemetry.TelemetryMiddleware"
                                           && e.GetProperty("Message").GetString()!.StartsWith("GET api/v{version:apiVersion}/npq-applications", StringComparison.Ordinal));
        var scopes = answered.GetProperty("Scopes").EnumerateArray().SelectMany(s => s.ValueKind == JsonValueKind.Object ? s.EnumerateObject() : [])
            .Select(p => (p.Name, Value: p.Value.ToString())).ToList();
        // The server's own trace and request id; the client's request id beside them, labelled as the client's (issue 24).
        scopes.ShouldContain(("TraceId", serverTrace), answered.ToString());
        scopes.Where(s => s.Name == "TraceId").Select(s => s.Value).Distinct().ShouldBe([serverTrace]);
        serverTrace.ShouldNotBe("0af7651916cd43dd8448eb211c80319c");
        scopes.ShouldContain(s => s.Name == "RequestId" && System.Text.RegularExpressions.Regex.IsMatch(s.Value, "^[0-9a-f]{32}$"), answered.ToString()); // the server's own
        scopes.ShouldNotContain(("RequestId", "crm-json-log-test"));
        scopes.ShouldContain(("ClientRequestId", "crm-json-log-test"), answered.ToString());
        answered.GetProperty("State").GetProperty("CallerKind").GetString().ShouldBe("lead_provider");
        answered.GetProperty("State").GetProperty("ProviderId").GetString().ShouldBe(provider.Id.ToString());
        answered.GetProperty("State").GetProperty("Status").GetInt32().ShouldBe(200);

        LogCapture.Leaks(server.Log, sent).ShouldBeEmpty();
    }

    private static JsonObject Body(JsonObject attributes) =>
        new() { ["data"] = new JsonObject { ["type"] = "registration", ["attributes"] = attributes } };
}
