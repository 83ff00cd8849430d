using System.Net;
using Npgsql;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Faults;

/// <summary>
/// Issue 15: a server process dies (SIGKILL) in the middle of the <see cref="CrmLoad"/>; the clients
/// retry their keys against a new process on the same database. Every acknowledged write is there once,
/// and every email the dead process had stored in the outbox is delivered, once, by the new one.
/// SIGTERM drains: a request that is running finishes, new ones are refused with 503, the process exits 0.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class ProcessCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_process_killed_mid_load_loses_nothing_acknowledged_and_its_outbox_is_delivered_once_by_the_next()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (providerId, token, adminToken) = await CrmLoad.PrepareDatabaseAsync(database.ConnectionString);
        var first = await ServerProcess.StartAsync(database.ConnectionString, FaultSettings.Server);
        var load = await CrmLoad.StartingAsync(first.Address, providerId, token, adminToken);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(3));
        first.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await first.DisposeAsync();
        await using var second = await ServerProcess.StartAsync(database.ConnectionString, FaultSettings.Server);
        load.SwitchTo(second.Address);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await running;

        output.WriteLine(load.Summary());
        var all = load.Outcomes;
        all.Where(o => o.Status == 0).ShouldNotBeEmpty("the kill cut requests off");
        all.Where(o => (int)o.Status >= 500 && o.Status != HttpStatusCode.ServiceUnavailable).ShouldBeEmpty();
        all.Where(o => o.At > killedAt && o.Status is HttpStatusCode.OK or HttpStatusCode.Created).ShouldNotBeEmpty("the new process serves the retries");
        await load.AssertExactlyOnceAsync(database.ConnectionString);
    }

    [Fact]
    public async Task Sigterm_lets_a_running_request_finish_refuses_new_ones_with_503_and_exits_cleanly()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (providerId, token, adminToken) = await CrmLoad.PrepareDatabaseAsync(database.ConnectionString);
        var server = await ServerProcess.StartAsync(database.ConnectionString, FaultSettings.Server);
        try
        {
            await CrmLoad.StartingAsync(server.Address, providerId, token, adminToken);
            using var anonymous = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
            var registered = await CrmLoad.SendAsync(anonymous, "register", HttpMethod.Post, "/api/registrations",
                ApiFixture.ValidRegistration(providerId), key: null);
            registered.Status.ShouldBe(HttpStatusCode.Created, registered.Body);
            var participantId = System.Text.Json.JsonDocument.Parse(registered.Body).RootElement.GetProperty("data").GetProperty("attributes").GetProperty("participant_id").GetGuid();

            // Hold the person's lock, so that an accept is running (waiting for it) when SIGTERM comes.
            await using var holder = new NpgsqlConnection(database.ConnectionString);
            await holder.OpenAsync();
            await using var transaction = await holder.BeginTransactionAsync();
            await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock($1)", holder, transaction))
            {
                take.Parameters.AddWithValue(LockKey(participantId));
                await take.ExecuteNonQueryAsync();
            }

            using var provider = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
            provider.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var accept = CrmLoad.SendAsync(provider, "accept", HttpMethod.Post, $"/api/v3/npq-applications/{registered.Id}/accept",
                new System.Text.Json.Nodes.JsonObject { ["funded_place"] = false }, key: null, registered.Id);
            await Task.Delay(500);
            accept.IsCompleted.ShouldBeFalse("the accept waits for the person's lock");

            // A connection opened before SIGTERM, for a request sent after it.
            using var late = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
            (await late.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);

            var exited = server.TerminateAsync(TimeSpan.FromSeconds(40));
            await Task.Delay(500);
            var refused = await CrmLoad.SendAsync(late, "ready", HttpMethod.Get, "/health/ready", null, key: null);
            await transaction.CommitAsync(); // the lock goes; the running accept can finish
            output.WriteLine($"a request after SIGTERM: {(refused.Status == 0 ? "no answer (connection closed)" : ((int)refused.Status).ToString(System.Globalization.CultureInfo.InvariantCulture))} {refused.Body}");

            (await accept).Status.ShouldBe(HttpStatusCode.OK, "the request that was running when SIGTERM came finishes");
            (refused.Status is HttpStatusCode.ServiceUnavailable or 0).ShouldBeTrue($"a request after SIGTERM is refused: {refused.Status} {refused.Body}");
            if (refused.Status == HttpStatusCode.ServiceUnavailable)
                refused.RetryAfter.ShouldBeTrue();
            (await exited).ShouldBe(0);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    // The key ParticipantLock takes for a person (Application/Common/ParticipantLock.cs).
    private static long LockKey(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }
}
