using System.Diagnostics;
using System.Net;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Faults;

/// <summary>
/// Issue 15: PostgreSQL stops for ten seconds under a write load and starts again. A server process
/// of its own, on a cluster of its own (a throw-away checkout of scripts/postgres.sh), takes the
/// <see cref="CrmLoad"/> throughout. During the outage every answer is a 503 JSON error with
/// <c>Retry-After</c>, within the clients' timeout, and readiness says 503; afterwards the same process
/// serves again. Every acknowledged write is in the event log exactly once, nothing a failed request
/// began is half there, and <c>projections verify</c> passes.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [PostgresInstalledFact]
    public async Task A_database_outage_under_load_answers_503_and_the_same_process_serves_again_without_losing_a_write()
    {
        await using var checkout = ThrowawayCheckout.Create();
        var started = await checkout.RunAsync("start", "npq");
        var connectionString = started.ConnectionString + ";Database=npq";
        var (providerId, token, adminToken) = await CrmLoad.PrepareDatabaseAsync(connectionString);
        await using var server = await ServerProcess.StartAsync(connectionString, FaultSettings.Server);
        var load = await CrmLoad.StartingAsync(server.Address, providerId, token, adminToken);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(3));
        await checkout.RunAsync("stop");
        var down = Stopwatch.StartNew();
        var downAt = DateTimeOffset.UtcNow;
        var readinessWhileDown = new List<HttpStatusCode>();
        using var probe = new HttpClient { BaseAddress = server.Address };
        while (down.Elapsed < Outage)
        {
            using (var ready = await probe.GetAsync("/health/ready"))
                readinessWhileDown.Add(ready.StatusCode);
            await Task.Delay(500);
        }

        await checkout.RunAsync("start", "npq");
        var upAgainAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        await running;

        var all = load.Outcomes;
        output.WriteLine(load.Summary());
        var firstAfter = all.Where(o => o.At > upAgainAt && o.Status is HttpStatusCode.OK or HttpStatusCode.Created).Select(o => o.At).DefaultIfEmpty().Min();
        output.WriteLine($"outage {Outage.TotalSeconds:F0} s; {all.Count(o => o.At > downAt && o.At < upAgainAt)} requests during it; first success {(firstAfter - upAgainAt).TotalMilliseconds:F0} ms after the database was back");

        all.Where(o => (int)o.Status >= 500 && o.Status != HttpStatusCode.ServiceUnavailable)
            .ShouldBeEmpty("no 5xx but 503; the server said: " + string.Join("\n", server.Log.Where(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).Take(12)));
        all.ShouldNotContain(o => o.Status == 0, "every request was answered within the client's timeout");
        var unavailable = all.Where(o => o.Status == HttpStatusCode.ServiceUnavailable).ToList();
        unavailable.ShouldNotBeEmpty("the load ran into the outage");
        unavailable.ShouldAllBe(o => o.RetryAfter && o.IsJsonError);
        all.Where(o => o.Elapsed > TimeSpan.FromSeconds(15)).ShouldBeEmpty("no request hangs through the outage");
        readinessWhileDown.ShouldContain(HttpStatusCode.ServiceUnavailable);
        (await probe.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var kind in new[] { "register", "accept", "declare" })
            all.Where(o => o.Kind == kind && o.Status is HttpStatusCode.OK or HttpStatusCode.Created && o.At > upAgainAt)
                .ShouldNotBeEmpty($"the same process takes {kind} requests again once the database is back");

        await load.AssertExactlyOnceAsync(connectionString);
    }
}

/// <summary>Server settings for the fault tests: limits out of the way, dead processes noticed quickly.</summary>
internal static class FaultSettings
{
    public static Dictionary<string, string> Server => new()
    {
        ["Npq__RateLimit__PermitsPerToken"] = "1000000",
        ["Npq__RateLimit__PermitsPerIp"] = "1000000",
        ["Npq__Registration__Enabled"] = "true",
        ["Npq__Messaging__StaleNodeTimeout"] = "00:00:05",
        ["Npq__Messaging__HealthCheckPollingTime"] = "00:00:01",
    };
}
