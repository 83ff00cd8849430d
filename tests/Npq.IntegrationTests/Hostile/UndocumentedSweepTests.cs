using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Infrastructure.Tokens;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Hostile;

/// <summary>
/// Issue 24: the hostile sweep of <see cref="HostileSweepTests"/> reaches only the operations in the
/// OpenAPI documents. This one sends the same hostile values to what they leave out: registration (JSON
/// and the web form), the admin API and the audit API. Every answer is below 500 with a JSON (or, for
/// the form, an HTML) body, a refused request appends no event, and a control character in a text
/// attribute is a 422 on that attribute.
/// </summary>
[Collection(ApiTests.Name)]
public sealed partial class UndocumentedSweepTests(ApiFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] HostileStrings =
    [
        "", " ", "\u0000", "Nul\u0000Name", "bell\u0007", "line\nbreak", "\u0085", "\ud800", new string('x', 10_000), "٢٠٢٤-٠١-٠١",
        "2025-01-01T00:00:00+15:00", "-1", "99999999999999999999", "1e309", "not-an-enum", "=1+1", "%00", "../../etc/passwd",
        "00000000-0000-0000-0000-000000000000",
    ];

    private static readonly JsonNode?[] HostileJson =
    [
        null, JsonValue.Create(true), JsonValue.Create(-1), JsonValue.Create(1e300), new JsonArray(1, 2), new JsonObject { ["a"] = 1 },
    ];

    [Fact]
    public async Task Registration_admin_and_audit_answer_every_hostile_value_below_500_and_write_nothing_when_refused()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync();
        var admin = await fixture.AdminAsync();
        var (auditorToken, _) = await fixture.IssueTokenAsync(TokenKind.Auditor);
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        var failures = new List<string>();
        var requests = 0;

        async Task SendAsync(HttpClient client, HttpMethod method, string path, JsonObject? attributes)
        {
            using var request = new HttpRequestMessage(method, path);
            if (attributes is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(
                    new JsonObject { ["data"] = new JsonObject { ["type"] = "x", ["attributes"] = attributes } }.ToJsonString()));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            var before = await EventCountAsync(store);
            using var response = await client.SendAsync(request);
            requests++;
            var status = (int)response.StatusCode;
            var json = attributes?.ToJsonString() ?? "";
            var what = $"{method} {(path.Length > 100 ? path[..100] + "…" : path)} {json[..Math.Min(json.Length, 160)]}";
            if (status >= 500)
                failures.Add($"{status} {what}: {await response.Content.ReadAsStringAsync()}");
            else if (response.Content.Headers.ContentType?.MediaType != "application/json")
                failures.Add($"{status} without JSON {what}");
            else if (status >= 400 && await EventCountAsync(store) != before)
                failures.Add($"{status} but events were appended: {what}");
        }

        // Registration, anonymous: each attribute hostile in turn.
        using (var anonymous = fixture.Anonymous())
        {
            var valid = ApiFixture.ValidRegistration(provider.Id);
            foreach (var (attribute, _) in valid.ToList())
            {
                foreach (var value in HostileValues())
                {
                    var attributes = (JsonObject)valid.DeepClone();
                    attributes["email"] = $"sweep.{Guid.NewGuid():N}@example.com";
                    attributes[attribute] = value?.DeepClone();
                    await SendAsync(anonymous, HttpMethod.Post, "/api/registrations", attributes);
                }
            }
        }

        // The admin API, with an admin token.
        using (var client = admin.Client())
        {
            var operations = new (string Path, JsonObject Attributes)[]
            {
                ("/api/admin/statements", new JsonObject
                {
                    ["lead_provider_id"] = provider.Id.ToString(), ["cohort"] = "2025", ["year"] = "2026", ["month"] = "3",
                    ["deadline_date"] = "2026-02-23", ["payment_date"] = "2026-03-23", ["output_fee"] = true, ["courses"] = "[\"npq-headship\"]",
                }),
                ($"/api/admin/npq-applications/{application.Id}/transfer", new JsonObject { ["lead_provider_id"] = Guid.NewGuid().ToString() }),
                ("/api/admin/delivery-partners", new JsonObject { ["name"] = "Sweep partner", ["partnerships"] = "[]" }),
                ($"/api/admin/participants/{application.ParticipantId}/change-id", new JsonObject { ["to_participant_id"] = Guid.NewGuid().ToString() }),
                // DfE's operations (issue 26).
                ($"/api/admin/participants/{application.ParticipantId}/change-email", new JsonObject { ["email"] = "sweep@example.com" }),
                ($"/api/admin/participants/{application.ParticipantId}/change-name", new JsonObject { ["full_name"] = "Sweep Name" }),
                ($"/api/admin/participants/{application.ParticipantId}/verify-trn", new JsonObject { ["teacher_reference_number"] = "1234567" }),
                ($"/api/admin/npq-applications/{application.Id}/change-funding-eligibility", new JsonObject { ["eligible_for_funding"] = true }),
                ($"/api/admin/npq-applications/{application.Id}/change-cohort", new JsonObject { ["cohort"] = "2024" }),
                ($"/api/admin/npq-applications/{application.Id}/change-training-status", new JsonObject { ["action"] = "defer", ["reason"] = "other" }),
                ("/api/admin/npq-applications/reject-expired", new JsonObject { ["application_ids"] = new JsonArray(Guid.NewGuid().ToString()) }),
            };
            foreach (var (path, valid) in operations)
            {
                foreach (var (attribute, _) in valid.ToList())
                {
                    foreach (var value in HostileValues())
                    {
                        var attributes = (JsonObject)valid.DeepClone();
                        attributes[attribute] = value?.DeepClone();
                        await SendAsync(client, HttpMethod.Post, path, attributes);
                    }
                }
            }

            foreach (var value in HostileStrings.Where(v => v.Length > 0 && !v.Any(char.IsControl) && !v.Any(char.IsSurrogate)))
            {
                await SendAsync(client, HttpMethod.Post, $"/api/admin/statements/{Uri.EscapeDataString(value)}/mark-payable", null);
                await SendAsync(client, HttpMethod.Post, $"/api/admin/npq-applications/{Uri.EscapeDataString(value)}/transfer", new JsonObject());
            }
        }

        // The audit API, with an auditor token: each query and path parameter hostile.
        using (var auditor = fixture.WithToken(auditorToken))
        {
            var reads = new (string Path, string[] Query)[]
            {
                ("/api/audit/events", ["after", "limit"]),
                ("/api/audit/checkpoints", ["after", "limit"]),
                ("/api/audit/events/1/proof", ["checkpoint"]),
                ($"/api/audit/npq-applications/{application.Id}", ["as_of", "version"]),
                ($"/api/audit/participants/{application.ParticipantId}", ["as_of", "version"]),
                ($"/api/audit/streams/{application.Id}", []),
                ("/api/audit/checkpoints/1/consistency/2", []),
            };
            foreach (var (path, query) in reads)
            {
                foreach (var name in query)
                {
                    foreach (var value in HostileStrings)
                        await SendAsync(auditor, HttpMethod.Get, $"{path}?{name}={Uri.EscapeDataString(value)}", null);
                }
            }

            foreach (var value in HostileStrings.Where(v => v.Length > 0 && !v.Any(char.IsControl) && !v.Any(char.IsSurrogate)))
            {
                await SendAsync(auditor, HttpMethod.Get, $"/api/audit/streams/{Uri.EscapeDataString(value)}", null);
                await SendAsync(auditor, HttpMethod.Get, $"/api/audit/events/{Uri.EscapeDataString(value)}/proof?checkpoint=1", null);
                await SendAsync(auditor, HttpMethod.Get, $"/api/audit/checkpoints/{Uri.EscapeDataString(value)}/consistency/1", null);
            }
        }

        output.WriteLine($"{requests} hostile requests");
        requests.ShouldBeGreaterThan(700);
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(30)));
    }

    [Theory]
    [InlineData("full_name")]
    [InlineData("employer_name")]
    [InlineData("national_insurance_number")]
    public async Task A_control_character_in_a_registration_attribute_is_a_422_on_that_attribute_and_writes_nothing(string attribute)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        var attributes = ApiFixture.ValidRegistration(provider.Id);
        attributes[attribute] = "Nul\u0000Name";
        var before = await EventCountAsync(store);

        using var response = await fixture.PostRegistrationAsync(attributes);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, body);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray().ToList();
        errors.ShouldContain(e => e.GetProperty("title").GetString() == attribute
                                  && e.GetProperty("detail").GetString() == $"The property '#/{attribute}' must not contain control characters");
        (await EventCountAsync(store)).ShouldBe(before);
    }

    [Fact]
    public async Task The_web_form_answers_hostile_fields_with_the_form_and_its_errors_and_writes_nothing()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        using var client = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await client.GetStringAsync("/registration");
        var token = Token().Match(page).Groups[1].Value;
        token.ShouldNotBeEmpty();
        var failures = new List<string>();
        var valid = Registration.RegistrationFormTests.ValidForm(provider.Id, "Form Sweep", "form.sweep@example.com", token);
        foreach (var field in valid.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).ToList())
        {
            foreach (var value in HostileStrings.Where(v => v.Length > 0 && !char.IsWhiteSpace(v[0])))
            {
                var fields = new Dictionary<string, string>(valid) { [field] = value };
                if (field != "email")
                    fields["email"] = $"form.sweep.{Guid.NewGuid():N}@example.com";
                var before = await EventCountAsync(store);
                using var response = await client.PostAsync("/registration", new FormUrlEncodedContent(fields));
                var status = (int)response.StatusCode;
                if (status >= 500)
                    failures.Add($"{status} {field}={Escape(value)}");
                else if (status != 302 && await EventCountAsync(store) != before) // a 302 is to the confirmation: registered
                    failures.Add($"{status}: the form was shown again, but events were appended: {field}={Escape(value)}");
                else if (value.Contains('\0', StringComparison.Ordinal) && field == "full_name")
                    (await response.Content.ReadAsStringAsync()).ShouldContain("must not contain control characters");
            }
        }

        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(30)));
    }

    private static IEnumerable<JsonNode?> HostileValues() =>
        HostileJson.Select(v => v?.DeepClone()).Concat(HostileStrings.Select(s => (JsonNode?)JsonValue.Create(s)));

    private static string Escape(string value) => value.Length > 40 ? value[..40] + "…" : JsonSerializer.Serialize(value);

    private static async Task<long> EventCountAsync(IDocumentStore store)
    {
        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
