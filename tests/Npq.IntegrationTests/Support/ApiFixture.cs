using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Application.Common;
using Npq.Application.ReferenceData;
using Npq.Infrastructure.Seed;
using Npq.Infrastructure.Tokens;

namespace Npq.IntegrationTests.Support;

[CollectionDefinition(Name)]
public sealed class ApiTests : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

/// <summary>
/// One server and one fresh database for the whole run. Tests never share rows: each makes its own
/// lead provider (with its own token) and its own applications through the public API.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    private int _providers;

    public TestDatabase Database { get; private set; } = null!;

    public ApiFactory Factory { get; private set; } = null!;

    public IServiceProvider Services => Factory.Services;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Factory = CreateFactory(Database.ConnectionString);
        _ = Factory.Server; // start the host: schema, Wolverine

        // Guard: the server must be on this run's fresh database, not on whatever appsettings name.
        await using (var session = Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var database = (await session.QueryAsync<string>("select current_database()")).Single();
            if (database != Database.DatabaseName)
                throw new InvalidOperationException($"The test server is on database '{database}', not '{Database.DatabaseName}'.");
        }

        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Seeder>().SeedAsync(scenarios: false, CancellationToken.None);
    }

    /// <summary>The server of this fixture; a fixture with other needs (a SQL capture, say) overrides it.</summary>
    protected virtual ApiFactory CreateFactory(string connectionString) => new(connectionString);

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();

        // Issue 17: no log line of the whole run may carry a token, an email, a date of birth or a
        // National Insurance number that a test sent.
        var leaks = LogCapture.Leaks();
        if (leaks.Count > 0)
            throw new InvalidOperationException($"Personal data or tokens reached the logs:{Environment.NewLine}{string.Join(Environment.NewLine, leaks)}");
    }

    public HttpClient Anonymous() => Factory.CreateClient();

    public HttpClient WithToken(string token)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A lead provider of this test's own, offering every course, with a token.</summary>
    public async Task<TestProvider> NewLeadProviderAsync(IEnumerable<string>? courses = null)
    {
        var number = Interlocked.Increment(ref _providers);
        var provider = new LeadProvider
        {
            Id = DeterministicGuid.From($"test-provider:{Database.DatabaseName}:{number}"),
            Name = $"Test Provider {number}",
            Slug = $"test-provider-{number}",
            OfferedCourses = (courses ?? Domain.Courses.Courses.All.Select(c => c.Identifier)).ToList(),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var store = Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Store(provider);
            await session.SaveChangesAsync();
        }

        Services.GetRequiredService<IReferenceData>().Invalidate();
        var issued = await Services.GetRequiredService<TokenService>().IssueForLeadProviderAsync(provider.Id.ToString(), CancellationToken.None);
        LogCapture.Secret("a lead provider's token", issued.Secret);
        return new TestProvider(this, provider.Id, provider.Name, issued.Secret, issued.Token.Id);
    }

    private string? _adminToken;

    /// <summary>A provider of this test's own (reusing <see cref="TestProvider"/>) whose calls carry an admin token.</summary>
    public async Task<TestProvider> AdminAsync()
    {
        _adminToken ??= (await IssueTokenAsync(TokenKind.Admin)).Secret;
        return new TestProvider(this, Guid.Empty, "DfE admin", _adminToken, Guid.Empty);
    }

    public async Task<(string Secret, Guid Id)> IssueTokenAsync(TokenKind kind)
    {
        var issued = await Services.GetRequiredService<TokenService>().IssueAsync(kind, $"test {kind}", CancellationToken.None);
        LogCapture.Secret($"an {kind} token", issued.Secret);
        return (issued.Secret, issued.Token.Id);
    }

    /// <summary>Waits for the daemon to seal every event written so far, then signs a checkpoint of them (issue 30's receipts need one).</summary>
    public async Task SealAndCheckpointAsync()
    {
        var sealer = Services.GetRequiredService<Npq.Infrastructure.Audit.Log.LogSealer>();
        long events;
        await using (var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("select count(*) from npq.mt_events", connection);
            events = (long)(await command.ExecuteScalarAsync())!;
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await sealer.StateAsync(CancellationToken.None)).Size < events)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The daemon did not seal {events} events within 60 s.");
            await Task.Delay(100);
        }

        await sealer.CheckpointIfDueAsync(force: true, CancellationToken.None);
    }

    private static int _trn = Random.Shared.Next(1_000_000, 8_000_000);

    /// <summary>
    /// A 7-digit TRN no other registration of this run has: two people who happened to share a verified
    /// TRN would change each other's funding (a random one collided in about one run in twenty).
    /// </summary>
    public static string NextTrn() => Interlocked.Increment(ref _trn).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A registration that is valid as it stands; tests change what they are about.</summary>
    public static JsonObject ValidRegistration(Guid leadProviderId, string course = "npq-senior-leadership") => new()
    {
        ["full_name"] = "Jo Bloggs",
        ["email"] = $"jo.{Guid.NewGuid():N}@example.com",
        ["date_of_birth"] = "1980-01-31",
        ["teacher_reference_number"] = NextTrn(),
        ["course_identifier"] = course,
        ["lead_provider_id"] = leadProviderId.ToString(),
        ["teacher_catchment"] = "england",
        ["work_setting"] = "a_school",
        ["school_urn"] = "100001",
    };

    public async Task<HttpResponseMessage> PostRegistrationAsync(JsonObject attributes, DateTimeOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        LogCapture.Secret("an email", attributes["email"]?.ToString());
        LogCapture.Secret("a date of birth", attributes["date_of_birth"]?.ToString());
        LogCapture.Secret("a National Insurance number", attributes["national_insurance_number"]?.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/registrations")
        {
            Content = JsonContent.Create(new JsonObject { ["data"] = new JsonObject { ["type"] = "registration", ["attributes"] = attributes } }),
        };
        if (at is { } serverDate)
            request.Headers.Add("X-With-Server-Date", serverDate.ToString("O"));
        using var client = Anonymous();
        return await client.SendAsync(request);
    }

    /// <summary>Registers through the public endpoint and returns the v3 application resource.</summary>
    public async Task<RegisteredApplication> RegisterAsync(Guid leadProviderId, Action<JsonObject>? customise = null, DateTimeOffset? at = null)
    {
        var attributes = ValidRegistration(leadProviderId);
        customise?.Invoke(attributes);
        using var response = await PostRegistrationAsync(attributes, at);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        var data = JsonDocument.Parse(body).RootElement.GetProperty("data");
        return new RegisteredApplication(
            data.GetProperty("id").GetGuid(),
            data.GetProperty("attributes").GetProperty("participant_id").GetGuid(),
            data.Clone());
    }
}

public sealed record RegisteredApplication(Guid Id, Guid ParticipantId, JsonElement Resource);

public static class PersonAttributes
{
    /// <summary>
    /// Registers for the person of <paramref name="application"/>: their participant id with the email
    /// and date of birth that prove it (CONTRACT B5; every test person is born on 1980-01-31).
    /// </summary>
    public static void AsPersonOf(this JsonObject attributes, RegisteredApplication application)
    {
        attributes["participant_id"] = application.ParticipantId.ToString();
        attributes["email"] = application.Resource.GetProperty("attributes").GetProperty("email").GetString();
        attributes["date_of_birth"] = "1980-01-31";
    }
}

public sealed record TestProvider(ApiFixture Fixture, Guid Id, string Name, string Token, Guid TokenId)
{
    public HttpClient Client() => Fixture.WithToken(Token);

    public Task<RegisteredApplication> RegisterAsync(Action<JsonObject>? customise = null, DateTimeOffset? at = null) =>
        Fixture.RegisterAsync(Id, customise, at);

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(string path) =>
        SendAsync(HttpMethod.Get, path);

    /// <summary>Sends a request; <paramref name="attributes"/> go in the write envelope, <paramref name="rawBody"/> as it is.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, JsonObject? attributes = null, string? rawBody = null, DateTimeOffset? serverDate = null)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(method, path);
        if (attributes is not null)
            request.Content = JsonContent.Create(new JsonObject { ["data"] = new JsonObject { ["type"] = "test", ["attributes"] = attributes } });
        else if (rawBody is not null)
            request.Content = new StringContent(rawBody, System.Text.Encoding.UTF8, "application/json");
        if (serverDate is { } date)
            request.Headers.Add("X-With-Server-Date", date.ToString("O"));
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var isJson = response.Content.Headers.ContentType?.MediaType == "application/json";
        var body = text.Length == 0 || !isJson ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> AcceptAsync(
        Guid applicationId, string version = "v3", JsonObject? attributes = null, DateTimeOffset? serverDate = null) =>
        SendAsync(HttpMethod.Post, $"/api/{version}/npq-applications/{applicationId}/accept", attributes, serverDate: serverDate);

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RejectAsync(Guid applicationId, string version = "v3") =>
        SendAsync(HttpMethod.Post, $"/api/{version}/npq-applications/{applicationId}/reject");

    /// <summary>DfE opens an output-fee statement for this provider with contracts for every course.</summary>
    public async Task<Guid> OpenStatementAsync(string cohort, DateOnly deadline, bool outputFee = true, int? month = null)
    {
        var admin = await Fixture.AdminAsync();
        var result = await admin.SendAsync(HttpMethod.Post, "/api/admin/statements", new JsonObject
        {
            ["lead_provider_id"] = Id.ToString(),
            ["cohort"] = cohort,
            ["year"] = deadline.Year,
            ["month"] = month ?? deadline.Month,
            ["deadline_date"] = deadline.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["payment_date"] = deadline.AddMonths(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["output_fee"] = outputFee,
            ["courses"] = new JsonArray(Npq.Domain.Courses.Courses.All.Select(c => (JsonNode)c.Identifier).ToArray()),
        });
        return result.Body.GetProperty("data").GetProperty("id").GetGuid();
    }

    /// <summary>DfE records a delivery partner working with this provider in the cohorts given.</summary>
    public async Task<Guid> AddDeliveryPartnerAsync(string name, params int[] cohorts)
    {
        var admin = await Fixture.AdminAsync();
        var result = await admin.SendAsync(HttpMethod.Post, "/api/admin/delivery-partners", new JsonObject
        {
            ["name"] = name,
            ["partnerships"] = new JsonArray(cohorts.Select(c => (JsonNode)new JsonObject { ["lead_provider_id"] = Id.ToString(), ["cohort"] = c }).ToArray()),
        });
        result.Status.ShouldBe(HttpStatusCode.OK, result.Body.ValueKind == JsonValueKind.Undefined ? "" : result.Body.GetRawText());
        return result.Body.GetProperty("data").GetProperty("id").GetGuid();
    }

    /// <summary>An accepted application (funded place where the cohort is capped), registered through the API.</summary>
    public async Task<RegisteredApplication> AcceptedApplicationAsync(string cohort = "2025", Action<JsonObject>? customise = null, DateTimeOffset? acceptAt = null)
    {
        var application = await RegisterAsync(a =>
        {
            a["cohort"] = cohort;
            customise?.Invoke(a);
        });
        var capped = int.Parse(cohort[..4], System.Globalization.CultureInfo.InvariantCulture) >= 2024;
        (await AcceptAsync(application.Id, "v3", capped ? new JsonObject { ["funded_place"] = application.Resource.GetProperty("attributes").GetProperty("eligible_for_funding").GetBoolean() } : null, acceptAt))
            .ShouldBeOk();
        return application;
    }

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> DeclareAsync(
        RegisteredApplication application, string type, string date, string version = "v3", string course = "npq-senior-leadership",
        Action<JsonObject>? customise = null)
    {
        var attributes = new JsonObject
        {
            ["participant_id"] = application.ParticipantId.ToString(),
            ["declaration_type"] = type,
            ["declaration_date"] = date,
            ["course_identifier"] = course,
        };
        customise?.Invoke(attributes);
        return SendAsync(HttpMethod.Post, $"/api/{version}/participant-declarations", attributes);
    }

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> VoidAsync(Guid declarationId, string version = "v3") =>
        SendAsync(HttpMethod.Put, $"/api/{version}/participant-declarations/{declarationId}/void");

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> ChangeFundedPlaceAsync(
        Guid applicationId, JsonObject? attributes, string version = "v3") =>
        SendAsync(HttpMethod.Put, $"/api/{version}/npq-applications/{applicationId}/change-funded-place", attributes);
}

public static class ResponseAssertions
{
    /// <summary>The titles of a 422 body, asserting the status.</summary>
    public static IReadOnlyList<string> ShouldBeUnprocessable(this (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result)
    {
        result.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, result.Body.ValueKind == JsonValueKind.Undefined ? "" : result.Body.GetRawText());
        return result.Body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("title").GetString()!).ToList();
    }

    /// <summary>A 200, and its whole body.</summary>
    public static JsonElement ShouldBeOkBody(this (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result)
    {
        result.Status.ShouldBe(HttpStatusCode.OK, result.Body.ValueKind == JsonValueKind.Undefined ? "" : result.Body.GetRawText());
        return result.Body;
    }

    public static JsonElement ShouldBeOk(this (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result)
    {
        result.Status.ShouldBe(HttpStatusCode.OK, result.Body.ValueKind == JsonValueKind.Undefined ? "" : result.Body.GetRawText());
        return result.Body.GetProperty("data").GetProperty("attributes");
    }
}
