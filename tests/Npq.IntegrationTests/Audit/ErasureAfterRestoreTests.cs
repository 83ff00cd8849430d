using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Npq.IntegrationTests.Faults;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Audit;

/// <summary>
/// An erasure survives a restore (ADR 0040): a backup taken before it brings the person's data back;
/// the erasure, noted and signed in the second place before it committed, is applied again by
/// <c>audit record-restore</c>, and the restored log, restore and erasure included, verifies.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class ErasureAfterRestoreTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_restored_backup_from_before_an_erasure_is_erased_again_when_the_restore_is_recorded()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (providerId, _, adminToken) = await CrmLoad.PrepareDatabaseAsync(database.ConnectionString);
        var copies = Directory.CreateTempSubdirectory("npq-second-place-").FullName;
        var settings = new Dictionary<string, string>(FaultSettings.Server)
        {
            ["Npq__Audit__CheckpointDirectory"] = copies,
            ["Npq__Audit__CheckpointInterval"] = "00:00:01",
        };
        var marker = new string([.. Guid.NewGuid().ToString("N")[..12].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16)))]);
        try
        {
            // A person registers; everything is sealed; the backup is taken.
            Guid participant;
            await using (var server = await ServerProcess.StartAsync(database.ConnectionString, settings))
            {
                using var http = new HttpClient { BaseAddress = server.Address };
                var attributes = ApiFixture.ValidRegistration(providerId);
                attributes["full_name"] = $"Rhea Restored{marker}";
                using var registered = await http.PostAsJsonAsync("/api/registrations", new JsonObject { ["data"] = new JsonObject { ["type"] = "registration", ["attributes"] = attributes } });
                var body = await registered.Content.ReadAsStringAsync();
                registered.StatusCode.ShouldBe(HttpStatusCode.Created, body);
                participant = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("attributes").GetProperty("participant_id").GetGuid();
                await SealedAsync(database.ConnectionString);
            }

            await using var backup = await database.CloneAsync();

            // DfE erases the person.
            await using (var server = await ServerProcess.StartAsync(database.ConnectionString, settings))
            {
                using var http = new HttpClient { BaseAddress = server.Address };
                http.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
                using var erased = await http.PostAsJsonAsync($"/api/admin/participants/{participant}/erase-personal-data",
                    new JsonObject { ["data"] = new JsonObject { ["attributes"] = new JsonObject { ["reason"] = "UK GDPR Article 17 request, ticket 77" } } });
                erased.StatusCode.ShouldBe(HttpStatusCode.OK, await erased.Content.ReadAsStringAsync());
            }

            File.Exists(Path.Combine(copies, $"erasure-{participant:N}.txt")).ShouldBeTrue("the erasure is noted in the second place");
            (await HoldingAsync(database.ConnectionString, marker)).ShouldBe(0);

            // The backup is restored: the person is back, until the restore is recorded.
            (await HoldingAsync(backup.ConnectionString, marker)).ShouldBeGreaterThan(0);
            var (code, line) = await ServerProcess.CliAsync(backup.ConnectionString, settings, null, "audit", "record-restore",
                "--reason", "Restored to before a faulty import (change 4712)", "--checkpoints-dir", copies);
            output.WriteLine(line);
            code.ShouldBe(0, line);
            var reapplied = JsonDocument.Parse(line).RootElement.GetProperty("erasures_reapplied").EnumerateArray().ToList();
            reapplied.ShouldHaveSingleItem().GetProperty("outcome").GetString().ShouldBe("erased again");
            (await HoldingAsync(backup.ConnectionString, marker)).ShouldBe(0, "the restored data holds the erased name nowhere");

            var (verified, report) = await ServerProcess.CliAsync(backup.ConnectionString, settings, null, "audit", "verify", "--checkpoints-dir", copies);
            output.WriteLine(report);
            verified.ShouldBe(0, report);
        }
        finally
        {
            Directory.Delete(copies, recursive: true);
        }
    }

    /// <summary>Rows of the event log, the person views and the messages that hold the text.</summary>
    private static async Task<long> HoldingAsync(string connectionString, string text)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select (select count(*) from npq.mt_events where position($1 in data::text) > 0)
                 + (select count(*) from npq.mt_doc_participantview where position($1 in data::text) > 0)
                 + (select count(*) from npq.mt_doc_applicationview where position($1 in data::text) > 0)
            """, connection);
        command.Parameters.AddWithValue(text);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until the server has sealed every event.</summary>
    private static async Task SealedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var command = new NpgsqlCommand("select (select coalesce(max(size), 0) from npq.audit_log_state) = (select count(*) from npq.mt_events)", connection);
            if ((bool)(await command.ExecuteScalarAsync())!)
                return;
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the log was not sealed through its last event");
            await Task.Delay(250);
        }
    }
}
