using System.Net;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.NpqApplications;

/// <summary>Each version's application view of the same application (CONTRACT §2.4) and the v1/v2 CSV (§1.9).</summary>
[Collection(ApiTests.Name)]
public sealed class ApplicationViewTests(ApiFixture fixture)
{
    private static readonly string[] V1Fields =
    [
        "course_identifier", "email", "email_validated", "employer_name", "employment_role", "full_name", "funding_choice",
        "headteacher_status", "ineligible_for_funding_reason", "participant_id", "private_childcare_provider_urn",
        "teacher_reference_number", "teacher_reference_number_validated", "school_urn", "school_ukprn", "status",
        "works_in_school", "cohort", "eligible_for_funding", "targeted_delivery_funding_eligibility", "teacher_catchment",
        "teacher_catchment_country", "teacher_catchment_iso_country_code", "itt_provider", "lead_mentor", "funded_place",
        "created_at", "updated_at",
    ];

    private static readonly string[] V3Extra =
        ["reason_for_rejection", "cohort_suffix", "schedule_identifier", "works_as_senco", "senco_start_date"];

    [Fact]
    public async Task Each_version_shows_its_own_fields_of_the_same_application()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var registered = await provider.RegisterAsync(a =>
        {
            a["course_identifier"] = "npq-senco";
            a["works_as_senco"] = "yes";
            a["senco_start_date"] = "2023-09";
            a["teacher_reference_number"] = "1234567";
            a["cohort"] = "2025a";
        });

        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            var (status, body, _) = await provider.GetAsync($"/api/{version}/npq-applications/{registered.Id}");
            status.ShouldBe(HttpStatusCode.OK);
            var attributes = body.GetProperty("data").GetProperty("attributes");
            var names = attributes.EnumerateObject().Select(p => p.Name).ToList();
            names.ShouldBe(version == "v3" ? V1Fields.Concat(V3Extra) : V1Fields, ignoreOrder: true, version);

            attributes.GetProperty("course_identifier").GetString().ShouldBe("npq-senco");
            attributes.GetProperty("status").GetString().ShouldBe("pending");
            attributes.GetProperty("cohort").GetString().ShouldBe("2025");
            attributes.GetProperty("email_validated").GetBoolean().ShouldBeTrue();
            attributes.GetProperty("teacher_reference_number").GetString().ShouldBe("1234567");
            attributes.GetProperty("teacher_reference_number_validated").GetBoolean().ShouldBeTrue();
            attributes.GetProperty("eligible_for_funding").GetBoolean().ShouldBeTrue();
            attributes.GetProperty("ineligible_for_funding_reason").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
            attributes.GetProperty("teacher_catchment_iso_country_code").GetString().ShouldBe("GBR");
            attributes.GetProperty("school_urn").GetString().ShouldBe("100001");
            attributes.GetProperty("created_at").GetString()!.ShouldMatch(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$");
            if (version == "v3")
            {
                attributes.GetProperty("works_as_senco").GetString().ShouldBe("yes");
                attributes.GetProperty("senco_start_date").GetString().ShouldBe("2023-09-01");
                attributes.GetProperty("cohort_suffix").GetString().ShouldBe("a");
            }
        }
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task The_csv_has_the_contract_columns_and_one_row_per_application(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var first = await provider.RegisterAsync(a => a["full_name"] = "Ann \"Quoted\", Esq");
        var second = await provider.RegisterAsync(a =>
        {
            a["work_setting"] = "another_setting";
            a["employment_type"] = "other";
            a["employer_name"] = "Acme Ltd";
            a["employment_role"] = "Trainer";
            a.Remove("school_urn");
            a["funding_choice"] = "self";
        });

        using var client = provider.Client();
        var response = await client.GetAsync($"/api/{version}/npq-applications.csv");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        lines[0].ShouldBe(
            "id,participant_id,full_name,email,email_validated,teacher_reference_number,teacher_reference_number_validated," +
            "school_urn,school_ukprn,private_childcare_provider_urn,headteacher_status,eligible_for_funding,funded_place," +
            "funding_choice,course_identifier,status,works_in_school,employer_name,employment_role,created_at,updated_at,cohort," +
            "ineligible_for_funding_reason,targeted_delivery_funding_eligibility,teacher_catchment,teacher_catchment_country," +
            "teacher_catchment_iso_country_code,itt_provider,lead_mentor");
        lines.Length.ShouldBe(3);
        lines[1].ShouldStartWith($"{first.Id},{first.ParticipantId},\"Ann \"\"Quoted\"\", Esq\",");
        lines[1].ShouldContain(",true,,,npq-senior-leadership,pending,true,,,");
        lines[2].ShouldStartWith($"{second.Id},{second.ParticipantId},Jo Bloggs,");
        lines[2].ShouldContain(",false,,self,npq-senior-leadership,pending,false,Acme Ltd,Trainer,");
        lines[2].ShouldContain(",establishment-ineligible,false,true,United Kingdom of Great Britain and Northern Ireland,GBR,,false");
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/\",\"x\")")]
    [InlineData("+SUM(1,2)")]
    [InlineData("-2+3")]
    [InlineData("@cmd")]
    public async Task A_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(string name)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var registered = await provider.RegisterAsync(a => a["full_name"] = name);

        using var client = provider.Client();
        var csv = await client.GetStringAsync("/api/v1/npq-applications.csv");

        // Read the file as a spreadsheet reads CSV (RFC 4180 quoting): the name cell starts with the
        // apostrophe that makes it text, and holds the name after it unchanged.
        var row = CsvCells(csv).Single(r => r[0] == registered.Id.ToString());
        row[2].ShouldBe("'" + name);
        row[2][0].ShouldNotBeOneOf('=', '+', '-', '@', '\t', '\r');
        (await provider.GetAsync($"/api/v3/npq-applications/{registered.Id}")).Body
            .GetProperty("data").GetProperty("attributes").GetProperty("full_name").GetString().ShouldBe(name, "the JSON is not changed");
    }

    private static List<List<string>> CsvCells(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }

        return rows;
    }

    [Fact]
    public async Task The_csv_honours_the_cohort_and_updated_since_filters()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var old = await provider.RegisterAsync(a => a["cohort"] = "2024", at: DateTimeOffset.UtcNow.AddDays(-3));
        var recent = await provider.RegisterAsync(a => a["cohort"] = "2025");

        using var client = provider.Client();
        var byCohort = await client.GetStringAsync("/api/v1/npq-applications.csv?filter[cohort]=2024");
        byCohort.ShouldContain(old.Id.ToString());
        byCohort.ShouldNotContain(recent.Id.ToString());

        var since = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        var bySince = await client.GetStringAsync($"/api/v2/npq-applications.csv?filter[updated_since]={since}");
        bySince.ShouldContain(recent.Id.ToString());
        bySince.ShouldNotContain(old.Id.ToString());

        var none = await client.GetStringAsync("/api/v1/npq-applications.csv?filter[cohort]=2021");
        none.TrimEnd('\n').Split('\n').Length.ShouldBe(1, "the header row is always present");
    }

    [Fact]
    public async Task A_provider_sees_only_its_own_rows_in_every_list_and_csv()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var mine = await a.RegisterAsync();
        var theirs = await b.RegisterAsync();

        using var client = a.Client();
        foreach (var path in new[] { "/api/v1/npq-applications.csv", "/api/v2/npq-applications.csv", "/api/v1/npq-applications", "/api/v3/npq-applications" })
        {
            var text = await client.GetStringAsync(path);
            text.ShouldContain(mine.Id.ToString(), customMessage: path);
            text.ShouldNotContain(theirs.Id.ToString(), customMessage: path);
            text.ShouldNotContain(theirs.ParticipantId.ToString(), customMessage: path);
        }

        var filtered = await client.GetStringAsync($"/api/v3/npq-applications?filter[participant_id]={theirs.ParticipantId}");
        filtered.ShouldBe("""{"data":[]}""");
    }
}
