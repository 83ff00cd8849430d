using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Faults;

/// <summary>
/// Issue 15: three API processes on one PostgreSQL behind a load balancer (<see cref="Balancer"/>).
/// The <see cref="CrmLoad"/> writes through it while one process is killed: nothing acknowledged is
/// lost or doubled. Then a provider's full sync, every page of every resource through the balancer,
/// equals the same sync against one process. (The rate limit across processes is tested in
/// RateLimitTests with two.)
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class LoadBalancedTests(ITestOutputHelper output)
{
    private static readonly string[] Resources =
    [
        "/api/v3/npq-applications", "/api/v3/participants/npq", "/api/v3/participant-declarations",
        "/api/v3/participants/npq/outcomes", "/api/v3/statements", "/api/v1/npq-applications", "/api/v2/participants/npq",
    ];

    [Fact]
    public async Task Three_processes_behind_a_balancer_lose_nothing_when_one_dies_and_sync_like_one()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (providerId, token, adminToken) = await CrmLoad.PrepareDatabaseAsync(database.ConnectionString);
        var servers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServerProcess.StartAsync(database.ConnectionString, FaultSettings.Server)));
        try
        {
            await using var balancer = await Balancer.StartAsync(servers.Select(s => s.Address).ToList());
            var load = await CrmLoad.StartingAsync(balancer.Address, providerId, token, adminToken);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(3));
            servers[0].Kill();
            var killedAt = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(5));
            await stop.CancelAsync();
            await running;

            output.WriteLine(load.Summary());
            var all = load.Outcomes;
            all.Where(o => o.Status == HttpStatusCode.InternalServerError).ShouldBeEmpty();
            all.Where(o => o.At > killedAt.AddSeconds(2) && o.Status is HttpStatusCode.OK or HttpStatusCode.Created).ShouldNotBeEmpty("the two left serve on");
            await load.AssertExactlyOnceAsync(database.ConnectionString);

            var throughBalancer = await FullSyncAsync(balancer.Address, token);
            var fromOne = await FullSyncAsync(servers[2].Address, token);
            output.WriteLine(string.Join(", ", throughBalancer.Select(r => $"{r.Key}: {r.Value.Count}")));
            throughBalancer[Resources[0]].Count.ShouldBe(all.Count(o => o.Kind == "register" && o.Final && o.Status == HttpStatusCode.Created));
            foreach (var resource in Resources)
                throughBalancer[resource].ShouldBe(fromOne[resource], $"{resource}: the same rows, in the same order, through the balancer as from one process");
        }
        finally
        {
            foreach (var server in servers)
                await server.DisposeAsync();
        }
    }

    /// <summary>Every page of every resource, 100 at a time, as a CRM's first sync reads them.</summary>
    private static async Task<Dictionary<string, List<string>>> FullSyncAsync(Uri server, string token)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var result = new Dictionary<string, List<string>>();
        foreach (var resource in Resources)
        {
            var rows = new List<string>();
            for (var page = 1; ; page++)
            {
                using var response = await http.GetAsync($"{resource}?page[per_page]=100&page[page]={page}");
                var text = await response.Content.ReadAsStringAsync();
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{resource} page {page}: {text}");
                var data = JsonDocument.Parse(text).RootElement.GetProperty("data");
                rows.AddRange(data.EnumerateArray().Select(e => e.GetRawText()));
                if (data.GetArrayLength() < 100)
                    break;
            }

            result[resource] = rows;
        }

        return result;
    }
}
