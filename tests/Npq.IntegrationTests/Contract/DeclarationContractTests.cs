using System.Text.Json.Nodes;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Contract;

/// <summary>Declarations (v1–v3), statements and delivery partners (v3) fit the reference schemas, with only the named deviations.</summary>
[Collection(ApiTests.Name)]
public sealed class DeclarationContractTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Theory]
    [OwnDocuments("v1", "v2", "v3")]
    [ReferenceDocuments("v1", "v2", "v3")]
    public async Task Declarations_fit_the_published_schemas(string version, ContractDocuments documents)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var partner = await provider.AddDeliveryPartnerAsync("Contract Partner", 2025);
        await provider.OpenStatementAsync("2025", Today.AddDays(5));
        await provider.OpenStatementAsync("2025", Today.AddDays(60));
        var application = await provider.AcceptedApplicationAsync("2025");
        Action<JsonObject>? withPartner = version == "v3" ? a => a["delivery_partner_id"] = partner.ToString() : null;
        var schemas = ReferenceSchemas.For(version, documents);

        var created = await provider.DeclareAsync(application, "completed", "2025-11-01T10:00:00Z", version, customise: a =>
        {
            withPartner?.Invoke(a);
            a["has_passed"] = true;
        });
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participant-declarations", "post", 200, created.Body));
        var id = created.Body.GetProperty("data").GetProperty("id").GetGuid();

        var voided = await provider.VoidAsync(id, version);
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participant-declarations/{{id}}/void", "put", 200, voided.Body));
        await provider.DeclareAsync(application, "started", "2025-11-01T10:00:00Z", version, customise: withPartner);

        var list = await provider.GetAsync($"/api/{version}/participant-declarations");
        list.Body.GetProperty("data").GetArrayLength().ShouldBe(2);
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participant-declarations", "get", 200, list.Body));
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participant-declarations/{{id}}", "get", 200, (await provider.GetAsync($"/api/{version}/participant-declarations/{id}")).Body));

        var refused = await provider.DeclareAsync(application, "started", "2025-11-01T10:00:00Z", version, customise: withPartner);
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/participant-declarations", "post", 422, refused.Body));

        if (version == "v3")
        {
            ReferenceSchemas.AssertFits(schemas.Validate("/api/v3/statements", "get", 200, (await provider.GetAsync("/api/v3/statements")).Body));
            var statementId = (await provider.GetAsync("/api/v3/statements")).Body.GetProperty("data")[0].GetProperty("id").GetGuid();
            ReferenceSchemas.AssertFits(schemas.Validate("/api/v3/statements/{id}", "get", 200, (await provider.GetAsync($"/api/v3/statements/{statementId}")).Body));
            ReferenceSchemas.AssertFits(schemas.Validate("/api/v3/delivery-partners", "get", 200, (await provider.GetAsync("/api/v3/delivery-partners")).Body));
        }
    }
}
