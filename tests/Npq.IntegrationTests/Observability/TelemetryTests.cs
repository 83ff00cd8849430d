using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npq.Infrastructure.Tokens;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Observability;

/// <summary>
/// Issue 17: the service's own metrics on <c>/metrics</c> with their labels, trace context from
/// <c>traceparent</c> to the response and to the events a request appends, and logs that say who and
/// which trace but never carry personal data or tokens.
/// </summary>
[Collection(ApiTests.Name)]
public sealed partial class TelemetryTests(ApiFixture fixture)
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task Metrics_show_requests_by_version_route_status_and_provider_refusals_and_appended_events()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await using var factory = new ApiFactory(fixture.Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Npq:RateLimit:PermitsPerToken"] = "3",
            ["Npq:RateLimit:WindowSeconds"] = "60",
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider.Token);

        var registration = ApiFixture.ValidRegistration(provider.Id);
        LogCapture.Secret("an email", registration["email"]!.ToString());
        using (var anonymous = factory.CreateClient())
        using (var registered = await anonymous.PostAsJsonAsync("/api/registrations",
                   new JsonObject { ["data"] = new JsonObject { ["type"] = "registration", ["attributes"] = registration } }))
            registered.StatusCode.ShouldBe(HttpStatusCode.Created);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync("/api/v3/npq-applications");
            statuses.Add(response.StatusCode);
        }

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);

        // A client that invents methods adds no series: every unknown method is "other".
        using (var brew = new HttpRequestMessage(new HttpMethod("BREW"), "/api/v3/npq-applications"))
            (await factory.CreateClient().SendAsync(brew)).Dispose();

        // The API's port never answers /metrics (issue 24): its labels name providers.
        using (var onApiPort = await factory.CreateClient().GetAsync("/metrics"))
            onApiPort.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var (scrapeStatus, metrics) = await MetricsScrape.ReadAsync(factory);
        scrapeStatus.ShouldBe(200);
        var id = provider.Id.ToString();
        metrics.ShouldNotContain("method=\"BREW\"");
        metrics.ShouldContain("method=\"other\"");

        Value(metrics, "npq_requests_total", ("api_version", "v3"), ("route", "api/v{version:apiVersion}/npq-applications"), ("method", "GET"),
            ("status", "200"), ("caller_kind", "lead_provider"), ("provider_id", id)).ShouldBe(3);
        // A refusal thrown by a step after routing still names its route (ASP.NET's exception handler clears the endpoint).
        Value(metrics, "npq_requests_total", ("api_version", "v3"), ("route", "api/v{version:apiVersion}/npq-applications"), ("status", "429"),
            ("provider_id", id)).ShouldBe(1);
        Value(metrics, "npq_request_duration_seconds_count", ("api_version", "v3"), ("status", "200"), ("provider_id", id)).ShouldBe(3);
        Value(metrics, "npq_rate_limit_decisions_total", ("caller_kind", "lead_provider"), ("outcome", "refused"), ("provider_id", id)).ShouldBe(1);
        Value(metrics, "npq_rate_limit_decisions_total", ("caller_kind", "lead_provider"), ("outcome", "admitted"), ("provider_id", id)).ShouldBe(3);
        Value(metrics, "npq_events_appended_total", ("event_type", "application_registered")).ShouldBeGreaterThanOrEqualTo(1);
        Value(metrics, "npq_events_appended_total", ("event_type", "participant_registered")).ShouldBeGreaterThanOrEqualTo(1);
        Value(metrics, "npq_command_duration_seconds_count", ("command", "RegisterApplication"), ("outcome", "ok")).ShouldBeGreaterThanOrEqualTo(1);
        metrics.ShouldContain("npq_outbox_backlog");

        // Labels never carry a token or what a person gave.
        metrics.ShouldNotContain(provider.Token);
        metrics.ShouldNotContain(registration["email"]!.ToString());
    }

    [Fact]
    public async Task A_clients_traceparent_and_request_id_are_kept_as_the_clients_and_the_server_answers_with_its_own_trace()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(r => r["cohort"] = "2023");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v3/npq-applications/{application.Id}/accept");
        request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
        request.Headers.Add("X-Request-Id", "crm-trace-test");
        using var client = provider.Client();
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        // The server's trace is its own (issue 24): the client's traceparent is kept, labelled as the client's.
        var traceResponse = response.Headers.GetValues("traceresponse").Single();
        traceResponse.ShouldNotStartWith($"00-{TraceId}-");
        TraceResponse().IsMatch(traceResponse).ShouldBeTrue(traceResponse);
        var serverTrace = traceResponse.Split('-')[1];
        response.Headers.GetValues("X-Request-Id").Single().ShouldBe("crm-trace-test"); // echoed (CONTRACT B10)

        var (auditorToken, _) = await fixture.IssueTokenAsync(TokenKind.Auditor);
        using var auditor = fixture.WithToken(auditorToken);
        var history = JsonDocument.Parse(await auditor.GetStringAsync($"/api/audit/streams/{application.Id}")).RootElement.GetProperty("data");
        var accepted = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "application_accepted");
        accepted.GetProperty("trace_id").GetString().ShouldBe(serverTrace);
        accepted.GetProperty("request_id").GetString()!.ShouldMatch("^[0-9a-f]{32}$"); // the server's own
        accepted.GetProperty("client_traceparent").GetString().ShouldBe($"00-{TraceId}-00f067aa0ba902b7-01");
        accepted.GetProperty("client_request_id").GetString().ShouldBe("crm-trace-test");

        // A request without a traceparent starts a trace of its own, and its events carry that one.
        var other = await provider.RegisterAsync(r => r["cohort"] = "2023");
        using var own = await client.PostAsync($"/api/v3/npq-applications/{other.Id}/reject", null);
        var ownTrace = own.Headers.GetValues("traceresponse").Single().Split('-')[1];
        ownTrace.ShouldNotBe(TraceId);
        var rejected = JsonDocument.Parse(await auditor.GetStringAsync($"/api/audit/streams/{other.Id}")).RootElement.GetProperty("data")
            .EnumerateArray().Single(e => e.GetProperty("type").GetString() == "application_rejected");
        rejected.GetProperty("trace_id").GetString().ShouldBe(ownTrace);
    }

    [Fact]
    public async Task The_leak_check_finds_a_sent_value_in_a_line_and_the_capture_holds_this_run_s_request_lines()
    {
        var sent = new Dictionary<string, string> { ["jo.0123456789@example.com"] = "an email", ["npq_secret-token-value"] = "a token" };
        LogCapture.Leaks(["Information Npq: GET /api answered 200", "Warning X: bad value jo.0123456789@example.com"], sent)
            .ShouldBe(["an email in: Warning X: bad value jo.0123456789@example.com"]);
        LogCapture.Leaks(["Information Npq: GET /api answered 200"], sent).ShouldBeEmpty();

        var provider = await fixture.NewLeadProviderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/npq-applications");
        request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
        using var response = await provider.Client().SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var line = LogCapture.Snapshot().Last(l => l.Contains("GET api/v{version:apiVersion}/npq-applications answered 200", StringComparison.Ordinal)
                                                   && l.Contains(provider.Id.ToString(), StringComparison.Ordinal));
        var serverTrace = response.Headers.GetValues("traceresponse").Single().Split('-')[1];
        line.ShouldContain($"[TraceId={serverTrace}]");
        line.ShouldContain($"[RequestId={response.Headers.GetValues("X-Request-Id").Single()}]");
        line.ShouldContain("for lead_provider");
    }

    [Fact]
    public async Task Marten_s_daemon_checks_answer_on_the_metrics_port_and_never_on_the_api_s()
    {
        // Events to follow: the high-water mark moves past them, and the subscriptions after it.
        var provider = await fixture.NewLeadProviderAsync();
        await provider.RegisterAsync();
        await ChangeFeedFollowing.CaughtUpAsync(fixture);

        var (status, body) = await MetricsScrape.ReadAsync(fixture.Factory, "/health/daemon");
        status.ShouldBe(200, body);
        var report = JsonDocument.Parse(body).RootElement;
        report.GetProperty("status").GetString().ShouldBe("healthy", body);
        report.GetProperty("checks").GetArrayLength().ShouldBe(2, "the high-water check and the async projections' lag");
        (await fixture.Factory.CreateClient().GetAsync("/health/daemon")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "a provider learns nothing of the service's whole log");
    }

    [Fact]
    public async Task Every_metric_the_operators_dashboard_queries_is_exported()
    {
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root.FullName, "docs", "operations", "grafana-dashboard.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => Quoted().Replace(t.GetProperty("expr").GetString()!, ""))
            .SelectMany(expr => MetricName().Matches(expr).Select(m => m.Value))
            .Where(name => !PromQlWords.Contains(name))
            .ToHashSet();
        queried.Count.ShouldBeGreaterThan(10);
        // The alert rules too (one `expr:` a line).
        var alerts = (await File.ReadAllLinesAsync(Path.Combine(Repository.Root.FullName, "docs", "operations", "prometheus-alerts.yaml")))
            .Select(l => l.Trim()).Where(l => l.StartsWith("expr:", StringComparison.Ordinal)).Select(l => Quoted().Replace(l["expr:".Length..], ""))
            .SelectMany(expr => MetricName().Matches(expr).Select(m => m.Value)).Where(name => !PromQlWords.Contains(name)).ToList();
        alerts.Count.ShouldBeGreaterThan(6);
        queried.UnionWith(alerts);

        // Traffic that moves every instrument: a registration, an accept, a declaration on a statement, a 404.
        var provider = await fixture.NewLeadProviderAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var partner = await provider.AddDeliveryPartnerAsync($"Partner of {provider.Name}", 2024, 2025);
        await provider.OpenStatementAsync("2025", today.AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2025");
        (await provider.DeclareAsync(application, "started", "2025-11-01T10:00:00Z", customise: a => a["delivery_partner_id"] = partner.ToString())).ShouldBeOk();
        (await provider.GetAsync("/api/v3/no-such-resource")).Status.ShouldBe(HttpStatusCode.NotFound);

        // A signed checkpoint (once the traffic is sealed), so the checkpoint's age has a value; the
        // background gauges are sampled every 2 s.
        var sealer = fixture.Services.GetRequiredService<Npq.Infrastructure.Audit.Log.LogSealer>();
        var deadline = DateTime.UtcNow + Npq.Infrastructure.Health.ReadinessSampler.Interval * 3;
        List<string> missing;
        do
        {
            var exported = (await MetricsScrape.ReadAsync(fixture.Factory)).Body.Split('\n')
                .Where(l => l.Length > 0 && l[0] != '#')
                .Select(l => l[..l.IndexOfAny(['{', ' '])])
                .ToHashSet();
            missing = [.. queried.Where(name => !exported.Contains(name))];
            if (missing.Count > 0)
            {
                await sealer.CheckpointIfDueAsync(force: true, CancellationToken.None);
                await Task.Delay(500);
            }
        }
        while (missing.Count > 0 && DateTime.UtcNow < deadline);
        missing.ShouldBeEmpty();
    }

    private static readonly HashSet<string> PromQlWords =
        ["sum", "by", "rate", "histogram_quantile", "le", "topk", "increase", "max", "min", "count", "api_version", "status", "route",
         "caller_kind", "provider_id", "outcome", "event_type", "state", "command", "rate_interval", "and"];

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex Quoted();

    [GeneratedRegex("[a-z][a-z0-9_]*[a-z0-9]")]
    private static partial Regex MetricName();

    /// <summary>
    /// The value of the one sample of <paramref name="metric"/> whose labels include all of
    /// <paramref name="labels"/> (Prometheus text format), or the sum when several match.
    /// </summary>
    private static double Value(string metrics, string metric, params (string Name, string Value)[] labels)
    {
        var matches = metrics.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal))
            .Where(line => labels.All(l => line.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture))
            .ToList();
        matches.ShouldNotBeEmpty($"no sample of {metric} with {string.Join(", ", labels)}");
        return matches.Sum();
    }

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$")]
    private static partial Regex TraceResponse();
}
