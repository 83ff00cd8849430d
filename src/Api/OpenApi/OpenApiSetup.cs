using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;

namespace Npq.Api.OpenApi;

/// <summary>
/// Which list parameters an action takes, for its OpenAPI description (deepObject <c>filter</c>/<c>page</c>,
/// <c>sort</c>). An action that serves several versions names a <see cref="Version"/> where one differs
/// (0: every version not named).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ListParametersAttribute(params string[] filters) : Attribute
{
    public IReadOnlyList<string> Filters { get; } = filters;

    public bool Paged { get; init; } = true;

    /// <summary>The fields <c>sort</c> takes (each also with <c>-</c> for descending); none: not sorted.</summary>
    public string[] SortFields { get; init; } = [];

    public int Version { get; init; }
}

/// <summary>
/// One OpenAPI 3 document per version (CONTRACT B9), generated from the controllers: served at
/// <c>/api/docs/{v1|v2|v3}/swagger.json</c> and <c>.yaml</c>, with the bearer scheme and a server entry.
/// </summary>
public static class OpenApiSetup
{
    public static readonly string[] Versions = ["v1", "v2", "v3"];

    internal static readonly string[] TrainingStatuses = ["active", "deferred", "withdrawn"];

    private static readonly Dictionary<string, string[]> EnumValues = new(StringComparer.Ordinal)
    {
        ["training_status"] = TrainingStatuses,
        ["outcome_course_identifier"] = [.. Domain.Courses.Courses.All.Where(c => c.HasOutcomes).Select(c => c.Identifier)],
        ["status"] = ["pending", "accepted", "rejected"],
        ["state"] = ["submitted", "eligible", "payable", "paid", "voided", "ineligible", "awaiting-clawback", "clawed-back"],
        ["reason_for_rejection"] = ["registration_expired", "rejected_by_provider", "other_application_in_this_cohort_accepted"],
        ["declaration_type"] = [.. Domain.Declarations.DeclarationTypes.All],
        ["course_identifier"] = [.. Domain.Courses.Courses.All.Select(c => c.Identifier)],
        ["funding_choice"] = [.. Domain.Registration.FundingChoices.All],
        ["headteacher_status"] = ["no", "yes_when_course_starts", "yes_in_first_two_years", "yes_over_two_years", "yes_in_first_five_years", "yes_over_five_years"],
        ["ineligible_for_funding_reason"] = ["previously-funded", "establishment-ineligible"],
        ["declaration_ineligible_for_funding_reason"] = ["duplicate_declaration"],
        ["outcome_state"] = [Domain.Declarations.OutcomeStates.Passed, Domain.Declarations.OutcomeStates.Failed, Domain.Declarations.OutcomeStates.Voided],
        ["works_as_senco"] = [.. Domain.Registration.SencoAnswers.All],
        ["schedule_identifier"] =
        [
            "npq-leadership-autumn", "npq-leadership-spring", "npq-specialist-autumn", "npq-specialist-spring",
            "npq-ehco-november", "npq-ehco-december", "npq-ehco-march", "npq-ehco-june",
            "npq-aso-november", "npq-aso-december", "npq-aso-march", "npq-aso-june",
        ],
    };

    public static IServiceCollection AddNpqOpenApi(this IServiceCollection services)
    {
        // The documents describe the JSON the API writes (Json/ApiJson.cs): snake_case names.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        services.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Mvc.ApiExplorer.IApiDescriptionProvider, DocumentedShapesProvider>());

        // Each version in OpenAPI 3.1 (/api/docs/v3/swagger.json) and, for generators that read 3.0 best
        // (NSwag, openapi-generator), the same document in 3.0 (/api/docs/v3-3.0/swagger.json), issue 29.
        foreach (var version in Versions)
        {
            services.AddOpenApi(version, options => Describe(options, version));
            services.AddOpenApi($"{version}-3.0", options =>
            {
                options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
                Describe(options, version);
            });
        }

        return services;
    }

    /// <summary>One version's document: what it includes and how its operations, schemas and parameters are described.</summary>
    private static void Describe(Microsoft.AspNetCore.OpenApi.OpenApiOptions options, string version)
    {
        options.ShouldInclude = description => description.GroupName == version;
        options.CreateSchemaReferenceId = SchemaNames.Of; // names a generator can use (issue 29)
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = $"NPQ lead-provider API {version}",
                Version = version,
                Description = "The API through which lead providers run National Professional Qualification courses. " +
                              "Every request needs `Authorization: Bearer <token>`. " +
                              "[Guidance](/api/guidance) · this document as [YAML](/api/docs/" + version + "/swagger.yaml) " +
                              "or [JSON](/api/docs/" + version + "/swagger.json), to import into Postman; [OpenAPI 3.0](/api/docs/" + version + "-3.0/swagger.json) for client generators · " +
                              "sandbox test data: [register a participant](/registration)." +
                              (version is "v1" or "v2"
                                  ? " **Deprecated:** the reference service switched " + version + " off on 8 August 2025; this server still serves it, " +
                                    "with `Deprecation`, `Sunset` and `Link` headers on every response, until an operator retires it. " +
                                    "Move to [v3](/api/docs/v3): see [the guidance](" + Http.LegacyVersions.GuidancePath + ")."
                                  : ""),
            };
            document.Servers = [new OpenApiServer { Url = "/", Description = "This server" }];
            document.Components ??= new OpenApiComponents();
            document.Components.Headers = ResponseHeaders.Components(version);
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                ["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API token (npq_…)" },
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            // The tags the operations carry (OperationNames), in the table's order, instead of controller names.
            var used = (document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>())
                .SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
                .SelectMany(o => o.Tags ?? Enumerable.Empty<OpenApiTagReference>()).Select(t => t.Name).ToHashSet();
            document.Tags = new HashSet<OpenApiTag>(OperationNames.All.Values.Select(n => n.Tag).Distinct().Where(used.Contains).Select(t => new OpenApiTag { Name = t }));
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // The value lists of CONTRACT §4.4 on the string properties that carry them
            // (a nullable property lists null too, as JSON Schema requires).
            // A property that names its own list ([ValuesFrom]) keeps it.
            if (context.JsonPropertyInfo?.AttributeProvider?.IsDefined(typeof(UuidAttribute), inherit: false) == true)
                schema.Format = "uuid";
            if (context.JsonPropertyInfo is { } member) // what each field means (issue 29)
                PropertyDescriptions.Describe(schema, member.Name, member.DeclaringType, context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object);

            // The API writes numbers as numbers: "integer or numeric string" (the web defaults' lenient
            // reading) would make a generated client model a change's position as an object.
            if (schema.Type is { } numeric && numeric.HasFlag(JsonSchemaType.Integer) && numeric.HasFlag(JsonSchemaType.String) && schema.Pattern is not null)
            {
                schema.Type = numeric & ~JsonSchemaType.String;
                schema.Pattern = null;
            }

            // A request boolean read by a converter of its own (has_passed) is still a boolean.
            if (context.JsonPropertyInfo?.PropertyType == typeof(bool?) && schema.Type is null)
                schema.Type = JsonSchemaType.Null | JsonSchemaType.Boolean;

            // A request record's required members are nullable in C# (a missing one arrives as
            // null and is refused in the contract's words) but not in the document.
            var request = typeof(Requests.IRequestAttributes).IsAssignableFrom(context.JsonTypeInfo.Type);
            foreach (var required in request && schema.Required is { } names ? names : Enumerable.Empty<string>())
            {
                if (schema.Properties is { } properties && properties.TryGetValue(required, out var property) && property is OpenApiSchema { Type: { } requiredType } requiredSchema)
                    requiredSchema.Type = requiredType & ~JsonSchemaType.Null;
            }

            if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(ValuesFromAttribute), inherit: false)
                    .OfType<ValuesFromAttribute>().FirstOrDefault() is { } own)
            {
                schema.Enum = own.Values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!).ToList();
                return Task.CompletedTask;
            }

            // A resource's type is one value, the one its attributes are written under.
            if (context.JsonTypeInfo.Type is { IsGenericType: true } resource && resource.GetGenericTypeDefinition() == typeof(Json.Resource<>)
                && ResourceTypeOf(resource.GetGenericArguments()[0]) is { } resourceType
                && schema.Properties?.TryGetValue("type", out var typeProperty) == true && typeProperty is OpenApiSchema typeSchema)
            {
                typeSchema.Enum = [System.Text.Json.Nodes.JsonValue.Create(resourceType)!];
            }

            var typeName = context.JsonTypeInfo.Type.Name;
            var declaration = typeName.Contains("Declaration", StringComparison.Ordinal);
            var outcome = typeName.Contains("Outcome", StringComparison.Ordinal);
            foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                var key = (name, declaration, outcome) switch
                {
                    ("ineligible_for_funding_reason", true, _) => "declaration_ineligible_for_funding_reason",
                    ("state", _, true) => "outcome_state",
                    ("course_identifier", _, true) => "outcome_course_identifier",
                    _ => name,
                };
                if (property is not OpenApiSchema concrete || concrete.Enum is { Count: > 0 } || !EnumValues.TryGetValue(key, out var values))
                    continue;
                var list = values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!).ToList();
                if (concrete.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                    list.Add(null!);
                concrete.Enum = list;
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            // v1 and v2 are deprecated (the reference switched them off on 2025-08-08): every
            // response says so in Deprecation, Sunset and Link headers (Http/LegacyVersions.cs).
            if (version is "v1" or "v2")
                operation.Deprecated = true;

            // What a client generator names the operation after (issue 29), the same in every version.
            if (OperationNames.Of(context.Description.HttpMethod, context.Description.RelativePath) is { } name)
            {
                operation.OperationId = name.OperationId;
                operation.Summary ??= name.Summary;
                operation.Tags = new HashSet<OpenApiTagReference> { new(name.Tag, context.Document) };
            }

            // Every write takes an Idempotency-Key (issue 15, ADR 0019).
            if (context.Description.HttpMethod is "POST" or "PUT")
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = Http.IdempotencyMiddleware.Header, In = ParameterLocation.Header, Required = false,
                    Description = "Optional; 1 to 255 visible ASCII characters, unique per intended change (a UUID will do). " +
                                  "A retry with the same key and the same request within 24 hours gets the first response again, " +
                                  "with `Idempotent-Replayed: true`, and changes nothing; the same key with a different request is a 422; " +
                                  "a retry while the first is still running is a 409.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Http.IdempotencyMiddleware.MaxKeyLength },
                });
            }

            ResponseHeaders.Describe(operation, context.Description.HttpMethod, version, context.Document);
            Parameters.DescribeIds(operation);
            Parameters.DescribeLimit(operation);
            CapturedExamples.Describe(operation, version); // captured from the tests (issue 29)

            // An optional body (accept, change-funded-place) is a nullable parameter; absent is
            // said by "required": false, and a JSON null is not a body the API takes.
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                if (media.Schema is OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var body] })
                    media.Schema = body;
            }

            var lists = context.Description.ActionDescriptor.EndpointMetadata.OfType<ListParametersAttribute>().ToList();
            var number = int.Parse(version.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            var list = lists.FirstOrDefault(l => l.Version == number) ?? lists.FirstOrDefault(l => l.Version == 0);
            if (list is null)
                return Task.CompletedTask;
            operation.Parameters ??= [];
            // Named after the operation (listApplications: ApplicationsFilter, ApplicationsSortField).
            var noun = operation.OperationId is { Length: > 4 } id && id.StartsWith("list", StringComparison.Ordinal) ? id[4..] : "List";
            if (list.Filters.Count > 0)
                operation.Parameters.Add(Parameters.DeepObject("filter", list.Filters, $"{noun}Filter", context.Document!));
            if (list.Paged)
                operation.Parameters.Add(Parameters.DeepObject("page", ["page", "per_page"], "Pagination", context.Document!));
            if (list.SortFields.Length > 0)
            {
                // A comma list of fields, each ascending or, with '-', descending (form, not exploded).
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "sort", In = ParameterLocation.Query, Required = false, Style = ParameterStyle.Form, Explode = false,
                    Description = "Comma-separated fields; '-' for descending. Unknown fields are ignored.",
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Items = Parameters.Component(context.Document!, $"{noun}SortField", new OpenApiSchema
                        {
                            Type = JsonSchemaType.String,
                            Description = "A field to sort by; with '-' before it, descending.",
                            Enum = list.SortFields.SelectMany(f => new[] { f, $"-{f}" })
                                .Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!).ToList(),
                        }),
                    },
                });
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>The <c>type</c> of a resource by its attributes' record (the controllers' <c>Type</c> constants).</summary>
    private static string? ResourceTypeOf(Type attributes) => attributes.Name switch
    {
        var n when n.StartsWith("ApplicationAttributes", StringComparison.Ordinal) => V3.NpqApplications.NpqApplicationsController.Type,
        var n when n.StartsWith("DeclarationAttributes", StringComparison.Ordinal) => V1.Declarations.DeclarationsController.Type,
        var n when n.StartsWith("ParticipantAttributes", StringComparison.Ordinal) => Participants.ParticipantsVersion.Type,
        var n when n.StartsWith("OutcomeAttributes", StringComparison.Ordinal) => Participants.ParticipantsVersion.OutcomeType,
        "StatementAttributes" => V3.Statements.StatementsController.Type,
        "DeliveryPartnerAttributes" => V3.DeliveryPartners.DeliveryPartnersController.Type,
        _ => null,
    };

    public static WebApplication MapNpqOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/api/docs/{documentName}/swagger.json");
        app.MapOpenApi("/api/docs/{documentName}/swagger.yaml");
        return app;
    }

    /// <summary>Interactive docs per version at <c>/api/docs/{v1|v2|v3}</c>: Swagger UI from its package, no CDN.</summary>
    public static WebApplication UseNpqSwaggerUi(this WebApplication app)
    {
        foreach (var version in Versions)
        {
            app.UseSwaggerUI(options =>
            {
                options.RoutePrefix = $"api/docs/{version}";
                options.SwaggerEndpoint($"/api/docs/{version}/swagger.json", $"NPQ lead-provider API {version}");
                options.DocumentTitle = $"NPQ lead-provider API {version}";
            });
        }

        return app;
    }
}
