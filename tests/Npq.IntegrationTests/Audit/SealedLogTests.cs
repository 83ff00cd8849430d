using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Infrastructure.Audit.Log;
using Npq.Infrastructure.Seed;
using Npq.Infrastructure.Tokens;
using Npq.IntegrationTests.Support;
using static Npq.Infrastructure.Audit.Log.LogVerifier;

namespace Npq.IntegrationTests.Audit;

/// <summary>
/// Issue 18: a log sealed by the running service, then attacked on copies of its database: every
/// attack is caught by the verifier with its own finding and exit code, from the public key alone;
/// and an auditor with the public key and the API verifies an event's inclusion and two checkpoints'
/// consistency with the RFC 9162 algorithms.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class SealedLogTests(SealedLogTests.SealedLog log) : IClassFixture<SealedLogTests.SealedLog>
{
    private readonly string _copies = log.Copies;
    private readonly TestDatabase _log = log.Database;
    private readonly TestDatabase _backup = log.Backup;
    private readonly string _verifierKey = log.VerifierKey;
    private readonly (long First, long Second) _checkpoints = log.Checkpoints;
    private readonly long _tail = log.Tail;

    /// <summary>The log, sealed once for the class: two phases of writes with a backup taken between them.</summary>
    public sealed class SealedLog : IAsyncLifetime
    {
        public string Copies { get; } = Path.Combine(Path.GetTempPath(), $"npq-checkpoints-{Guid.NewGuid():N}");

        public TestDatabase Database { get; private set; } = null!;

        public TestDatabase Backup { get; private set; } = null!;

        public string VerifierKey { get; private set; } = "";

        public (long First, long Second) Checkpoints { get; private set; }

        public long Tail { get; private set; }

        public async Task InitializeAsync()
        {
            Database = await TestDatabase.CreateAsync();

            // Phase 1: writes, all sealed, a checkpoint; then a copy of the database as a backup would take it.
            long first;
            await using (var server = Server(Database, Copies))
            {
                await server.Services.CreateAsyncScope().ServiceProvider.GetRequiredService<Seeder>().SeedAsync(scenarios: false, CancellationToken.None);
                VerifierKey = server.Services.GetRequiredService<CheckpointSigner>().VerifierKey!;
                await WriteAsync(server, 4);
                first = await SealAndCheckpointAsync(server);
            }

            Backup = await Database.CloneAsync();

            // Phase 2: more writes and a second checkpoint (also kept in the directory), then two sealed but unsigned registrations.
            await using (var server = Server(Database, Copies))
            {
                await WriteAsync(server, 4);
                Checkpoints = (first, await SealAndCheckpointAsync(server));
                await WriteAsync(server, 2);
                await SealedAsync(server);
                Tail = await CountAsync(server) - Checkpoints.Second;
                await AuditorChecksInclusionAndConsistencyAsync(server, VerifierKey, Checkpoints);
            }
        }

        public async Task DisposeAsync()
        {
            await Backup.DisposeAsync();
            await Database.DisposeAsync();
            if (Directory.Exists(Copies))
                Directory.Delete(Copies, recursive: true);
        }
    }

    [Fact]
    public async Task The_untouched_log_verifies_and_its_unsigned_tail_is_reported_as_such_not_as_an_error()
    {
        _tail.ShouldBe(4); // two registrations: a participant and an application each
        var report = await VerifyAsync(_log, _copies);
        report.Findings.ShouldBeEmpty();
        report.ExitCode.ShouldBe(0);
        report.LastCheckpoint.ShouldBe(_checkpoints.Second);
        report.UnsignedTail.ShouldBe(_tail);
        report.Sealed.ShouldBe(report.Events);
    }

    [Fact]
    public async Task An_edited_event_is_caught_and_named()
    {
        await using var copy = await _log.CloneAsync();
        var target = await ExecuteAsync(copy, """
            update npq.mt_events set data = jsonb_set(data, '{FullName}', '"Mallory"')
            where seq_id = (select min(seq_id) from npq.mt_events where type = 'participant_registered') returning seq_id
            """);

        var report = await VerifyAsync(copy, _copies);
        report.Findings.Select(f => f.Kind).ShouldBe([Attack.EditedEvent]);
        report.Findings[0].Detail.ShouldContain($"event {target} ");
        report.ExitCode.ShouldBe(10);
    }

    [Fact]
    public async Task A_deleted_event_is_caught_and_named()
    {
        await using var copy = await _log.CloneAsync();
        var target = await ExecuteAsync(copy, """
            delete from npq.mt_events where seq_id = (select min(seq_id) from npq.mt_events where type = 'application_registered') returning seq_id
            """);

        var report = await VerifyAsync(copy, _copies);
        report.Findings.Select(f => f.Kind).ShouldBe([Attack.DeletedEvent]);
        report.Findings[0].Detail.ShouldStartWith($"event {target} ");
        report.ExitCode.ShouldBe(11);
    }

    [Fact]
    public async Task Two_events_that_traded_places_are_caught_as_a_swap()
    {
        await using var copy = await _log.CloneAsync();
        await ExecuteAsync(copy, """
            with pair as (select min(seq_id) a, max(seq_id) b from (select seq_id from npq.mt_events where type = 'application_registered' order by seq_id limit 2) x)
            update npq.mt_events e set seq_id = case when e.seq_id = pair.a then -pair.b else -pair.a end from pair where e.seq_id in (pair.a, pair.b)
            returning 0
            """);
        await ExecuteAsync(copy, "update npq.mt_events set seq_id = -seq_id where seq_id < 0 returning 0");

        var report = await VerifyAsync(copy, _copies);
        report.Findings.Select(f => f.Kind).ShouldBe([Attack.SwappedEvents]);
        report.ExitCode.ShouldBe(12);
    }

    [Fact]
    public async Task A_tail_cut_below_the_last_checkpoint_is_caught_as_truncation()
    {
        await using var copy = await _log.CloneAsync();
        await ExecuteAsync(copy, $"delete from npq.mt_events where seq_id in (select seq_id from npq.mt_events order by seq_id desc limit {_tail + 3}) returning 0");

        var report = await VerifyAsync(copy, _copies);
        report.Findings.Select(f => f.Kind).ShouldContain(Attack.TruncatedLog);
        report.ExitCode.ShouldBe(13);
    }

    [Fact]
    public async Task An_older_backup_restored_in_place_is_caught_by_the_checkpoints_kept_outside_the_database()
    {
        var report = await VerifyAsync(_backup, _copies);
        report.Findings.Select(f => f.Kind).ShouldContain(Attack.RolledBack);
        report.ExitCode.ShouldBe(14);

        // Without the copies the backup is a consistent, smaller log: that is what the second place is for (ADR 0022).
        (await VerifyAsync(_backup, checkpointDirectory: null)).Findings.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_restore_recorded_with_the_log_s_key_is_lawful_and_one_signed_by_another_key_explains_nothing()
    {
        // The copies kept outside the database, copied: the servers below sign checkpoints of their own.
        var copies = Directory.CreateTempSubdirectory("npq-restore-copies-").FullName;
        foreach (var file in Directory.EnumerateFiles(_copies))
            File.Copy(file, Path.Combine(copies, Path.GetFileName(file)));
        try
        {
            // Someone with the database but not the key writes a restore record of their own.
            await using (var forged = await _backup.CloneAsync())
            {
                await using (var server = Server(forged, copies))
                {
                    var other = new CheckpointSigner(Options.Create(new AuditLogOptions { Origin = "npq-lead-provider-api/audit-log", SigningKey = CheckpointSigner.NewSeed() }));
                    var abandoned = Checkpoint.Parse(await File.ReadAllTextAsync(Directory.EnumerateFiles(copies).Order(StringComparer.Ordinal).Last()))!.Value.Checkpoint;
                    var note = other.SignBody(new RestoreNote("npq-lead-provider-api/audit-log", 1, 0, new byte[32], DateTimeOffset.UtcNow, "trust me",
                        [(abandoned.Size, abandoned.Root)]).Body);
                    await using var session = server.Services.GetRequiredService<Marten.IDocumentStore>().LightweightSession();
                    session.Events.StartStream(Guid.NewGuid(), new AuditLogRestored(1, "trust me", null, 0, 1, note));
                    await session.SaveChangesAsync();
                }

                var report = await VerifyAsync(forged, copies);
                report.Findings.Select(f => f.Kind).ShouldContain(Attack.RolledBack);
                report.Findings.Select(f => f.Kind).ShouldContain(Attack.ForeignSignature);
                report.Restores.ShouldBeEmpty();
            }

            // The operator records the restore with the log's key: the same backup verifies, the restore listed.
            await using var restored = await _backup.CloneAsync();
            await using (var server = Server(restored, copies))
            {
                var recorded = await server.Services.GetRequiredService<LogRestore>().RecordAsync("restored for the test", null, copies, CancellationToken.None);
                recorded.Abandoned.ShouldBe([_checkpoints.Second], "the checkpoint signed after the backup was taken");
            }

            var lawful = await VerifyAsync(restored, copies);
            lawful.Findings.ShouldBeEmpty();
            lawful.ExitCode.ShouldBe(0);
            var restore = lawful.Restores.ShouldHaveSingleItem();
            (restore.Epoch, restore.Reason, restore.ExplainedCopies).ShouldBe((1, "restored for the test", 1));
        }
        finally
        {
            Directory.Delete(copies, recursive: true);
        }
    }

    [Fact]
    public async Task A_checkpoint_signed_with_another_key_is_caught()
    {
        await using var copy = await _log.CloneAsync();
        var other = new CheckpointSigner(Options.Create(new AuditLogOptions { Origin = "npq-lead-provider-api/audit-log", SigningKey = CheckpointSigner.NewSeed() }));
        string note;
        await using (var source = NpgsqlDataSource.Create(copy.ConnectionString))
        await using (var read = source.CreateCommand($"select size, root, at from npq.audit_log_checkpoints where size = {_checkpoints.Second}"))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            note = other.Sign(new Checkpoint("npq-lead-provider-api/audit-log", reader.GetInt64(0), (byte[])reader[1], reader.GetDateTime(2)));
        }

        await ExecuteAsync(copy, $"update npq.audit_log_checkpoints set note = '{note.Replace("'", "''", StringComparison.Ordinal)}' where size = {_checkpoints.Second} returning size");

        var report = await VerifyAsync(copy, checkpointDirectory: null);
        report.Findings.Select(f => f.Kind).ShouldBe([Attack.ForeignSignature]);
        report.ExitCode.ShouldBe(15);
    }

    [Fact]
    public async Task The_command_line_verifier_exits_with_the_finding_s_code()
    {
        await using var copy = await _log.CloneAsync();
        await ExecuteAsync(copy, "update npq.mt_events set data = jsonb_set(data, '{Cohort}', '2099') where type = 'application_registered' and seq_id = (select max(seq_id) from npq.mt_events where type = 'application_registered') returning 0");

        var (clean, cleanOutput) = await ServerProcess.CliAsync(_log.ConnectionString, "audit", "verify", "--key", _verifierKey, "--checkpoints-dir", _copies);
        clean.ShouldBe(0, cleanOutput);
        var (edited, output) = await ServerProcess.CliAsync(copy.ConnectionString, "audit", "verify", "--key", _verifierKey);
        edited.ShouldBe(10, output);
        JsonDocument.Parse(output).RootElement.GetProperty("findings")[0].GetProperty("kind").GetString().ShouldBe("EditedEvent");
    }

    private static ApiFactory Server(TestDatabase database, string copies) => new(database.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Npq:Audit:CheckpointEvery"] = "100000",
        ["Npq:Audit:CheckpointInterval"] = "01:00:00",
        ["Npq:Audit:CheckpointDirectory"] = copies,
    });

    private Task<Report> VerifyAsync(TestDatabase database, string? checkpointDirectory)
    {
        using var store = new AuditLogStore(database.ConnectionString);
        return new LogVerifier(store).VerifyAsync(_verifierKey, checkpointDirectory, CancellationToken.None);
    }

    private static async Task WriteAsync(ApiFactory server, int registrations)
    {
        using var client = server.CreateClient();
        for (var i = 0; i < registrations; i++)
        {
            var provider = ReferenceDataSeed.ProviderId("ambition-institute");
            using var response = await client.PostAsJsonAsync("/api/registrations",
                new JsonObject { ["data"] = new JsonObject { ["type"] = "registration", ["attributes"] = ApiFixture.ValidRegistration(provider) } });
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Waits for the daemon to seal every event, then signs a checkpoint of them all; its size.</summary>
    private static async Task<long> SealAndCheckpointAsync(ApiFactory server)
    {
        await SealedAsync(server);
        var sealer = server.Services.GetRequiredService<LogSealer>();
        // The first seal of a log signs at once; otherwise this one does.
        var size = await sealer.CheckpointIfDueAsync(force: true, CancellationToken.None) ?? (await sealer.StateAsync(CancellationToken.None)).CheckpointSize;
        size.ShouldBe(await CountAsync(server));
        return size;
    }

    private static async Task SealedAsync(ApiFactory server)
    {
        var sealer = server.Services.GetRequiredService<LogSealer>();
        var events = await CountAsync(server);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await sealer.StateAsync(CancellationToken.None)).Size < events)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The daemon did not seal {events} events within 60 s.");
            await Task.Delay(100);
        }
    }

    private static async Task<long> CountAsync(ApiFactory server)
    {
        await using var source = NpgsqlDataSource.Create(server.Services.GetRequiredService<AuditLogStore>().Source.ConnectionString);
        await using var command = source.CreateCommand("select count(*) from npq.mt_events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> ExecuteAsync(TestDatabase database, string sql)
    {
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        await using var command = source.CreateCommand(sql);
        var result = await command.ExecuteScalarAsync();
        return result is long value ? value : 0;
    }

    /// <summary>What an auditor does with the public key and the API only, using the RFC 9162 algorithms.</summary>
    private static async Task AuditorChecksInclusionAndConsistencyAsync(ApiFactory server, string verifierKey, (long First, long Second) checkpointSizes)
    {
        using var anonymous = server.CreateClient();
        var key = (await anonymous.GetFromJsonAsync<JsonElement>("/api/audit/log-key")).GetProperty("data");
        key.GetProperty("verifier_key").GetString().ShouldBe(verifierKey);
        var publicKey = Convert.FromBase64String(key.GetProperty("public_key").GetString()!);

        using var scope = server.Services.CreateScope();
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().IssueAsync(TokenKind.Auditor, "auditor", CancellationToken.None);
        using var auditor = server.CreateClient();
        auditor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Secret);
        (await anonymous.GetAsync($"/api/audit/checkpoints")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var checkpoints = (await auditor.GetFromJsonAsync<JsonElement>("/api/audit/checkpoints")).GetProperty("data").EnumerateArray().ToList();
        var sizes = checkpoints.Select(c => c.GetProperty("tree_size").GetInt64()).ToList();
        sizes.ShouldContain(checkpointSizes.First);
        sizes[^1].ShouldBe(checkpointSizes.Second);
        var second = Checkpoint.Parse(checkpoints[^1].GetProperty("note").GetString()!).ShouldNotBeNull();
        CheckpointSigner.Verify(publicKey, second.Body, second.Signatures.Single().Signature).ShouldBeTrue();

        // The first event of the log, in the second checkpoint: the leaf is the event's canonical form, the path leads to the signed root.
        var events = (await auditor.GetFromJsonAsync<JsonElement>("/api/audit/events?after=0&limit=1")).GetProperty("data");
        var sequence = events[0].GetProperty("sequence").GetInt64();
        var proof = (await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/events/{sequence}/proof?checkpoint={checkpointSizes.Second}")).GetProperty("data");
        var leafInput = Convert.FromBase64String(proof.GetProperty("leaf_input").GetString()!);
        var leaf = JsonDocument.Parse(leafInput).RootElement;
        leaf.GetProperty("sequence").GetInt64().ShouldBe(sequence);
        leaf.GetProperty("type").GetString().ShouldBe(events[0].GetProperty("type").GetString());
        var leafHash = MerkleTree.LeafHash(leafInput);
        Convert.ToBase64String(leafHash).ShouldBe(proof.GetProperty("leaf_hash").GetString());
        var path = proof.GetProperty("inclusion_path").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList();
        MerkleTree.VerifyInclusion(proof.GetProperty("leaf_index").GetInt64(), checkpointSizes.Second, leafHash, path, second.Checkpoint.Root).ShouldBeTrue();
        MerkleTree.VerifyInclusion(proof.GetProperty("leaf_index").GetInt64(), checkpointSizes.Second, MerkleTree.LeafHash(Encoding.UTF8.GetBytes("forged")), path, second.Checkpoint.Root)
            .ShouldBeFalse();

        var consistency = (await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/checkpoints/{checkpointSizes.First}/consistency/{checkpointSizes.Second}")).GetProperty("data");
        var first = Checkpoint.Parse(checkpoints[sizes.IndexOf(checkpointSizes.First)].GetProperty("note").GetString()!).ShouldNotBeNull();
        MerkleTree.VerifyConsistency(checkpointSizes.First, checkpointSizes.Second, first.Checkpoint.Root, second.Checkpoint.Root,
            consistency.GetProperty("consistency").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList()).ShouldBeTrue();

        (await auditor.GetAsync($"/api/audit/events/{sequence}/proof?checkpoint=999999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await auditor.GetAsync($"/api/audit/events/{sequence}/proof")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
