using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Infrastructure.Tokens;
using Npq.Infrastructure.Audit.Log;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Audit;

/// <summary>
/// The log checked from the outside (issue 30): the public checkpoint and hash tiles, the auditors' entry
/// bundles, and <c>docs/auditing/verify_log.py</c> (Python's standard library only) recomputing every leaf
/// and the root over HTTP from the built server, with nothing of the operator's but the verifier key.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class IndependentVerifierTests(ApiFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Tile_paths_are_those_of_c2sp_tlog_tiles()
    {
        LogTiles.Path(1234067, 256).ShouldBe("x001/x234/067");
        LogTiles.Path(5, 8).ShouldBe("005.p/8");
        LogTiles.ParsePath("x001/x234/067").ShouldBe((1234067L, 256));
        LogTiles.ParsePath("005.p/8").ShouldBe((5L, 8));
        LogTiles.ParsePath("x999/x999/x999/x999/x999/999").ShouldBe((999_999_999_999_999_999L, 256));
        foreach (var bad in new[] { "5", "x5/005", "005.p/0", "005.p/256", "005.p/08", "001/002", "../000", "005.p", "x001/x001/x001/x001/x001/x001/001" })
            LogTiles.ParsePath(bad).ShouldBeNull(bad);
    }

    [Fact]
    public async Task The_standard_library_verifier_checks_every_leaf_and_the_root_over_http_and_names_an_edited_event()
    {
        // Every event so far sealed, and a checkpoint of them signed.
        var provider = await fixture.NewLeadProviderAsync();
        await provider.RegisterAsync();
        await fixture.SealAndCheckpointAsync();
        var key = fixture.Services.GetRequiredService<CheckpointSigner>().VerifierKey!;
        var (auditor, _) = await fixture.IssueTokenAsync(TokenKind.Auditor);
        await using var server = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerIp"] = "1000000",
            ["Npq__RateLimit__PermitsPerToken"] = "1000000",
        });

        using var http = new HttpClient { BaseAddress = server.Address };
        using (var checkpoint = await http.GetAsync("/api/audit/checkpoint"))
        {
            checkpoint.StatusCode.ShouldBe(HttpStatusCode.OK, "the checkpoint is public");
            checkpoint.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        }

        using (var tile = await http.GetAsync("/api/audit/tile/0/000.p/1"))
        {
            tile.StatusCode.ShouldBe(HttpStatusCode.OK, "hash tiles are public");
            (await tile.Content.ReadAsByteArrayAsync()).Length.ShouldBe(32);
            tile.Headers.CacheControl!.ToString().ShouldContain("immutable");
        }

        (await http.GetAsync("/api/audit/tile/entries/000.p/1")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "entry bundles hold personal data");
        (await http.GetAsync("/api/audit/tile/0/x999/999")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "a tile beyond the log");
        (await http.GetAsync("/api/audit/tile/0/..%2F..%2Fetc")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync("/api/audit/tile/0/x999/x999/x999/x999/x999/999")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "an index whose first leaf overflows");

        var clean = await VerifyAsync(server.Address, key, auditor);
        clean.Exit.ShouldBe(0, clean.Output);
        output.WriteLine(clean.Output);
        var report = JsonDocument.Parse(clean.Output).RootElement;
        var size = report.GetProperty("size").GetInt64();
        size.ShouldBeGreaterThan(0);
        report.GetProperty("leaves_checked").GetInt64().ShouldBe(size);
        report.GetProperty("findings").GetArrayLength().ShouldBe(0);

        // Another key: the checkpoint is not taken on the server's word.
        var other = Checkpoint.VerifierKey("npq-lead-provider-api/sandbox/audit-log", new byte[32].Select((_, i) => (byte)(i + 1)).ToArray());
        var foreign = await VerifyAsync(server.Address, other, auditor);
        foreign.Exit.ShouldBe(1, foreign.Output);
        foreign.Output.ShouldContain("BadSignature");

        // An edit of a sealed event's data in the database: its leaf no longer matches the public tile.
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        long sequence;
        string original;
        await using (var find = new NpgsqlCommand(
                         "select e.seq_id, e.data::text from npq.mt_events e join npq.audit_log_leaves l on l.sequence = e.seq_id where l.idx = 0", connection))
        await using (var reader = await find.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).ShouldBeTrue();
            (sequence, original) = (reader.GetInt64(0), reader.GetString(1));
        }

        try
        {
            await Execute(connection, "update npq.mt_events set data = data || '{\"Edited\":true}'::jsonb where seq_id = $1", sequence);
            var edited = await VerifyAsync(server.Address, key, auditor);
            edited.Exit.ShouldBe(1, edited.Output);
            var finding = JsonDocument.Parse(edited.Output).RootElement.GetProperty("findings")[0];
            finding.GetProperty("kind").GetString().ShouldBe("LeafDoesNotMatchTile");
            finding.GetProperty("sequence").GetInt64().ShouldBe(sequence);
        }
        finally
        {
            await Execute(connection, "update npq.mt_events set data = $2::jsonb where seq_id = $1", sequence, original);
        }

        (await VerifyAsync(server.Address, key, auditor)).Exit.ShouldBe(0, "the event restored");
    }

    [Fact]
    public async Task A_provider_proves_offline_that_its_change_was_received_and_no_other_provider_gets_its_receipt()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var other = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");
        (await provider.AcceptAsync(application.Id)).ShouldBeOk();
        await fixture.SealAndCheckpointAsync();
        var key = fixture.Services.GetRequiredService<CheckpointSigner>().VerifierKey!;

        var (status, body, _) = await provider.GetAsync($"/api/v3/receipts/{application.Id}");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var receipts = body.GetProperty("data");
        receipts.GetArrayLength().ShouldBe(1, "the accept is the provider's change; the registration is the participant's");
        receipts[0].GetProperty("proof").GetString()!.ShouldStartWith("c2sp.org/tlog-proof@v1\nindex ");
        (await other.GetAsync($"/api/v3/receipts/{application.Id}")).Status.ShouldBe(HttpStatusCode.NotFound, "another provider's resource is unknown");
        using (var tokenForm = fixture.Anonymous())
        {
            tokenForm.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Token token=\"{other.Token}\"");
            using var answer = await tokenForm.GetAsync($"/api/v3/receipts/{application.Id}");
            answer.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the same with the Token form of the header");
            (await answer.Content.ReadAsStringAsync()).ShouldBe("{\"error\":\"Resource not found\"}");
        }

        (await provider.GetAsync($"/api/v3/receipts/{Guid.NewGuid()}")).Status.ShouldBe(HttpStatusCode.NotFound);

        var file = Path.Combine(Path.GetTempPath(), $"npq-receipt-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, body.GetRawText());
            var (exit, result) = await RunVerifierAsync("--receipt", file, "--key", key);
            exit.ShouldBe(0, result);
            output.WriteLine(result);
            var checkedReceipt = JsonDocument.Parse(result).RootElement.GetProperty("receipts")[0];
            checkedReceipt.GetProperty("sequence").GetInt64().ShouldBe(receipts[0].GetProperty("sequence").GetInt64());

            // The data changed after the fact: the receipt no longer holds.
            var forged = System.Text.Json.Nodes.JsonNode.Parse(body.GetRawText())!;
            forged["data"]![0]!["data"] = Convert.ToBase64String("{\"FundedPlace\":true}"u8.ToArray());
            await File.WriteAllTextAsync(file, forged.ToJsonString());
            var (forgedExit, forgedResult) = await RunVerifierAsync("--receipt", file, "--key", key);
            forgedExit.ShouldBe(1, forgedResult);
            forgedResult.ShouldContain("does not hash to the leaf");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_monitor_with_public_data_only_names_a_rewritten_history_or_split_view_and_an_older_copy()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.RegisterAsync();
        await fixture.SealAndCheckpointAsync();
        var signer = fixture.Services.GetRequiredService<CheckpointSigner>();
        var key = signer.VerifierKey!;
        await using var server = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerIp"] = "1000000",
        });
        var state = Directory.CreateTempSubdirectory("npq-monitor-").FullName;
        try
        {
            var (first, firstOutput) = await RunVerifierAsync(server.Address.ToString(), "--key", key, "--monitor", state);
            first.ShouldBe(0, firstOutput);
            var size = JsonDocument.Parse(firstOutput).RootElement.GetProperty("size").GetInt64();
            var (second, secondOutput) = await RunVerifierAsync(server.Address.ToString(), "--key", key, "--monitor", state);
            second.ShouldBe(0, secondOutput);
            JsonDocument.Parse(secondOutput).RootElement.GetProperty("checked_against").GetInt32().ShouldBe(1, "the checkpoint it kept last time");
            output.WriteLine(secondOutput);

            // Another party was shown (or the operator signed again over a rewritten history) a different tree of the same size.
            var other = Path.Combine(state, "another-party.txt");
            await File.WriteAllTextAsync(other, signer.SignBody($"{signer.KeyName}\n{size}\n{Convert.ToBase64String(new byte[32])}\n"));
            var (split, splitOutput) = await RunVerifierAsync(server.Address.ToString(), "--key", key, "--monitor", state);
            split.ShouldBe(1, splitOutput);
            splitOutput.ShouldContain("Inconsistent");
            output.WriteLine(splitOutput);

            // A larger tree was signed once; the log now serves a smaller one: an older copy restored.
            await File.WriteAllTextAsync(other, signer.SignBody($"{signer.KeyName}\n{size + 1000}\n{Convert.ToBase64String(new byte[32])}\n"));
            var (behind, behindOutput) = await RunVerifierAsync(server.Address.ToString(), "--key", key, "--monitor", state);
            behind.ShouldBe(1, behindOutput);
            behindOutput.ShouldContain("RolledBack");

            // A note signed by some other key proves nothing, either way.
            var stranger = new CheckpointSigner(Microsoft.Extensions.Options.Options.Create(new AuditLogOptions { Origin = signer.KeyName, SigningKey = CheckpointSigner.NewSeed() }));
            await File.WriteAllTextAsync(other, stranger.SignBody($"{signer.KeyName}\n{size}\n{Convert.ToBase64String(new byte[32])}\n"));
            var (ignored, ignoredOutput) = await RunVerifierAsync(server.Address.ToString(), "--key", key, "--monitor", state);
            ignored.ShouldBe(0, ignoredOutput);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs the auditors' verifier as an auditor would: python3, the script, the server's address.</summary>
    private static Task<(int Exit, string Output)> VerifyAsync(Uri server, string key, string token) =>
        RunVerifierAsync(server.ToString(), "--key", key, "--token", token);

    private static Task<(int Exit, string Output)> RunVerifierAsync(params string[] arguments) => Python.RunAsync("verify_log.py", arguments);
}
