using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Npq.Infrastructure.Tokens;
using Npq.IntegrationTests.Faults;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Setup;

/// <summary>
/// Issue 28: the token secret (which also keys the change feed's cursors) rotates without an outage,
/// in the three steps of docs/operations.md#rotating-the-token-secret, with processes of two steps
/// side by side as in a rolling deploy, while eight CRMs keep writing through both.
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class SecretRotationTests(ITestOutputHelper output)
{
    private const string Old = ApiFactory.TokenSecret; // what the CLI issues tokens under here
    private const string New = "the-new-token-secret-from-the-store-0123456789";

    [Fact]
    public async Task The_token_secret_rotates_while_clients_keep_working_and_tokens_move_to_the_new_key_as_they_are_used()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (providerId, token, adminToken) = await CrmLoad.PrepareDatabaseAsync(database.ConnectionString);
        var (_, idle) = await ServerProcess.CliAsync(database.ConnectionString, "tokens", "issue", "--lead-provider", "Teach First");
        var idleToken = JsonDocument.Parse(idle).RootElement.GetProperty("token").GetString()!;

        // Step 1 on one process (the old secret, the next one accepted); step 2 on another (the new secret,
        // the previous one accepted): the middle of a rolling deploy.
        await using var step1 = await ServerProcess.StartAsync(database.ConnectionString,
            new Dictionary<string, string>(FaultSettings.Server) { ["Npq__Tokens__NextSecret"] = New });
        await using var step2 = await ServerProcess.StartAsync(database.ConnectionString,
            new Dictionary<string, string>(FaultSettings.Server) { ["Npq__Tokens__Secret"] = New, ["Npq__Tokens__PreviousSecrets__0"] = Old });

        var fromStep1 = await ChangesAsync(step1, token, cursor: null);
        fromStep1.Status.ShouldBe(HttpStatusCode.OK);

        // Eight CRMs write through the first process, then through the second, without a refusal.
        var load = await CrmLoad.StartingAsync(step1.Address, providerId, token, adminToken);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            var running = load.RunAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(2));
            load.SwitchTo(step2.Address); // the token is moved to the new key on its next use there
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            load.SwitchTo(step1.Address); // accepted by a process of step 1 too, and left under the new key
            await running;
        }

        output.WriteLine(load.Summary());
        load.Outcomes.ShouldNotContain(o => o.Status == HttpStatusCode.Unauthorized || (int)o.Status >= 500, load.Summary());
        load.Outcomes.Where(o => o.Status == HttpStatusCode.Created).ShouldNotBeEmpty();
        await load.AssertExactlyOnceAsync(database.ConnectionString);

        // Each process takes the other's cursors.
        var fromStep2 = await ChangesAsync(step2, token, cursor: fromStep1.Cursor);
        fromStep2.Status.ShouldBe(HttpStatusCode.OK);
        (await ChangesAsync(step1, token, cursor: fromStep2.Cursor)).Status.ShouldBe(HttpStatusCode.OK);

        // 'tokens list' names the key each token is under: the one in use has moved, the idle one has not.
        var (_, listed) = await ServerProcess.CliAsync(database.ConnectionString, "tokens", "list");
        var keys = JsonDocument.Parse(listed).RootElement.GetProperty("tokens").EnumerateArray()
            .ToDictionary(t => t.GetProperty("token_id").GetGuid(), t => t.GetProperty("key_id").GetString());
        keys.Values.ShouldContain(TokenOptions.KeyIdOf(New));
        keys.Values.ShouldContain(TokenOptions.KeyIdOf(Old));

        // Step 3, once every process runs step 2 and the window has passed: the old secret is gone.
        await step1.DisposeAsync();
        await using var step3 = await ServerProcess.StartAsync(database.ConnectionString,
            new Dictionary<string, string>(FaultSettings.Server) { ["Npq__Tokens__Secret"] = New });
        (await ChangesAsync(step3, token, cursor: fromStep2.Cursor)).Status.ShouldBe(HttpStatusCode.OK, "a token used in the window, and a cursor of the new key");
        (await ChangesAsync(step3, token, cursor: fromStep1.Cursor)).Status.ShouldBe(HttpStatusCode.BadRequest, "a cursor of the old key, not renewed in the window");
        (await ChangesAsync(step3, idleToken, cursor: null)).Status.ShouldBe(HttpStatusCode.Unauthorized, "a token not used in the window stays under the old key");
    }

    private static async Task<(HttpStatusCode Status, string? Cursor)> ChangesAsync(ServerProcess server, string token, string? cursor)
    {
        using var http = server.ClientFromOwnAddress();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/changes" + (cursor is null ? "" : $"?cursor={cursor}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("next_cursor").GetString() : null);
    }
}
