using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.RateLimiting;

/// <summary>CONTRACT B4: a rolling window per token, shared by every server process, with JSON 429s.</summary>
[Collection(ApiTests.Name)]
public sealed class RateLimitTests(ApiFixture fixture)
{
    private const int Limit = 50;

    private ApiFactory LowLimits(int windowSeconds) => new(fixture.Database.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Npq:RateLimit:PermitsPerToken"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Npq:RateLimit:WindowSeconds"] = windowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static HttpClient Client(ApiFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Request_51_is_a_json_429_with_headers_other_providers_are_unaffected_and_the_window_slides()
    {
        await using var factory = LowLimits(windowSeconds: 10);
        var provider = await fixture.NewLeadProviderAsync();
        var other = await fixture.NewLeadProviderAsync();
        using var client = Client(factory, provider.Token);

        for (var i = 1; i <= Limit; i++)
        {
            var ok = await client.GetAsync("/api/v3/npq-applications");
            ok.StatusCode.ShouldBe(HttpStatusCode.OK);
            ok.Headers.GetValues("RateLimit-Limit").Single().ShouldBe("50");
            ok.Headers.GetValues("RateLimit-Remaining").Single().ShouldBe((Limit - i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            int.Parse(ok.Headers.GetValues("RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 10);
        }

        var refused = await client.GetAsync("/api/v3/npq-applications");
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Content.Headers.ContentType!.ToString().ShouldBe("application/json");
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        error.GetProperty("title").GetString().ShouldBe("Too many requests");
        int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 10);
        refused.Headers.GetValues("RateLimit-Remaining").Single().ShouldBe("0");

        using (var otherClient = Client(factory, other.Token))
            (await otherClient.GetAsync("/api/v3/npq-applications")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Poll until the oldest request leaves the rolling window.
        var watch = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            status = (await client.GetAsync("/api/v3/npq-applications")).StatusCode;
        }
        while (status == HttpStatusCode.TooManyRequests && watch.Elapsed < TimeSpan.FromSeconds(20));
        status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Two_server_processes_on_one_database_admit_exactly_the_limit_together()
    {
        await using var factory = LowLimits(windowSeconds: 120);
        await using var second = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerToken"] = "50",
            ["Npq__RateLimit__WindowSeconds"] = "120",
            ["Npq__RateLimit__RefusalDelayMilliseconds"] = "0", // as in this process: the count is under test, not the slowing of floods
        });
        var provider = await fixture.NewLeadProviderAsync();
        using var first = Client(factory, provider.Token);
        using var other = new HttpClient { BaseAddress = second.Address };
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider.Token);

        var results = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            var batch = await Task.WhenAll(first.GetAsync("/api/v3/npq-applications"), other.GetAsync("/api/v1/npq-applications"));
            results.AddRange(batch.Select(r => r.StatusCode));
        }

        results.Count(s => s == HttpStatusCode.OK).ShouldBe(Limit);
        results.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBe(120 - Limit);
    }

    [Fact]
    public async Task A_refused_write_leaves_no_event()
    {
        await using var factory = LowLimits(windowSeconds: 120);
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");
        using var client = Client(factory, provider.Token);
        for (var i = 0; i < Limit; i++)
            await client.GetAsync("/api/v3/npq-applications");

        var response = await client.PostAsync($"/api/v3/npq-applications/{application.Id}/accept", null);

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        await using var session = fixture.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.Events.FetchStreamAsync(application.Id)).Count.ShouldBe(1);
        (await provider.GetAsync($"/api/v3/npq-applications/{application.Id}")).ShouldBeOk().GetProperty("status").GetString().ShouldBe("pending");
    }

    [Fact]
    public async Task Requests_without_a_valid_token_are_limited_per_ip_at_the_edge()
    {
        await using var server = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerIp"] = "5",
            ["Npq__RateLimit__WindowSeconds"] = "120",
        });
        using var client = server.ClientFromOwnAddress(); // an address no other request of the run used
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "npq_guessing");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            statuses.Add((await client.GetAsync("/api/v3/npq-applications")).StatusCode);

        statuses.Take(5).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        statuses.Skip(5).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
    }
}
