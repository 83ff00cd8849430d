using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npq.Infrastructure.Audit;
using Npq.Infrastructure.Audit.Log;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Audit;

/// <summary>
/// Lawful erasure (issue 30, ADR 0040): DfE erases a person; their name, email, TRN and date of birth read as
/// null in every version, list, CSV, the DfE view and the audit API, and are nowhere in the database; the sealed
/// log still verifies (<c>audit verify</c> and the outside verifier over HTTP), while an edit of anything else
/// of the same events, or a value nulled without an erasure, is still caught.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class PersonalDataErasureTests(ApiFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task An_erased_person_reads_as_erased_everywhere_and_the_log_still_verifies_while_other_edits_are_caught()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        // Letters only (a name allows no digits), unique to this test: searched for in every table afterwards.
        var marker = new string([.. Guid.NewGuid().ToString("N")[..12].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16)))]);
        var (name, email, trn) = ($"Erin Erasable{marker}", $"erin.{marker}@example.com", ApiFixture.NextTrn());
        var application = await provider.AcceptedApplicationAsync("2023", a => (a["full_name"], a["email"], a["teacher_reference_number"], a["date_of_birth"]) = (name, email, trn, "1979-02-28"));
        (await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z")).ShouldBeOk();
        var admin = await fixture.AdminAsync();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/participants/{application.ParticipantId}/change-name", new JsonObject { ["full_name"] = $"Erin Renamed{marker}" }))
            .ShouldBeOk();
        var other = await provider.RegisterAsync(a => a["cohort"] = "2023"); // someone else, not erased
        var path = $"/api/admin/participants/{application.ParticipantId}/erase-personal-data";

        // Only DfE erases, and says why.
        (await provider.SendAsync(HttpMethod.Post, path, new JsonObject { ["reason"] = "a provider cannot" })).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["reason"] = " " })).ShouldBeUnprocessable().ShouldBe(["reason"]);

        await fixture.SealAndCheckpointAsync();
        var erased = await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["reason"] = "UK GDPR Article 17 request, ticket 4521" });
        erased.Status.ShouldBe(HttpStatusCode.OK, erased.Body.ToString());
        var person = erased.Body.GetProperty("data").GetProperty("attributes");
        person.GetProperty("full_name").ValueKind.ShouldBe(JsonValueKind.Null);
        person.GetProperty("personal_data_erased_at").ValueKind.ShouldBe(JsonValueKind.String);
        (await admin.SendAsync(HttpMethod.Post, path, new JsonObject { ["reason"] = "again" })).ShouldBeUnprocessable().ShouldBe(["participant_id"]);

        // Every version's application and participant, the CSVs: erased facts read null, payment facts stay.
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            var seen = Attributes((await provider.GetAsync($"/api/{version}/npq-applications/{application.Id}")).ShouldBeOkBody());
            foreach (var member in new[] { "full_name", "email", "teacher_reference_number" })
                seen.GetProperty(member).ValueKind.ShouldBe(JsonValueKind.Null, $"{version} {member}");
            seen.GetProperty("status").GetString().ShouldBe("accepted");
        }

        var participant = Attributes((await provider.GetAsync($"/api/v3/participants/npq/{application.ParticipantId}")).ShouldBeOkBody());
        participant.GetProperty("full_name").ValueKind.ShouldBe(JsonValueKind.Null);
        participant.GetProperty("previous_names").GetArrayLength().ShouldBe(0);
        participant.GetProperty("npq_enrolments")[0].GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null);
        var declarations = (await provider.GetAsync($"/api/v3/participant-declarations?filter[participant_id]={application.ParticipantId}")).ShouldBeOkBody();
        declarations.GetProperty("data").GetArrayLength().ShouldBe(1, "the declaration, a payment fact, stays");
        using (var client = provider.Client())
        {
            var text = await client.GetStringAsync("/api/v1/npq-applications.csv");
            text.ShouldContain(application.Id.ToString());
            text.ShouldNotContain(marker);
            text.ShouldNotContain(trn);
        }

        // The audit API re-serialises the events: nulls there too. And nothing anywhere in the database.
        var (auditor, _) = await fixture.IssueTokenAsync(Npq.Infrastructure.Tokens.TokenKind.Auditor);
        using (var audit = fixture.Anonymous())
        {
            audit.DefaultRequestHeaders.Authorization = new("Bearer", auditor);
            var history = await audit.GetStringAsync($"/api/audit/streams/{application.ParticipantId}");
            history.ShouldContain("personal_data_erased");
            history.ShouldNotContain(marker);
            history.ShouldNotContain(trn);
        }

        (await TablesHoldingAsync(marker)).ShouldBeEmpty("the erased name and email are in no table");
        (await TablesHoldingAsync(trn)).ShouldBeEmpty("nor the TRN");
        (await TablesHoldingAsync("1979-02-28")).ShouldBeEmpty("nor the date of birth");
        var views = await fixture.Services.GetRequiredService<ProjectionVerifier>().VerifyAsync(CancellationToken.None);
        views.ReadModels.Where(m => !m.Matches).Select(m => m.Name).ShouldBeEmpty("the views equal a replay of the erased log");

        // The log: every root still verifies, from the database and from outside over HTTP.
        await fixture.SealAndCheckpointAsync();
        var key = fixture.Services.GetRequiredService<CheckpointSigner>().VerifierKey!;
        var report = await Verifier().VerifyAsync(key, null, CancellationToken.None);
        report.Findings.ShouldBeEmpty();
        await using var server = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerIp"] = "1000000",
            ["Npq__RateLimit__PermitsPerToken"] = "1000000",
        });
        var (exit, outside) = await Python.RunAsync("verify_log.py", server.Address.ToString(), "--key", key, "--token", auditor);
        exit.ShouldBe(0, outside);
        output.WriteLine(outside);

        // An edit of anything else in an erased event is still caught, and so is a value nulled without an erasure.
        var registered = await ScalarAsync<long>("select seq_id from npq.mt_events where type = 'participant_registered' and stream_id = $1", application.ParticipantId);
        await EditedAndCaughtAsync(registered, "data || '{\"RegisteredAt\": \"2020-01-01T00:00:00+00:00\"}'", key, auditor, server.Address);
        var otherRegistered = await ScalarAsync<long>("select seq_id from npq.mt_events where type = 'participant_registered' and stream_id = $1", other.ParticipantId);
        await EditedAndCaughtAsync(otherRegistered, "jsonb_set(data, '{Email}', 'null')", key, auditor, server.Address);
        (await Verifier().VerifyAsync(key, null, CancellationToken.None)).Findings.ShouldBeEmpty("both edits undone");
    }

    private async Task EditedAndCaughtAsync(long sequence, string edit, string key, string auditor, Uri server)
    {
        var original = await ScalarAsync<string>("select data::text from npq.mt_events where seq_id = $1", sequence);
        try
        {
            await ScalarAsync<int>($"with edited as (update npq.mt_events set data = {edit} where seq_id = $1 returning 1) select count(*)::int from edited", sequence);
            var report = await Verifier().VerifyAsync(key, null, CancellationToken.None);
            report.Findings.ShouldContain(f => f.Kind == LogVerifier.Attack.EditedEvent && f.Detail.Contains($"event {sequence} ", StringComparison.Ordinal), edit);
            var (exit, outside) = await Python.RunAsync("verify_log.py", server.ToString(), "--key", key, "--token", auditor);
            exit.ShouldBe(1, outside);
            outside.ShouldContain($"\"sequence\": {sequence}");
        }
        finally
        {
            await ScalarAsync<int>("with restored as (update npq.mt_events set data = $2::jsonb where seq_id = $1 returning 1) select count(*)::int from restored", sequence, original);
        }
    }

    private LogVerifier Verifier() => fixture.Services.GetRequiredService<LogVerifier>();

    /// <summary>Every table of the database with a row whose text holds <paramref name="needle"/>.</summary>
    private async Task<List<string>> TablesHoldingAsync(string needle)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')",
                         connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }

        var holding = new List<string>();
        foreach (var table in tables)
        {
            await using var search = new NpgsqlCommand($"select exists (select 1 from {table} t where position($1 in t::text) > 0 or position(encode(convert_to($1, 'UTF8'), 'hex') in t::text) > 0)", connection);
            search.Parameters.AddWithValue(needle);
            if ((bool)(await search.ExecuteScalarAsync())!)
                holding.Add(table);
        }

        return holding;
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static JsonElement Attributes(JsonElement body) => body.GetProperty("data").GetProperty("attributes");
}
