using System.Text.Json;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Contract;

/// <summary>
/// Every applications response of each version fits the reference service's published schema,
/// except for the deviations CONTRACT.md names. Later resources add their paths here.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class ApplicationContractTests(ApiFixture fixture)
{
    [Theory]
    [OwnDocuments("v1", "v2", "v3")]
    [ReferenceDocuments("v1", "v2", "v3")]
    public async Task Applications_list_and_show_fit_the_published_schemas(string version, ContractDocuments documents)
    {
        var provider = await fixture.NewLeadProviderAsync();
        var plain = await provider.RegisterAsync();
        var variety = new[]
        {
            await provider.RegisterAsync(a =>
            {
                a["course_identifier"] = "npq-early-headship-coaching-offer";
                a["ehco_headteacher"] = "yes";
                a["ehco_new_headteacher"] = "no";
                a["funding_choice"] = "self";
            }),
            await provider.RegisterAsync(a =>
            {
                a["teacher_catchment"] = "another";
                a["teacher_catchment_country"] = "IRL";
                a["funding_choice"] = "self";
                a.Remove("teacher_reference_number");
            }),
            await provider.RegisterAsync(a =>
            {
                a["course_identifier"] = "npq-senco";
                a["works_as_senco"] = "no_but_i_plan_to_become_one";
            }),
            await provider.RegisterAsync(a =>
            {
                a["work_setting"] = "early_years_or_childcare";
                a["kind_of_nursery"] = "private_nursery";
                a["private_childcare_provider_urn"] = "EY100001";
                a["course_identifier"] = "npq-early-years-leadership";
                a.Remove("school_urn");
            }),
        };
        var schemas = ReferenceSchemas.For(version, documents);

        var list = await provider.GetAsync($"/api/{version}/npq-applications");
        list.Body.GetProperty("data").GetArrayLength().ShouldBe(1 + variety.Length);
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/npq-applications", "get", 200, list.Body));

        foreach (var application in variety.Prepend(plain))
        {
            var show = await provider.GetAsync($"/api/{version}/npq-applications/{application.Id}");
            ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/npq-applications/{{id}}", "get", 200, show.Body));
        }

        var unauthorised = await fixture.Anonymous().GetAsync($"/api/{version}/npq-applications");
        ReferenceSchemas.AssertFits(schemas.Validate($"/api/{version}/npq-applications", "get", 401,
            JsonDocument.Parse(await unauthorised.Content.ReadAsStringAsync()).RootElement));
    }

    private static readonly JsonElement Wrong = JsonDocument.Parse("""
        {"data":[{"id":"not-a-uuid","type":"npq_application","attributes":{"status":"maybe","eligible_for_funding":"yes","surprise":1}}]}
        """).RootElement;

    [ReferenceFact]
    public void The_reference_validator_catches_what_does_not_fit()
    {
        var errors = ReferenceSchemas.For("v3", ContractDocuments.Reference).Validate("/api/v3/npq-applications", "get", 200, Wrong);

        errors.ShouldContain(e => e.Contains("$.data[0].id"));
        errors.ShouldContain(e => e.Contains("status"));
        errors.ShouldContain(e => e.Contains("eligible_for_funding"));
        errors.ShouldContain(e => e.Contains("surprise"));
    }

    [Fact]
    public void Our_own_documents_catch_what_does_not_fit_and_excuse_nothing()
    {
        var schemas = ReferenceSchemas.For("v3", ContractDocuments.Own);

        var errors = schemas.Validate("/api/v3/npq-applications", "get", 200, Wrong);

        errors.ShouldContain(e => e.StartsWith("our document: ", StringComparison.Ordinal) && e.Contains("$.data[0].id"));
        errors.ShouldContain(e => e.StartsWith("our document: ", StringComparison.Ordinal) && e.Contains("status"));
        errors.ShouldContain(e => e.StartsWith("our document: ", StringComparison.Ordinal) && e.Contains("lacks the required 'full_name'"));

        // A null where our document allows none (3.1 type lists), and one where it allows it.
        var participant = JsonDocument.Parse("""
            {"data":{"id":"0e9e3a3e-9a1c-4f6e-8e0e-2b2f5f8d1c11","type":"npq-participant","attributes":{
              "full_name":null,"previous_names":[],"teacher_reference_number":null,"updated_at":"2025-01-10T10:42:00Z",
              "npq_enrolments":[],"participant_id_changes":[]}}}
            """).RootElement;
        schemas.Validate("/api/v3/participants/npq/{id}", "get", 200, participant)
            .ShouldBe(["our document: $.data.attributes.full_name is null, but the schema does not allow null"]);
    }
}
