using System.Text.Json;
using Npq.Domain.NpqApplications;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Docs;

/// <summary>
/// Issue 26, item 7: each version's document says what that version's server sends and answers: the
/// v2 declaration without v1's fields, the 410s and the 422 where v3 gives them (and only there), and
/// the value lists of <c>type</c>, <c>sort</c>, <c>training_status</c>, the reasons and the outcome courses.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class OpenApiSaysWhatTheServerDoesTests(ApiFixture fixture)
{
    private async Task<JsonElement> DocumentAsync(string version)
    {
        using var client = fixture.Anonymous();
        return JsonDocument.Parse(await client.GetStringAsync($"/api/docs/{version}/swagger.json")).RootElement.Clone();
    }

    private static JsonElement Schema(JsonElement document, string name) => document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    /// <summary>A schema, through a <c>$ref</c> or a nullable <c>oneOf</c> of null and a <c>$ref</c>.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("oneOf", out var oneOf))
            schema = oneOf.EnumerateArray().Single(s => s.TryGetProperty("$ref", out _));
        return schema.TryGetProperty("$ref", out var reference) ? Schema(document, reference.GetString()!.Split('/')[^1]) : schema;
    }

    private static List<string?> Enum(JsonElement schema) => schema.GetProperty("enum").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()).ToList();

    private static IEnumerable<string> Statuses(JsonElement document, string path, string method = "get") =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").EnumerateObject().Select(p => p.Name);

    [Fact]
    public async Task The_v2_declaration_schema_has_exactly_the_fields_v2_sends()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2023");
        var declared = (await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z", version: "v2")).ShouldBeOkBody();
        var sent = declared.GetProperty("data").GetProperty("attributes").EnumerateObject().Select(p => p.Name).Order().ToList();

        var document = await DocumentAsync("v2");
        foreach (var path in new[] { "/api/v2/participant-declarations", "/api/v2/participant-declarations/{id}" })
        {
            var envelope = Resolve(document, document.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses")
                .GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
            var data = envelope.GetProperty("properties").GetProperty("data");
            var resource = Resolve(document, data.TryGetProperty("items", out var items) ? items : data);
            var attributes = Resolve(document, resource.GetProperty("properties").GetProperty("attributes"));
            attributes.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToList().ShouldBe(sent, customMessage: path);
        }
    }

    [Fact]
    public async Task The_410s_and_the_422_are_documented_where_v3_gives_them_and_only_there()
    {
        var v3 = await DocumentAsync("v3");
        Statuses(v3, "/api/v3/participants/npq/{id}").ShouldContain("410");
        Statuses(v3, "/api/v3/participants/npq/{id}/outcomes").ShouldContain("410");
        Statuses(v3, "/api/v3/participants/npq").ShouldContain("422");
        foreach (var version in new[] { "v1", "v2" })
        {
            var document = await DocumentAsync(version);
            Statuses(document, $"/api/{version}/participants/npq/{{id}}").ShouldNotContain("410", version);
            Statuses(document, $"/api/{version}/participants/npq").ShouldNotContain("422", version);
            var parameters = document.GetProperty("paths").GetProperty($"/api/{version}/participants/npq").GetProperty("get").GetProperty("parameters");
            parameters.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldNotContain("sort", version);
        }
    }

    [Fact]
    public async Task Types_sorts_statuses_reasons_and_outcome_courses_have_their_value_lists()
    {
        var v3 = await DocumentAsync("v3");
        var declarationResource = Schema(v3, "DeclarationV3").GetProperty("properties").GetProperty("type");
        Enum(declarationResource).ShouldBe(["participant-declaration"]);
        Enum(Schema(v3, "ParticipantV3").GetProperty("properties").GetProperty("type")).ShouldBe(["npq-participant"]);
        Enum(Schema(v3, "ApplicationV3").GetProperty("properties").GetProperty("type")).ShouldBe(["npq_application"]);

        var sort = v3.GetProperty("paths").GetProperty("/api/v3/npq-applications").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "sort");
        Enum(Resolve(v3, sort.GetProperty("schema").GetProperty("items"))).ShouldBe(["created_at", "-created_at", "updated_at", "-updated_at"]);

        var filter = v3.GetProperty("paths").GetProperty("/api/v3/participants/npq").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "filter");
        Enum(Resolve(v3, filter.GetProperty("schema")).GetProperty("properties").GetProperty("training_status")).ShouldBe(["active", "deferred", "withdrawn"]);
        Enum(Schema(v3, "EnrolmentV3").GetProperty("properties").GetProperty("training_status")).ShouldBe(["active", "deferred", "withdrawn", null]);

        Enum(Schema(v3, "WithdrawalV3").GetProperty("properties").GetProperty("reason")).ShouldBe([.. TrainingReasons.WithdrawalExtended]);
        Enum(Schema(v3, "DeferralV3").GetProperty("properties").GetProperty("reason")).ShouldBe([.. TrainingReasons.Deferral]);

        var outcomeCourses = Enum(Schema(v3, "OutcomeAttributesV3").GetProperty("properties").GetProperty("course_identifier"));
        outcomeCourses.Count.ShouldBe(10);
        outcomeCourses.ShouldNotContain("npq-early-headship-coaching-offer");
        outcomeCourses.ShouldNotContain("npq-additional-support-offer");
    }
}
