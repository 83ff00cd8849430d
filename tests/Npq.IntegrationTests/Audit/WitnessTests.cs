using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Infrastructure.Audit.Log;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Audit;

/// <summary>
/// Witnesses (issue 30, ADR 0039): <c>docs/auditing/witness.py</c>, run as its own process with its own key
/// and state as a lead provider or DfE finance would run it, cosigns a checkpoint only when it extends the
/// tree it cosigned last. The log asks it after each checkpoint and serves its cosignature; an operator who
/// holds the log's key and rewrites history, shows another party a different tree, or serves an older copy
/// is refused, and the refused checkpoints it keeps are named by the monitor.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class WitnessTests(ApiFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task The_log_collects_a_witness_cosignature_for_each_new_checkpoint_and_serves_it_with_the_checkpoint()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2023");
        await fixture.SealAndCheckpointAsync();
        var signer = fixture.Services.GetRequiredService<CheckpointSigner>();
        var collector = fixture.Services.GetRequiredService<WitnessCollector>();
        await using var witness = await WitnessProcess.StartAsync($"witness.test/{Guid.NewGuid():N}", signer.VerifierKey!);

        var first = (await collector.CollectAsync([witness.Endpoint], CancellationToken.None)).ShouldHaveSingleItem();
        first.Outcome.ShouldBe(WitnessCollector.Outcome.Cosigned, first.Detail);
        (await collector.CollectAsync([witness.Endpoint], CancellationToken.None))[0].Outcome.ShouldBe(WitnessCollector.Outcome.AlreadyCosigned);

        // The log grows: the witness is given a consistency proof from the size it cosigned.
        (await provider.AcceptAsync(application.Id)).ShouldBeOk();
        await fixture.SealAndCheckpointAsync();
        var second = (await collector.CollectAsync([witness.Endpoint], CancellationToken.None))[0];
        second.Outcome.ShouldBe(WitnessCollector.Outcome.Cosigned, second.Detail);
        second.Size.ShouldBeGreaterThan(first.Size);
        (await witness.ShowAsync()).GetProperty("logs")[0].GetProperty("size").GetInt64().ShouldBe(second.Size);

        using var anonymous = fixture.Anonymous();
        var note = await anonymous.GetStringAsync("/api/audit/checkpoint");
        var parsed = Checkpoint.Parse(note)!.Value;
        parsed.Checkpoint.Size.ShouldBe(second.Size);
        var line = note.Split('\n').Single(l => l.StartsWith($"{Checkpoint.SignatureDash}{witness.Name} ", StringComparison.Ordinal));
        WitnessCollector.Verifies(witness.Endpoint.Witness, parsed.Body, line).ShouldBeTrue("the served cosignature is the witness's, over this checkpoint");
        output.WriteLine(note);

        // The log forgot what it knew of the witness (a crash before it stored the answer): the witness's 409 says where it is.
        await Sql(fixture, "delete from npq.audit_log_witnesses where name = $1", witness.Name);
        (await collector.CollectAsync([witness.Endpoint], CancellationToken.None))[0].Outcome.ShouldBe(WitnessCollector.Outcome.Cosigned);

        // A provider's receipt carries the cosigned checkpoint: checked offline against the witness's key, and refused against another's.
        var (status, body, _) = await provider.GetAsync($"/api/v3/receipts/{application.Id}");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var file = Path.Combine(Path.GetTempPath(), $"npq-receipt-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, body.GetRawText());
            var (exit, result) = await Python.RunAsync("verify_log.py", "--receipt", file, "--key", signer.VerifierKey!, "--witness", witness.VerifierKey);
            exit.ShouldBe(0, result);
            output.WriteLine(result);
            JsonDocument.Parse(result).RootElement.GetProperty("receipts")[0].GetProperty("witnessed_by")[0].GetString().ShouldBe(witness.Name);
            var stranger = Cosignature.VerifierKey("witness.test/stranger", new byte[32].Select((_, i) => (byte)(i + 7)).ToArray());
            var (strangerExit, strangerResult) = await Python.RunAsync("verify_log.py", "--receipt", file, "--key", signer.VerifierKey!, "--witness", stranger);
            strangerExit.ShouldBe(1, strangerResult);
            strangerResult.ShouldContain("cosignatures needed");
        }
        finally
        {
            File.Delete(file);
        }

        // An answer not signed by the witness's key is not kept; a witness that is down is an outcome, not an exception.
        var impostor = new WitnessCollector.Endpoint(Cosignature.ParseVerifierKey(Cosignature.VerifierKey(witness.Name, new byte[32].Select((_, i) => (byte)(i + 3)).ToArray()))!, witness.Endpoint.Url);
        await Sql(fixture, "delete from npq.audit_log_cosignatures where witness = $1", witness.Name);
        var refused = (await collector.CollectAsync([impostor], CancellationToken.None))[0];
        refused.Outcome.ShouldBe(WitnessCollector.Outcome.Refused);
        refused.Detail!.ShouldContain("no cosignature by the witness's key");
        (await anonymous.GetStringAsync("/api/audit/checkpoint")).ShouldNotContain(witness.Name);
        var down = new WitnessCollector.Endpoint(witness.Endpoint.Witness, new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}/add-checkpoint"));
        (await collector.CollectAsync([down], CancellationToken.None))[0].Outcome.ShouldBe(WitnessCollector.Outcome.Unreachable);
    }

    [Fact]
    public async Task The_witness_refuses_a_rewritten_history_a_split_view_and_an_older_copy_and_the_monitor_names_what_it_kept()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.RegisterAsync();
        await fixture.SealAndCheckpointAsync();
        var older = await LatestCheckpointAsync();
        await provider.RegisterAsync();
        await fixture.SealAndCheckpointAsync();
        var signer = fixture.Services.GetRequiredService<CheckpointSigner>();
        await using var witness = await WitnessProcess.StartAsync($"witness.test/{Guid.NewGuid():N}", signer.VerifierKey!);
        var collector = fixture.Services.GetRequiredService<WitnessCollector>();
        var cosigned = (await collector.CollectAsync([witness.Endpoint], CancellationToken.None))[0];
        cosigned.Outcome.ShouldBe(WitnessCollector.Outcome.Cosigned, cosigned.Detail);
        var size = (int)cosigned.Size;
        var leaves = await LeafHashesAsync(size);

        // The operator, holding the signing key, edits the first event, adds one, and signs the new tree again.
        var rewritten = leaves.Append(MerkleTree.LeafHash("{\"another\":true}"u8)).ToList();
        rewritten[0] = MerkleTree.LeafHash("{\"edited\":true}"u8);
        var proof = MerkleTree.ConsistencyRanges(size, size + 1).Select(r => Root(rewritten[(int)r.Start..(int)r.End])).ToList();
        var (rewriteStatus, rewriteBody) = await witness.AddCheckpointAsync(size, proof, Sign(signer, size + 1, Root(rewritten)));
        rewriteStatus.ShouldBe(HttpStatusCode.UnprocessableEntity, rewriteBody);

        // Another party is shown a different tree of the size the witness cosigned.
        var (splitStatus, splitBody) = await witness.AddCheckpointAsync(size, [], Sign(signer, size, Root(rewritten[..size])));
        splitStatus.ShouldBe(HttpStatusCode.Conflict);
        splitBody.ShouldBe($"{size}\n", "the witness says what it has cosigned");

        // An older copy of the log: a checkpoint it genuinely signed, but smaller than the tree the witness cosigned.
        older.Size.ShouldBeLessThan(size);
        (await witness.AddCheckpointAsync(older.Size, [], older.Note)).Status.ShouldBe(HttpStatusCode.Conflict);
        (await witness.AddCheckpointAsync(size, [], older.Note)).Status.ShouldBe(HttpStatusCode.BadRequest);
        // What does not come from the log's key is not even considered.
        var stranger = new CheckpointSigner(Microsoft.Extensions.Options.Options.Create(new AuditLogOptions { Origin = signer.KeyName, SigningKey = CheckpointSigner.NewSeed() }));
        (await witness.AddCheckpointAsync(size, [], Sign(stranger, size, Root(rewritten[..size])))).Status.ShouldBe(HttpStatusCode.Forbidden);

        var state = await witness.ShowAsync();
        state.GetProperty("logs")[0].GetProperty("size").GetInt64().ShouldBe(size, "nothing refused moved the witness");
        var evidence = state.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).ToList();
        output.WriteLine(string.Join(", ", evidence));
        evidence.ShouldContain(e => e.EndsWith("-inconsistent.txt", StringComparison.Ordinal));
        evidence.ShouldContain(e => e.EndsWith("-fork.txt", StringComparison.Ordinal));
        evidence.ShouldContain(e => e.EndsWith("-smaller.txt", StringComparison.Ordinal));
        (await collector.CollectAsync([witness.Endpoint], CancellationToken.None))[0].Outcome.ShouldBe(WitnessCollector.Outcome.AlreadyCosigned);

        // A monitor given the witness's evidence (each a checkpoint the log's key signed) names the misbehaviour against the tree served.
        await using var server = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string> { ["Npq__RateLimit__PermitsPerIp"] = "1000000" });
        var monitorState = Directory.CreateTempSubdirectory("npq-monitor-").FullName;
        try
        {
            foreach (var kind in new[] { "fork", "inconsistent" })
            {
                foreach (var old in Directory.EnumerateFiles(monitorState))
                    File.Delete(old);
                var kept = evidence.First(e => e.EndsWith($"-{kind}.txt", StringComparison.Ordinal));
                File.Copy(Path.Combine(witness.State, "evidence", kept), Path.Combine(monitorState, kept));
                var (exit, result) = await Python.RunAsync("verify_log.py", server.Address.ToString(), "--key", signer.VerifierKey!, "--monitor", monitorState);
                exit.ShouldBe(1, result);
                output.WriteLine(result);
                // The rewritten tree is one larger than the one served: read as an older copy served, unless the log has grown past it since.
                (kind == "fork" ? ["Inconsistent"] : new[] { "Inconsistent", "RolledBack" }).ShouldContain(JsonDocument.Parse(result).RootElement.GetProperty("findings")[0].GetProperty("kind").GetString());
            }
        }
        finally
        {
            Directory.Delete(monitorState, recursive: true);
        }
    }

    private async Task<(long Size, string Note)> LatestCheckpointAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select size, note from npq.audit_log_checkpoints order by size desc limit 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private async Task<List<byte[]>> LeafHashesAsync(int size)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select hash from npq.audit_log_leaves where idx < $1 order by idx", connection);
        command.Parameters.AddWithValue((long)size);
        var hashes = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            hashes.Add((byte[])reader[0]);
        hashes.Count.ShouldBe(size);
        return hashes;
    }

    private static string Sign(CheckpointSigner signer, long size, byte[] root) =>
        signer.SignBody($"{signer.KeyName}\n{size}\n{Convert.ToBase64String(root)}\n");

    /// <summary>RFC 9162 MTH of leaf hashes, written out here so the forged trees do not lean on the code under test.</summary>
    private static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 1)
            return leaves[0];
        var k = 1;
        while (k * 2 < leaves.Count)
            k *= 2;
        return MerkleTree.NodeHash(Root([.. leaves.Take(k)]), Root([.. leaves.Skip(k)]));
    }

    private static async Task Sql(ApiFixture fixture, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary><c>docs/auditing/witness.py</c> as a third party runs it: <c>init</c> (its own key), then <c>serve</c> on a free port.</summary>
public sealed class WitnessProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new();

    private WitnessProcess(Process process, string name, string verifierKey, string state, Uri url)
    {
        (_process, Name, VerifierKey, State) = (process, name, verifierKey, state);
        Endpoint = new WitnessCollector.Endpoint(Cosignature.ParseVerifierKey(verifierKey)!, new Uri(url, "add-checkpoint"));
    }

    public string Name { get; }

    public string VerifierKey { get; }

    public string State { get; }

    public WitnessCollector.Endpoint Endpoint { get; }

    public static async Task<WitnessProcess> StartAsync(string name, string logKey)
    {
        var state = Path.Combine(Directory.CreateTempSubdirectory("npq-witness-").FullName, "state");
        var (exit, vkey) = await Python.RunAsync("witness.py", "init", "--state", state, "--name", name);
        exit.ShouldBe(0, vkey);
        var start = new ProcessStartInfo("python3", [Repository.File("docs", "auditing", "witness.py"), "serve", "--state", state, "--log-key", logKey, "--listen", "127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var listening = JsonDocument.Parse(first!).RootElement.GetProperty("listening").GetString()!;
        return new WitnessProcess(process, name, vkey.Trim(), state, new Uri(listening + "/"));
    }

    public async Task<(HttpStatusCode Status, string Body)> AddCheckpointAsync(long oldSize, IEnumerable<byte[]> proof, string note)
    {
        using var content = new StringContent(Cosignature.AddCheckpointBody(oldSize, proof, note), Encoding.UTF8, "text/plain");
        using var answer = await _http.PostAsync(Endpoint.Url, content);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> ShowAsync()
    {
        var (exit, shown) = await Python.RunAsync("witness.py", "show", "--state", State);
        exit.ShouldBe(0, shown);
        return JsonDocument.Parse(shown).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(Path.GetDirectoryName(State)!, recursive: true);
    }
}

/// <summary>The auditors' scripts in <c>docs/auditing</c>, run with python3 as an auditor runs them.</summary>
public static class Python
{
    public static async Task<(int Exit, string Output)> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("python3", [Repository.File("docs", "auditing", script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output).Trim() + (await error));
    }
}
