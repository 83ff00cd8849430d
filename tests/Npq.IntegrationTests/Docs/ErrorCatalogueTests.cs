using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Docs;

/// <summary>
/// The error catalogue of the guidance (issue 29), generated from the code: every title and detail a
/// provider's request can be answered with, read from where the rules build them (the domain's decisions,
/// the validators, the handlers, the list and body readers), grouped by the operations they guard, and kept
/// in <c>docs/openapi/errors.json</c>, which the guidance's <c>{{errors}}</c> renders. The test fails when
/// the committed catalogue differs from the code (refresh with <c>NPQ_UPDATE_OPENAPI=1</c>) and when a
/// source file that makes errors is in no group and not excused, so a new rule is never left out.
/// </summary>
public sealed partial class ErrorCatalogueTests
{
    /// <summary>The operations each source file's errors belong to, in the order the guidance lists them.</summary>
    private static readonly (string Operations, string[] Files)[] Groups =
    [
        ("Every list (GET with filter, page or sort)", ["src/Api/Http/ListQuery.cs", "src/Api/V3/Participants/ParticipantsV3.cs"]),
        ("Every write (POST and PUT)", [
            "src/Api/Http/JsonApiInputFormatter.cs", "src/Api/Http/IdempotencyMiddleware.cs", "src/Application/Common/Behaviours/ValidationBehaviour.cs",
            "src/Application/Common/InputLimits.cs", "src/Application/Common/WriteConflicts.cs",
        ]),
        ("Sandbox requests", ["src/Api/Http/EdgeMiddleware.cs"]),
        ("Accept an application", [
            "src/Domain/NpqApplications/AcceptApplicationDecision.cs", "src/Application/NpqApplications/AcceptApplication/AcceptApplicationHandler.cs",
            "src/Application/NpqApplications/AcceptApplication/AcceptApplication.cs",
        ]),
        ("Reject an application", ["src/Domain/NpqApplications/RejectApplicationDecision.cs", "src/Application/NpqApplications/RejectApplication/RejectApplication.cs"]),
        ("Change funded place", ["src/Domain/NpqApplications/ChangeFundedPlaceDecision.cs", "src/Application/NpqApplications/ChangeFundedPlace/ChangeFundedPlace.cs"]),
        ("Defer, resume and withdraw a participant", [
            "src/Application/Participants/ParticipantActions.cs", "src/Domain/NpqApplications/TrainingStatusDecisions.cs",
            "src/Application/Participants/ChangeTrainingStatus/ChangeTrainingStatus.cs",
        ]),
        ("Change a participant's schedule", ["src/Domain/NpqApplications/ChangeScheduleDecision.cs", "src/Application/Participants/ChangeSchedule/ChangeSchedule.cs"]),
        ("Create a declaration", [
            "src/Domain/Declarations/SubmitDeclarationRules.cs", "src/Application/Declarations/SubmitDeclaration/SubmitDeclaration.cs",
            "src/Application/Declarations/SubmitDeclaration/SubmitDeclarationHandler.cs",
        ]),
        ("Void a declaration", ["src/Domain/Declarations/VoidDeclarationDecision.cs", "src/Application/Declarations/VoidDeclaration/VoidDeclaration.cs", "src/Application/Declarations/DeclarationAccess.cs"]),
        ("Change a declaration's delivery partner (v3)", ["src/Application/Declarations/ChangeDeliveryPartner/ChangeDeliveryPartner.cs", "src/Application/Declarations/DeclarationAccess.cs"]),
        ("Record an outcome (v3)", ["src/Application/Outcomes/CreateOutcome/CreateOutcome.cs"]),
        ("Follow the change feed (v3)", ["src/Api/V3/Changes/ChangesController.cs", "src/Application/Changes/ChangeFeed.cs"]),
        ("Register a participant (sandbox form and POST /api/registrations)", [
            "src/Application/Registration/RegisterApplication/RegisterApplicationValidator.cs", "src/Domain/Registration/RegisterApplicationDecision.cs",
            "src/Application/Registration/RegisterApplication/RegisterApplicationHandler.cs",
        ]),
    ];

    /// <summary>Files whose errors no provider's request can meet: DfE's own operations and the auditors' endpoints.</summary>
    private static readonly string[] NotForProviders =
    [
        "src/Api/Admin/", "src/Api/Audit/", "src/Application/NpqApplications/DfeOperations/", "src/Domain/NpqApplications/DfeOperationDecisions.cs",
        "src/Application/NpqApplications/TransferApplication/", "src/Application/Participants/ChangeParticipantId/",
        "src/Application/Participants/ChangePersonDetails/", "src/Application/Statements/Admin/", "src/Application/DeliveryPartners/AddDeliveryPartner.cs",
        "src/Domain/Statements/", "src/Application/Common/Errors/ApiExceptions.cs", "src/Application/Participants/ErasePersonalData/",
        "src/Infrastructure/Audit/Log/PersonalDataEraser.cs",
    ];

    [Fact]
    public async Task The_catalogue_lists_every_error_the_code_can_answer_a_provider_with()
    {
        var sources = Directory.GetFiles(Repository.File("src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.Root.FullName, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .ToDictionary(f => f, f => Errors(File.ReadAllText(Repository.File(f))));

        var grouped = Groups.SelectMany(g => g.Files).ToHashSet(StringComparer.Ordinal);
        var unplaced = sources.Where(s => s.Value.Count > 0 && !grouped.Contains(s.Key) && !NotForProviders.Any(s.Key.StartsWith)).Select(s => s.Key).ToList();
        unplaced.ShouldBeEmpty("files that make errors but are in no group of the catalogue: add them to Groups or NotForProviders");

        var catalogue = new JsonArray();
        foreach (var (operations, files) in Groups)
        {
            var errors = files.SelectMany(f => sources.TryGetValue(f, out var found) ? found : throw new FileNotFoundException(f)).Distinct().ToList();
            errors.ShouldNotBeEmpty(operations);
            catalogue.Add(new JsonObject
            {
                ["operations"] = operations,
                ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["status"] = e.Status, ["title"] = e.Title, ["detail"] = e.Detail })]),
            });
        }

        var text = catalogue.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        var path = Repository.File("docs", "openapi", "errors.json");
        if (Environment.GetEnvironmentVariable("NPQ_UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(path, text);
        (await File.ReadAllTextAsync(path)).ShouldBe(text, "docs/openapi/errors.json differs from the code: refresh it with NPQ_UPDATE_OPENAPI=1");

        // The scan finds what the contract pins, so it reads the rules and not only some of them.
        var all = catalogue.SelectMany(g => g!["errors"]!.AsArray()).Select(e => $"{e!["status"]} {e["title"]}: {e["detail"]}").ToList();
        all.ShouldContain("400 Bad request: The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number");
        all.ShouldContain("422 funded_place: Set '#/funded_place' to true or false: the cohort has a funding cap");
        all.ShouldContain("409 Idempotency-Key: A request with this Idempotency-Key is still being processed; retry once it has finished");
        all.ShouldContain("422 course_identifier: The property '#/course_identifier' must be 200 characters or fewer");
    }

    private sealed record Error(int Status, string Title, string Detail);

    /// <summary>The errors a source file builds, with its string constants put into the holes of interpolated strings.</summary>
    private static List<Error> Errors(string code)
    {
        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match constant in Constant().Matches(code))
            constants.TryAdd(constant.Groups["name"].Value, constant.Groups["value"].Value.Trim('"'));
        string Text(string literal)
        {
            if (constants.TryGetValue(literal, out var named))
                return named.Replace("\\\"", "\"", StringComparison.Ordinal);

            var parts = StringPart().Matches(literal).Select(m => m.Groups["text"].Value);
            var joined = string.Concat(parts).Replace("\\\"", "\"", StringComparison.Ordinal);
            if (!literal.TrimStart().StartsWith('$'))
                return joined;
            joined = Hole().Replace(joined, h => constants.TryGetValue(h.Groups["name"].Value, out var value) ? value : "…");
            return joined.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal);
        }

        var errors = new List<Error>();
        foreach (Match match in Rule().Matches(code))
        {
            var title = match.Groups["title"].Value is var t && t.StartsWith('"') ? t.Trim('"') : constants.GetValueOrDefault(t) ?? t;
            var status = match.Groups["kind"].Value switch
            {
                "ConflictException" => 409,
                "ForbiddenException" => 403,
                "GoneException" => 410,
                _ => 422,
            };
            errors.Add(new Error(status, title, Text(match.Groups["detail"].Value)));
        }

        foreach (Match match in BadRequest().Matches(code))
            errors.Add(new Error(400, "Bad request", Text(match.Groups["detail"].Value)));

        // FluentValidation: a rule's messages belong to the attribute it names (OverridePropertyName or WireText).
        foreach (Match chain in ValidationChain().Matches(code))
        {
            var body = chain.Value;
            var attribute = WireText().Match(body) is { Success: true } wire ? wire.Groups["name"].Value
                : OverrideName().Match(body) is { Success: true } named ? named.Groups["name"].Value
                : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(chain.Groups["property"].Value);
            foreach (Match message in WithMessage().Matches(body))
                errors.Add(new Error(422, attribute, Text(message.Groups["detail"].Value)));
            if (WireText().Match(body) is { Success: true } limit)
                errors.Add(new Error(422, attribute, $"The property '#/{attribute}' must be {(limit.Groups["max"].Success ? limit.Groups["max"].Value : "200")} characters or fewer"));
        }

        if (code.Contains("static IRuleBuilderOptions<T, string?> WireText", StringComparison.Ordinal))
            errors.Add(new Error(422, "<attribute>", "The property '#/<attribute>' must be 200 characters or fewer"));
        return [.. errors.Where(e => e.Detail.Length > 0).Distinct()];
    }

    private const string Literal = """\$?"(?:[^"\\]|\\.)*"(?:\s*\+\s*\$?"(?:[^"\\]|\\.)*")*""";

    [GeneratedRegex("""(?<kind>errors\.Add\(new|yield return new|new DomainError|RuleViolationException|ConflictException|ForbiddenException|GoneException)\(\s*(?<title>"[^"]+"|[A-Z]\w*)\s*,\s*(?<detail>""" + Literal + @"|[A-Z]\w*(?=\s*\)))")]
    private static partial Regex Rule();

    [GeneratedRegex("""BadRequestException\(\s*(?<detail>""" + Literal + ")")]
    private static partial Regex BadRequest();

    [GeneratedRegex("""RuleFor\(\w+ => \w+\.(?<property>\w+)\)[^;]*;""", RegexOptions.Singleline)]
    private static partial Regex ValidationChain();

    [GeneratedRegex("""\.WithMessage\((?<detail>""" + Literal + @")\)")]
    private static partial Regex WithMessage();

    [GeneratedRegex("""\.WireText\("(?<name>[^"]+)"(?:,\s*(?<max>\d+))?\)""")]
    private static partial Regex WireText();

    [GeneratedRegex("""\.OverridePropertyName\("(?<name>[^"]+)"\)""")]
    private static partial Regex OverrideName();

    [GeneratedRegex("""const (?:string|int) (?<name>\w+) = (?<value>"(?:[^"\\]|\\.)*"|\d+);""")]
    private static partial Regex Constant();

    [GeneratedRegex("""\$?"(?<text>(?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex StringPart();

    [GeneratedRegex(@"(?<!\{)\{(?<name>[A-Za-z_][\w.]*)(?::[^}]*)?\}(?!\})")]
    private static partial Regex Hole();
}
