using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Contract;

/// <summary>Participants and outcomes of each version fit the reference schemas, with only the named deviations.</summary>
[Collection(ApiTests.Name)]
public sealed class ParticipantContractTests(ApiFixture fixture)
{
    [Theory]
    [OwnDocuments("v1", "v2", "v3")]
    [ReferenceDocuments("v1", "v2", "v3")]
    public async Task Participants_and_outcomes_fit_the_published_schemas(string version, ContractDocuments documents)
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var application = await provider.AcceptedApplicationAsync("2023");
        await provider.DeclareAsync(application, "completed", "2024-06-30T10:00:00Z", version, customise: a => a["has_passed"] = true);
        var schemas = ReferenceSchemas.For(version, documents);

        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participants/npq", "get", 200, (await provider.GetAsync($"/api/{version}/participants/npq")).Body));
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participants/npq/{{id}}", "get", 200,
            (await provider.GetAsync($"/api/{version}/participants/npq/{application.ParticipantId}")).Body));
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participants/npq/outcomes", "get", 200,
            (await provider.GetAsync($"/api/{version}/participants/npq/outcomes")).Body));
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participants/npq/{{id}}/outcomes", "get", 200,
            (await provider.GetAsync($"/api/{version}/participants/npq/{application.ParticipantId}/outcomes")).Body));
    }
}
