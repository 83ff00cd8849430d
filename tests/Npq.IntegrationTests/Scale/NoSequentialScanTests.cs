using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Scale;

/// <summary>
/// Issue 13: no hot path scans a table that grows with applications, participants, declarations or
/// events. The tables are grown to <see cref="Rows"/> rows (enough that PostgreSQL scans them when it
/// has no index to use), every request a provider's CRM and a registration make is sent, and every
/// statement Marten sent for them is EXPLAINed: a sequential scan of a growing table fails the test.
/// </summary>
[Collection(ScanTests.Name)]
public sealed class NoSequentialScanTests(ScanFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 20_000;
    private const string InSchedule = "2023-11-01T10:00:00Z";

    /// <summary>The tables whose size grows with the country's applications, people, declarations and events.</summary>
    private static readonly string[] Growing =
    [
        "mt_doc_applicationview", "mt_doc_participantview", "mt_doc_declarationview", "mt_doc_outcomeview",
        "mt_doc_livedeclarationreservation", "mt_doc_acceptedplacereservation", "mt_doc_sentemail",
        "mt_events", "mt_streams",
    ];

    [Fact]
    public async Task Every_request_of_a_provider_and_a_registration_is_answered_from_indexes()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", today.AddDays(30));
        var partner = await provider.AddDeliveryPartnerAsync("Scan Partner", 2023);
        var seeded = new List<RegisteredApplication>();
        for (var i = 0; i < 3; i++)
        {
            var application = await provider.AcceptedApplicationAsync("2023");
            (await provider.DeclareAsync(application, "started", InSchedule)).ShouldBeOk();
            seeded.Add(application);
        }

        await provider.RegisterAsync();
        (await provider.DeclareAsync(seeded[0], "completed", "2024-06-30T10:00:00Z", customise: a => a["has_passed"] = true)).ShouldBeOk();

        foreach (var table in Growing)
        {
            var added = await fixture.InflateAsync(table, Rows);
            output.WriteLine($"{table}: +{added} rows");
            added.ShouldBeGreaterThan(0, $"{table} had no row to copy: the set-up above must write one");
        }

        fixture.Capture.Drain();
        fixture.Capture.Enabled = true;
        var requests = 0;
        async Task<JsonElement> Ok(HttpMethod method, string path, JsonObject? attributes = null)
        {
            requests++;
            var (status, body, response) = await provider.SendAsync(method, path, attributes);
            ((int)status).ShouldBeInRange(200, 299, $"{method} {path}: {(body.ValueKind == JsonValueKind.Undefined ? await response.Content.ReadAsStringAsync() : body.GetRawText())}");
            return body;
        }

        // Registration (anonymous) and the provider's decisions on it.
        requests++;
        var fresh = await provider.RegisterAsync(a => a["cohort"] = "2023");
        var rejected = await provider.RegisterAsync();
        await Ok(HttpMethod.Post, $"/api/v3/npq-applications/{fresh.Id}/accept");
        await Ok(HttpMethod.Post, $"/api/v1/npq-applications/{rejected.Id}/reject");
        var participant = seeded[1].ParticipantId;
        JsonObject Course(string? reason = null) => reason is null
            ? new JsonObject { ["course_identifier"] = "npq-senior-leadership" }
            : new JsonObject { ["course_identifier"] = "npq-senior-leadership", ["reason"] = reason };
        await Ok(HttpMethod.Put, $"/api/v3/participants/npq/{participant}/defer", Course("parental-leave"));
        await Ok(HttpMethod.Put, $"/api/v3/participants/npq/{participant}/resume", Course());
        await Ok(HttpMethod.Put, $"/api/v2/participants/npq/{seeded[2].ParticipantId}/withdraw", Course("other"));

        // Declarations, outcomes.
        var declared = await Ok(HttpMethod.Post, "/api/v3/participant-declarations", new JsonObject
        {
            ["participant_id"] = participant.ToString(), ["declaration_type"] = "retained-1", ["declaration_date"] = "2024-01-10T10:00:00Z",
            ["course_identifier"] = "npq-senior-leadership", ["delivery_partner_id"] = partner.ToString(),
        });
        var declaration = declared.GetProperty("data").GetProperty("id").GetGuid();
        await Ok(HttpMethod.Put, $"/api/v3/participant-declarations/{declaration}/void");
        await Ok(HttpMethod.Post, $"/api/v3/participants/npq/{seeded[0].ParticipantId}/outcomes", new JsonObject
        {
            ["course_identifier"] = "npq-senior-leadership", ["state"] = "failed", ["completion_date"] = "2024-06-30",
        });

        // Every list, CSV and single resource of every version.
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            await Ok(HttpMethod.Get, $"/api/{version}/npq-applications");
            await Ok(HttpMethod.Get, $"/api/{version}/npq-applications?page[per_page]=2&page[page]=2");
            await Ok(HttpMethod.Get, $"/api/{version}/npq-applications?filter[cohort]=2023&filter[updated_since]=2020-01-01T00:00:00Z");
            await Ok(HttpMethod.Get, $"/api/{version}/npq-applications/{fresh.Id}");
            await Ok(HttpMethod.Get, $"/api/{version}/participant-declarations");
            await Ok(HttpMethod.Get, $"/api/{version}/participant-declarations?filter[participant_id]={participant}&filter[updated_since]=2020-01-01T00:00:00Z");
            await Ok(HttpMethod.Get, $"/api/{version}/participant-declarations/{declaration}");
            await Ok(HttpMethod.Get, $"/api/{version}/participants/npq");
            await Ok(HttpMethod.Get, $"/api/{version}/participants/npq?filter[updated_since]=2020-01-01T00:00:00Z");
            await Ok(HttpMethod.Get, $"/api/{version}/participants/npq/{participant}");
            await Ok(HttpMethod.Get, $"/api/{version}/participants/npq/outcomes");
            await Ok(HttpMethod.Get, $"/api/{version}/participants/npq/{seeded[0].ParticipantId}/outcomes");
            if (version != "v3")
            {
                await Ok(HttpMethod.Get, $"/api/{version}/npq-applications.csv");
                await Ok(HttpMethod.Get, $"/api/{version}/participant-declarations.csv");
            }
        }

        await Ok(HttpMethod.Get, "/api/v2/npq-enrolments.csv");
        await Ok(HttpMethod.Get, "/api/v3/npq-applications?sort=-updated_at");
        await Ok(HttpMethod.Get, "/api/v3/participants/npq?sort=-created_at&filter[training_status]=active");
        await Ok(HttpMethod.Get, "/api/v3/statements");
        await Ok(HttpMethod.Get, "/api/v3/delivery-partners");
        fixture.Capture.Enabled = false;

        var statements = fixture.Capture.Drain();
        var offenders = new List<string>();
        var explained = 0;
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        foreach (var statement in statements.DistinctBy(s => s.Sql + string.Join("|", s.Parameters.Select(p => p.Value))))
        {
            if (!Explainable(statement.Sql))
            {
                output.WriteLine("not explained: " + statement.Sql[..Math.Min(200, statement.Sql.Length)]);
                continue;
            }
            await using var explain = new NpgsqlCommand("explain (format json) " + statement.Sql.TrimEnd().TrimEnd(';'), connection);
            foreach (var parameter in statement.Parameters)
                explain.Parameters.Add(parameter.Clone());
            var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!).RootElement[0].GetProperty("Plan");
            explained++;
            foreach (var relation in SequentialScans(plan).Where(r => Growing.Contains(r)).Distinct())
                offenders.Add($"Seq Scan on {relation}: {statement.Sql}");
        }

        output.WriteLine($"{requests} requests, {statements.Count} statements, {explained} explained");
        explained.ShouldBeGreaterThan(requests, "every request runs at least one statement through Marten");
        offenders.Distinct().ShouldBeEmpty(string.Join(Environment.NewLine + Environment.NewLine, offenders.Distinct()));
    }

    private static bool Explainable(string sql)
    {
        var trimmed = sql.Trim().TrimEnd(';');
        var head = trimmed.Split(' ', 2)[0].ToLowerInvariant();
        return head is "select" or "with" or "insert" or "update" or "delete" && !trimmed.Contains(';', StringComparison.Ordinal);
    }

    private static IEnumerable<string> SequentialScans(JsonElement plan)
    {
        if (plan.GetProperty("Node Type").GetString() == "Seq Scan")
            yield return plan.GetProperty("Relation Name").GetString()!;
        if (plan.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                foreach (var relation in SequentialScans(child))
                    yield return relation;
            }
        }
    }
}
