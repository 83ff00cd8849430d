using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Npq.IntegrationTests.Faults;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Audit;

/// <summary>
/// Issue 28, ADR 0032: the audit log's signing key rotates while CRMs write. Checkpoints of the old key
/// still verify, as the published key history says; without that history they do not; and a retired key
/// bounded to its last checkpoint cannot vouch for anything after it.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class SigningKeyRotationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_signing_key_rotates_and_the_whole_log_still_verifies_with_the_published_key_history()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (providerId, token, adminToken) = await CrmLoad.PrepareDatabaseAsync(database.ConnectionString);
        var often = new Dictionary<string, string>(FaultSettings.Server) { ["Npq__Audit__CheckpointEvery"] = "20", ["Npq__Audit__CheckpointInterval"] = "00:00:01" };

        // The first key (the sandbox's), while CRMs write.
        string oldKey;
        long lastOfOldKey;
        await using (var first = await ServerProcess.StartAsync(database.ConnectionString, often))
        {
            await WriteAsync(first, providerId, token, adminToken);
            lastOfOldKey = await SignedThroughAsync(database.ConnectionString);
            using var http = new HttpClient { BaseAddress = first.Address };
            oldKey = (await http.GetFromJsonAsync<JsonElement>("/api/audit/log-key")).GetProperty("data").GetProperty("verifier_key").GetString()!;
        }

        // A new key, under a URL-like origin (C2SP tlog-checkpoint; the key's name is the origin, so the origin
        // changes with a key, ADR 0039); the old one's public half published as retired; the CRMs go on writing.
        var rotated = new Dictionary<string, string>(often) { ["Npq__Audit__Origin"] = "lead-provider-api.npq.example.gov.uk/audit-log" };
        var (_, made) = await ServerProcess.CliAsync(database.ConnectionString, rotated, null, "audit", "new-key");
        var newKey = JsonDocument.Parse(made).RootElement;
        newKey.GetProperty("verifier_key").GetString()!.ShouldStartWith("lead-provider-api.npq.example.gov.uk/audit-log+");
        await using (var second = await ServerProcess.StartAsync(database.ConnectionString, new Dictionary<string, string>(rotated)
                     {
                         ["Npq__Audit__SigningKey"] = newKey.GetProperty("signing_key").GetString()!,
                         ["Npq__Audit__RetiredKeys__0__VerifierKey"] = oldKey,
                     }))
        {
            await WriteAsync(second, providerId, token, adminToken);
            (await SignedThroughAsync(database.ConnectionString)).ShouldBeGreaterThan(lastOfOldKey);
            using var http = new HttpClient { BaseAddress = second.Address };
            var published = (await http.GetFromJsonAsync<JsonElement>("/api/audit/log-key")).GetProperty("data");
            published.GetProperty("verifier_key").GetString().ShouldBe(newKey.GetProperty("verifier_key").GetString());
            published.GetProperty("retired_keys")[0].GetProperty("verifier_key").GetString().ShouldBe(oldKey);
            (await http.GetStringAsync("/api/audit/checkpoint")).ShouldStartWith("lead-provider-api.npq.example.gov.uk/audit-log\n");
        }

        var current = newKey.GetProperty("verifier_key").GetString()!;
        var (withHistory, report) = await ServerProcess.CliAsync(database.ConnectionString, "audit", "verify", "--key", current, "--retired-key", oldKey);
        output.WriteLine(report);
        withHistory.ShouldBe(0, report);

        var (withoutHistory, refused) = await ServerProcess.CliAsync(database.ConnectionString, "audit", "verify", "--key", current);
        withoutHistory.ShouldBe(15, refused); // ForeignSignature: the old key's checkpoints are not the current key's

        var (bounded, beyond) = await ServerProcess.CliAsync(database.ConnectionString, "audit", "verify", "--key", current, "--retired-key", $"{oldKey}@{lastOfOldKey - 1}");
        bounded.ShouldBe(15, beyond);
        beyond.ShouldContain("signed by a retired key after its last checkpoint");
    }

    private static async Task WriteAsync(ServerProcess server, Guid providerId, string token, string adminToken)
    {
        var load = await CrmLoad.StartingAsync(server.Address, providerId, token, adminToken);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            await load.RunAsync(stop.Token);
        load.Outcomes.ShouldNotContain(o => (int)o.Status >= 500, load.Summary());
    }

    /// <summary>Waits until every event is sealed and a checkpoint covers them all; the checkpoint's size.</summary>
    private static async Task<long> SignedThroughAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "select s.size, s.checkpoint_size, (select count(*) from npq.mt_events) from npq.audit_log_state s", connection);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                if (await reader.ReadAsync() && reader.GetInt64(0) == reader.GetInt64(2) && reader.GetInt64(1) == reader.GetInt64(0))
                    return reader.GetInt64(1);
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "the log was not sealed and signed through its last event");
            await Task.Delay(250);
        }
    }
}
