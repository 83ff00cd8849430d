using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Docs;

/// <summary>
/// The request and response examples of the OpenAPI documents and the guidance (issue 29), captured here
/// from real exchanges with the test server, never written by hand. Per version, one provider walks a
/// CRM's year (accept, reject, declare, defer, resume, change schedule, record an outcome, void, withdraw,
/// read everything) and each operation of that version's document gets the exchange of its step. With
/// <c>NPQ_UPDATE_OPENAPI=1</c> they are written to <c>docs/openapi/examples/{version}.json</c>; otherwise the
/// test fails when an operation has no example or the committed one has another status or another set of
/// fields than the server's answer today, so the examples cannot drift.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class ExampleCaptureTests(ApiFixture fixture)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record Step(string OperationId, Func<string, string> Path, string? Type = null, JsonObject? Attributes = null);

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task Every_operation_has_a_captured_example_of_the_shape_the_server_answers(string version)
    {
        using var anonymous = fixture.Anonymous();
        var document = JsonDocument.Parse(await anonymous.GetStringAsync($"/api/docs/{version}/swagger.json")).RootElement;
        var operations = new Dictionary<string, (string Method, string Path)>(StringComparer.Ordinal);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
                operations[operation.Value.GetProperty("operationId").GetString()!] = (operation.Name.ToUpperInvariant(), path.Name);
        }

        var v3 = version == "v3";
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        await provider.OpenStatementAsync("2024", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var partner = await provider.AddDeliveryPartnerAsync($"Example Teaching School Hub {version}", 2023, 2024);
        var otherPartner = await provider.AddDeliveryPartnerAsync($"Example Research School {version}", 2023);
        var accepted = await provider.RegisterAsync(a => a["cohort"] = "2023");
        var rejected = await provider.RegisterAsync(a => a["cohort"] = "2023");
        var capped = await provider.AcceptedApplicationAsync("2024");
        var participant = accepted.ParticipantId;
        var declaration = Guid.Empty;
        var voided = Guid.Empty;
        var statement = Guid.Empty;

        JsonObject Declaration(string type, string date)
        {
            var attributes = new JsonObject
            {
                ["participant_id"] = participant.ToString(), ["declaration_type"] = type, ["declaration_date"] = date,
                ["course_identifier"] = "npq-senior-leadership",
            };
            if (v3)
                attributes["delivery_partner_id"] = partner.ToString();
            if (type == "completed")
                attributes["has_passed"] = true;
            return attributes;
        }

        JsonObject Course(string? reason = null) => reason is null
            ? new JsonObject { ["course_identifier"] = "npq-senior-leadership" }
            : new JsonObject { ["course_identifier"] = "npq-senior-leadership", ["reason"] = reason };

        var scheduleChange = new JsonObject { ["course_identifier"] = "npq-senior-leadership" };
        Step[] steps =
        [
            new("listApplications", p => p + "?page[per_page]=2&filter[cohort]=2023"),
            new("getApplication", p => p.Replace("{id}", accepted.Id.ToString(), StringComparison.Ordinal)),
            new("acceptApplication", p => p.Replace("{id}", accepted.Id.ToString(), StringComparison.Ordinal), "npq-application-accept",
                v3 ? new JsonObject { ["schedule_identifier"] = "npq-leadership-autumn" } : null),
            new("changeParticipantSchedule", p => p.Replace("{id}", participant.ToString(), StringComparison.Ordinal), "npq-participant-change-schedule", scheduleChange),
            new("rejectApplication", p => p.Replace("{id}", rejected.Id.ToString(), StringComparison.Ordinal)),
            new("changeApplicationFundedPlace", p => p.Replace("{id}", capped.Id.ToString(), StringComparison.Ordinal), "npq-application-change-funded-place",
                new JsonObject { ["funded_place"] = false }),
            new("listApplicationsCsv", p => p + "?filter[cohort]=2023"),
            new("listEnrolmentsCsv", p => p),
            new("listParticipants", p => p + "?page[per_page]=2"),
            new("getParticipant", p => p.Replace("{id}", participant.ToString(), StringComparison.Ordinal)),
            new("createDeclaration", p => p, "participant-declaration", Declaration("started", "2024-02-01T10:00:00Z")),
            new("getDeclaration", p => p.Replace("{id}", declaration.ToString(), StringComparison.Ordinal)),
            new("changeDeclarationDeliveryPartner", p => p.Replace("{id}", declaration.ToString(), StringComparison.Ordinal), "participant-declaration",
                new JsonObject { ["delivery_partner_id"] = otherPartner.ToString() }),
            new("deferParticipant", p => p.Replace("{id}", participant.ToString(), StringComparison.Ordinal), "npq-participant-defer", Course("parental-leave")),
            new("resumeParticipant", p => p.Replace("{id}", participant.ToString(), StringComparison.Ordinal), "npq-participant-resume", Course()),
            new("createParticipantOutcome", p => p.Replace("{id}", participant.ToString(), StringComparison.Ordinal), "npq-outcome-confirmation",
                new JsonObject { ["course_identifier"] = "npq-senior-leadership", ["state"] = "passed", ["completion_date"] = "2024-06-30" }),
            new("listParticipantOutcomes", p => p.Replace("{id}", participant.ToString(), StringComparison.Ordinal)),
            new("listOutcomes", p => p + "?page[per_page]=2"),
            new("listDeclarations", p => p + "?page[per_page]=2"),
            new("listDeclarationsCsv", p => p),
            new("voidDeclaration", p => p.Replace("{id}", voided.ToString(), StringComparison.Ordinal)),
            new("withdrawParticipant", p => p.Replace("{id}", participant.ToString(), StringComparison.Ordinal), "npq-participant-withdraw", Course("personal-reason-moving-school")),
            new("listStatements", p => p + "?filter[cohort]=2023"),
            new("getStatement", p => p.Replace("{id}", statement.ToString(), StringComparison.Ordinal)),
            new("listDeliveryPartners", p => p + "?filter[cohort]=2023&sort=name"),
            new("getDeliveryPartner", p => p.Replace("{id}", partner.ToString(), StringComparison.Ordinal)),
            new("listChanges", p => p + "?limit=2"),
            new("listReceipts", p => p.Replace("{id}", accepted.Id.ToString(), StringComparison.Ordinal)),
        ];

        var captured = new JsonObject();
        using var client = provider.Client();
        foreach (var step in steps)
        {
            if (step.OperationId == "voidDeclaration")
                voided = (await provider.SendAsync(HttpMethod.Post, $"/api/{version}/participant-declarations", Declaration("retained-1", "2024-03-10T10:00:00Z"))).ShouldBeOkBody().GetProperty("data").GetProperty("id").GetGuid();
            if (step.OperationId == "createParticipantOutcome")
                (await provider.SendAsync(HttpMethod.Post, $"/api/{version}/participant-declarations", Declaration("completed", "2024-06-30T10:00:00Z"))).ShouldBeOk();
            if (step.OperationId == "listReceipts" && v3)
                await fixture.SealAndCheckpointAsync();
            if (step.OperationId == "getStatement" && v3)
                statement = (await provider.GetAsync("/api/v3/statements?filter[cohort]=2023")).ShouldBeOkBody().GetProperty("data")[0].GetProperty("id").GetGuid();
            if (step.OperationId == "changeParticipantSchedule")
            {
                var current = (await provider.GetAsync($"/api/v3/npq-applications/{accepted.Id}")).ShouldBeOk().GetProperty("schedule_identifier").GetString();
                scheduleChange["schedule_identifier"] = current == "npq-leadership-autumn" ? "npq-leadership-spring" : "npq-leadership-autumn";
            }

            if (!operations.Remove(step.OperationId, out var operation))
                continue;

            var path = step.Path(operation.Path);
            using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
            JsonObject? body = null;
            if (operation.Method is "POST" or "PUT")
            {
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                if (step.Attributes is not null)
                {
                    body = new JsonObject { ["data"] = new JsonObject { ["type"] = step.Type, ["attributes"] = step.Attributes.DeepClone() } };
                    request.Content = JsonContent.Create(body);
                }
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            status.ShouldBeInRange(200, 201, $"{step.OperationId}: {text}");
            JsonNode? answer = response.Content.Headers.ContentType?.MediaType == "application/json" ? Shorten(JsonNode.Parse(text)) : string.Join('\n', text.Split('\n').Take(3));
            if (step.OperationId == "createDeclaration")
                declaration = answer!["data"]!["id"]!.GetValue<Guid>();
            captured[step.OperationId] = new JsonObject
            {
                ["request"] = new JsonObject { ["method"] = operation.Method, ["path"] = path, ["body"] = body },
                ["responses"] = new JsonArray(new JsonObject { ["status"] = status, ["body"] = answer }),
            };
        }

        operations.Keys.ShouldBeEmpty("operations of the document that no step exercises");

        // An example is rewritten only when it is missing or no longer has the server's status and fields,
        // so a refresh does not churn ids and times. The documents read the copy beside the executable:
        // after a refresh, build again and refresh the documents (OpenApiTests) in a second run.
        var file = Repository.File("docs", "openapi", "examples", $"{version}.json");
        var committed = File.Exists(file) ? JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject() : [];
        bool Same(string operationId, JsonNode? example) =>
            committed[operationId]?["responses"]?[0] is { } before && example!["responses"]![0] is { } now
            && before["status"]!.GetValue<int>() == now["status"]!.GetValue<int>()
            && Shape(before["body"]).SequenceEqual(Shape(now["body"]));

        if (Environment.GetEnvironmentVariable("NPQ_UPDATE_OPENAPI") == "1")
        {
            var merged = new JsonObject();
            foreach (var (operationId, example) in captured)
                merged[operationId] = (Same(operationId, example) ? committed[operationId] : example)!.DeepClone();
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, merged.ToJsonString(Indented) + "\n");
            committed = merged;
        }

        File.Exists(file).ShouldBeTrue($"{file} is missing: run the tests with NPQ_UPDATE_OPENAPI=1 and commit it");
        committed.Select(c => c.Key).Order().ShouldBe(captured.Select(c => c.Key).Order(), "the operations with examples");
        foreach (var (operationId, example) in captured)
        {
            Same(operationId, example).ShouldBeTrue(
                $"{operationId}: the committed example has another status or other fields than the server's answer {example!["responses"]![0]!.ToJsonString()}; refresh it with NPQ_UPDATE_OPENAPI=1");
        }
    }

    /// <summary>A list keeps its first two items: an example, not a dump.</summary>
    private static JsonNode? Shorten(JsonNode? node)
    {
        if (node is JsonObject { } envelope && envelope["data"] is JsonArray { Count: > 2 } items)
        {
            while (items.Count > 2)
                items.RemoveAt(items.Count - 1);
        }

        return node;
    }

    /// <summary>The fields of a JSON value as sorted paths (arrays as []), or the header line of a CSV.</summary>
    private static List<string> Shape(JsonNode? node)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? n, string path)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                        Walk(value, $"{path}.{key}");
                    break;
                case JsonArray a:
                    foreach (var item in a)
                        Walk(item, path + "[]");
                    break;
                case JsonValue v when v.TryGetValue<string>(out var text) && path.Length == 0:
                    paths.Add(text.Split('\n')[0]);
                    break;
                default:
                    paths.Add(path);
                    break;
            }
        }

        Walk(node, "");
        return [.. paths];
    }
}
