using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Api.Pages;
using Npq.Api.Registration;
using Npq.Application.NpqApplications;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Registration;

/// <summary>
/// The registration form over plain HTTP (the browser tests drive it in Chromium): its questions
/// cover every attribute of the JSON endpoint, its assets are all local, a post without the
/// antiforgery token writes nothing, and it is not there where registration is disabled.
/// </summary>
[Collection(ApiTests.Name)]
public sealed partial class RegistrationFormTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_form_asks_for_every_registration_attribute_except_the_api_only_participant_id()
    {
        using var client = fixture.Anonymous();
        using var response = await client.GetAsync("/registration");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();

        var names = FieldName().Matches(html).Select(m => m.Groups[1].Value).ToHashSet();
        names.ShouldContain("__RequestVerificationToken");
        var attributes = typeof(RegistrationAttributes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetValue(null)!)
            .Where(a => a != RegistrationAttributes.ParticipantId)
            .ToList();
        attributes.Count.ShouldBeGreaterThan(20);
        foreach (var attribute in attributes)
        {
            var asked = names.Contains(attribute)
                        || (names.Contains(attribute + RegistrationForm.Month) && names.Contains(attribute + RegistrationForm.Year));
            if (attribute is RegistrationAttributes.LeadMentor)
                asked = html.Contains("value=\"lead_mentor_for_accredited_itt_provider\"", StringComparison.Ordinal); // asked as an employment type
            asked.ShouldBeTrue($"the form does not ask for {attribute}");
        }

        // Every label points at a field of the page.
        var ids = IdAttribute().Matches(html).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (Match label in LabelFor().Matches(html))
            ids.ShouldContain(label.Groups[1].Value);
    }

    [Fact]
    public async Task Pages_have_a_strict_content_security_policy_and_every_asset_they_use_is_served_here()
    {
        using var client = fixture.Anonymous();
        using var response = await client.GetAsync("/registration");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldBe(GovukPageModel.ContentSecurityPolicy);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var html = await response.Content.ReadAsStringAsync();

        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        assets.ShouldContain("/assets/govuk-frontend.min.css");
        assets.ShouldContain("/js/govuk-init.mjs");
        var css = await client.GetStringAsync("/assets/govuk-frontend.min.css");
        assets.AddRange(CssUrl().Matches(css).Select(m => m.Groups[1].Value));
        assets.ShouldContain(a => a.StartsWith("/assets/fonts/", StringComparison.Ordinal));

        // The page script imports GOV.UK Frontend from the same host.
        var script = await client.GetStringAsync("/js/govuk-init.mjs");
        script.ShouldContain("from '/assets/govuk-frontend.min.js'");
        assets.Add("/assets/govuk-frontend.min.js");

        foreach (var asset in assets.Distinct())
        {
            asset.ShouldStartWith("/", customMessage: $"{asset} is not on this host");
            using var file = await client.GetAsync(asset);
            file.StatusCode.ShouldBe(HttpStatusCode.OK, asset);
        }
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_shows_the_answers_again_and_registers_nothing()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var email = $"forged.{Guid.NewGuid():N}@example.com";
        using var client = fixture.Anonymous();
        using var response = await client.PostAsync("/registration", new FormUrlEncodedContent(ValidForm(provider.Id, "Forged Post", email, token: null)));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("govuk-error-summary");
        html.ShouldContain("the form had expired");
        html.ShouldContain($"value=\"{email}\"");
        await using var session = fixture.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.Query<ApplicationView>().CountAsync(a => a.Email == email)).ShouldBe(0);
    }

    [Fact]
    public async Task The_form_is_not_there_where_registration_is_disabled()
    {
        await using var production = new ApiFactory(fixture.Database.ConnectionString, "Production",
            new Dictionary<string, string?> { ["Npq:Registration:Enabled"] = "false" });
        using var client = production.CreateClient();

        (await client.GetAsync("/registration")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsync("/registration", new FormUrlEncodedContent([]))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/registration/confirmation")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Over_the_per_ip_limit_the_form_answers_429_as_a_page_with_retry_after()
    {
        await using var limited = new ApiFactory(fixture.Database.ConnectionString, "Sandbox",
            new Dictionary<string, string?> { ["Npq:RateLimit:PermitsPerIp"] = "2", ["Npq:RateLimit:WindowSeconds"] = "300" });
        using var client = limited.CreateClient();
        var token = Token().Match(await client.GetStringAsync("/registration")).Groups[1].Value;
        token.ShouldNotBeEmpty();

        HttpResponseMessage? refused = null;
        for (var attempt = 0; attempt < 5 && refused is null; attempt++)
        {
            var response = await client.PostAsync("/registration", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["full_name"] = "Too Many",
            }));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                refused = response;
            else
                response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        }

        refused.ShouldNotBeNull("the third registration within the window should be refused");
        refused.Headers.RetryAfter.ShouldNotBeNull();
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await refused.Content.ReadAsStringAsync();
        html.ShouldContain("There have been too many registrations from your network");
        html.ShouldContain("value=\"Too Many\"");
        refused.Dispose();
    }

    [Fact]
    public async Task The_form_never_takes_the_api_only_participant_id()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var existing = await provider.RegisterAsync();
        using var client = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = Token().Match(await client.GetStringAsync("/registration")).Groups[1].Value;
        var email = $"new.{Guid.NewGuid():N}@example.com";
        using var response = await client.PostAsync("/registration", new FormUrlEncodedContent(
            ValidForm(provider.Id, "Someone Else", email, token, course: "npq-leading-literacy").Append(new("participant_id", existing.ParticipantId.ToString()))));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        await using var session = fixture.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var created = await session.Query<ApplicationView>().SingleAsync(a => a.Email == email);
        created.ParticipantId.ShouldNotBe(existing.ParticipantId);
    }

    /// <summary>A complete, valid set of form fields for a new participant at a school in England.</summary>
    internal static Dictionary<string, string> ValidForm(Guid leadProviderId, string fullName, string email, string? token, string course = "npq-headship")
    {
        var fields = new Dictionary<string, string>
        {
            ["full_name"] = fullName,
            ["email"] = email,
            ["date_of_birth_day"] = "5",
            ["date_of_birth_month"] = "11",
            ["date_of_birth_year"] = "1975",
            ["teacher_catchment"] = "england",
            ["work_setting"] = "a_school",
            ["school_urn"] = "100001",
            ["course_identifier"] = course,
            ["lead_provider_id"] = leadProviderId.ToString(),
        };
        if (token is not null)
            fields["__RequestVerificationToken"] = token;
        return fields;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"([^\"]+)\"")]
    private static partial Regex FieldName();

    [GeneratedRegex("\\sid=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("<label[^>]*\\sfor=\"([^\"]+)\"")]
    private static partial Regex LabelFor();

    [GeneratedRegex("(?:href|src)=\"(/(?:assets|js)/[^\"]+)\"")]
    private static partial Regex AssetReference();

    [GeneratedRegex(@"url\(([^)]+)\)")]
    private static partial Regex CssUrl();
}
