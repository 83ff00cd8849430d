using System.Net;
using Microsoft.Playwright;
using Npq.IntegrationTests.Support;
using static Microsoft.Playwright.Assertions;

namespace Npq.IntegrationTests.Registration;

/// <summary>
/// The registration form at <c>/registration</c> (CONTRACT B5, issue 8) in a real headless Chromium
/// against the built server on Kestrel and this run's database: a participant fills it in, sees the
/// confirmation with the application id, and the provider finds that application through the API.
/// Screenshots are kept in <c>artifacts/test-results/browser/</c>.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class RegistrationFormBrowserTests(ApiFixture fixture) : IAsyncLifetime
{
    private ServerProcess _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private TestProvider _provider = null!;
    private readonly List<string> _foreignRequests = [];

    public async Task InitializeAsync()
    {
        // The provider exists before the server starts, so the form lists it.
        _provider = await fixture.NewLeadProviderAsync();
        _server = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerIp"] = "1000000",
            // Another home folder, as on another machine: ASP.NET's default key ring (in the home
            // folder) is not shared with the in-process server, only the database is.
            ["HOME"] = Directory.CreateTempSubdirectory("npq-second-server-").FullName,
        });
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_participant_registers_in_the_browser_and_the_provider_finds_the_application()
    {
        var page = await NewPageAsync(javaScript: true);
        await page.GotoAsync("/registration");
        await Expect(page).ToHaveTitleAsync("Register for a National Professional Qualification");
        (await Axe.ViolationsAsync(page)).ShouldBeEmpty("axe-core, the empty form");

        var trn = ApiFixture.NextTrn();
        await page.GetByLabel("Full name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Email address").FillAsync($"ada.{trn}@example.com");
        var dateOfBirth = page.GetByRole(AriaRole.Group, new() { Name = "Date of birth" });
        await dateOfBirth.GetByLabel("Day").FillAsync("10");
        await dateOfBirth.GetByLabel("Month").FillAsync("12");
        await dateOfBirth.GetByLabel("Year").FillAsync("1985");
        await page.GetByLabel("Teacher reference number (TRN) (optional)").FillAsync(trn);
        await page.GetByRole(AriaRole.Group, new() { Name = "Do you work in England?" }).GetByLabel("Yes").CheckAsync();
        await page.GetByLabel("In a school", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("School URN (unique reference number)").FillAsync("100001");
        await page.GetByLabel("NPQ for Senior Leadership").CheckAsync();
        await page.GetByLabel(_provider.Name, new() { Exact = true }).CheckAsync();
        await page.ScreenshotAsync(new() { Path = Chromium.ArtefactPath("registration-form-filled.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(_server.Address, "/registration/confirmation").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Registration complete" })).ToBeVisibleAsync();
        var applicationId = Guid.Parse(await page.Locator("#application-id").InnerTextAsync());
        await Expect(page.Locator(".govuk-summary-list")).ToContainTextAsync(_provider.Name);
        await page.ScreenshotAsync(new() { Path = Chromium.ArtefactPath("registration-confirmation.png"), FullPage = true });
        (await Axe.ViolationsAsync(page)).ShouldBeEmpty("axe-core, the confirmation");

        // The provider sees it through the API, in the v3 list and by id, with what was typed.
        var (status, body, _) = await _provider.GetAsync($"/api/v3/npq-applications/{applicationId}");
        status.ShouldBe(HttpStatusCode.OK);
        var attributes = body.GetProperty("data").GetProperty("attributes");
        attributes.GetProperty("full_name").GetString().ShouldBe("Ada Lovelace");
        attributes.GetProperty("email").GetString().ShouldBe($"ada.{trn}@example.com");
        attributes.GetProperty("teacher_reference_number").GetString().ShouldBe(trn);
        attributes.GetProperty("course_identifier").GetString().ShouldBe("npq-senior-leadership");
        attributes.GetProperty("school_urn").GetString().ShouldBe("100001");
        attributes.GetProperty("status").GetString().ShouldBe("pending");
        attributes.GetProperty("eligible_for_funding").GetBoolean().ShouldBeTrue();
        var (listStatus, list, _) = await _provider.GetAsync("/api/v3/npq-applications");
        listStatus.ShouldBe(HttpStatusCode.OK);
        list.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ShouldContain(applicationId);

        // The confirmation is shown once: reloading it goes back to an empty form.
        await page.ReloadAsync();
        await Expect(page).ToHaveURLAsync(new Uri(_server.Address, "/registration").ToString());
        _foreignRequests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_form_with_errors_shows_the_error_summary_keeps_the_answers_and_registers_nothing()
    {
        var page = await NewPageAsync(javaScript: true);
        await page.GotoAsync("/registration");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        var summary = page.Locator(".govuk-error-summary");
        await Expect(summary).ToBeVisibleAsync();
        await Expect(summary.GetByRole(AriaRole.Heading, new() { Name = "There is a problem" })).ToBeVisibleAsync();
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^Error: "));
        await Expect(summary.Locator("a")).ToHaveTextAsync(
        [
            "Enter your full name", "Enter your email address", "Enter your date of birth", "Say whether you work in England",
            "Choose where you work", "Choose a course", "Choose a lead provider",
        ]);
        // Each message also stands beside its question, and its link leads there.
        await Expect(page.Locator("#full-name-error")).ToContainTextAsync("Enter your full name");
        await summary.GetByRole(AriaRole.Link, new() { Name = "Enter your full name" }).ClickAsync();
        await Expect(page.GetByLabel("Full name")).ToBeFocusedAsync();

        // A second try: the date is not a real one and the URN is unknown; what was typed stays.
        await page.GetByLabel("Full name").FillAsync("Grace Hopper");
        await page.GetByLabel("Email address").FillAsync("grace@example.com");
        var dateOfBirth = page.GetByRole(AriaRole.Group, new() { Name = "Date of birth" });
        await dateOfBirth.GetByLabel("Day").FillAsync("31");
        await dateOfBirth.GetByLabel("Month").FillAsync("2");
        await dateOfBirth.GetByLabel("Year").FillAsync("1990");
        await page.GetByRole(AriaRole.Group, new() { Name = "Do you work in England?" }).GetByLabel("Yes").CheckAsync();
        await page.GetByLabel("In a school", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("School URN (unique reference number)").FillAsync("999999");
        await page.GetByLabel("NPQ for Headship").CheckAsync();
        await page.GetByLabel(_provider.Name, new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        await Expect(summary).ToBeVisibleAsync();
        await Expect(summary.Locator("a")).ToHaveTextAsync(["Date of birth must be a real date, like 27 3 1985"]);
        await Expect(page.GetByLabel("Full name")).ToHaveValueAsync("Grace Hopper");
        await Expect(page.GetByLabel("NPQ for Headship")).ToBeCheckedAsync();
        await page.ScreenshotAsync(new() { Path = Chromium.ArtefactPath("registration-errors.png"), FullPage = true });
        (await Axe.ViolationsAsync(page)).ShouldBeEmpty("axe-core, the form with errors");

        // With a real date, the reference-data check answers for the URN.
        await dateOfBirth.GetByLabel("Day").FillAsync("28");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(summary.Locator("a")).ToHaveTextAsync(["No school has the URN 999999"]);
        await Expect(page.GetByLabel("School URN (unique reference number)")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("govuk-input--error"));

        var (listStatus, applications, _) = await _provider.GetAsync("/api/v3/npq-applications");
        listStatus.ShouldBe(HttpStatusCode.OK);
        applications.GetProperty("data").GetArrayLength().ShouldBe(0);
        _foreignRequests.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_form_works_without_javascript_including_the_follow_up_questions()
    {
        var page = await NewPageAsync(javaScript: false);
        await page.GotoAsync("/registration");

        // Without JavaScript every follow-up question is on the page.
        await Expect(page.GetByLabel("Which country do you work in?")).ToBeVisibleAsync();

        await page.GetByLabel("Full name").FillAsync("Alan Turing");
        await page.GetByLabel("Email address").FillAsync($"alan.{Guid.NewGuid():N}@example.com");
        var dateOfBirth = page.GetByRole(AriaRole.Group, new() { Name = "Date of birth" });
        await dateOfBirth.GetByLabel("Day").FillAsync("23");
        await dateOfBirth.GetByLabel("Month").FillAsync("6");
        await dateOfBirth.GetByLabel("Year").FillAsync("1980");
        await page.GetByRole(AriaRole.Group, new() { Name = "Do you work in England?" }).GetByLabel("No").CheckAsync();
        await page.GetByLabel("Which country do you work in?").FillAsync("France");
        await page.GetByLabel("In a school", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("NPQ for Leading Teaching", new() { Exact = true }).CheckAsync();
        await page.GetByLabel(_provider.Name, new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        // Outside England there is no scholarship (§6 rule 1): the form asks how the course will be paid for.
        var summary = page.Locator(".govuk-error-summary");
        await Expect(summary).ToBeVisibleAsync();
        await Expect(summary.Locator("a")).ToHaveTextAsync(["You are not eligible for scholarship funding: say how your course will be paid for"]);
        await page.GetByLabel("I will pay").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Registration complete" })).ToBeVisibleAsync();
        var applicationId = Guid.Parse(await page.Locator("#application-id").InnerTextAsync());
        var attributes = (await _provider.GetAsync($"/api/v3/npq-applications/{applicationId}")).ShouldBeOk();
        attributes.GetProperty("teacher_catchment").GetBoolean().ShouldBeFalse();
        attributes.GetProperty("teacher_catchment_country").GetString().ShouldBe("France");
        attributes.GetProperty("funding_choice").GetString().ShouldBe("self");
        attributes.GetProperty("eligible_for_funding").GetBoolean().ShouldBeFalse();
        _foreignRequests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_form_fetched_from_one_server_process_can_be_posted_to_another()
    {
        // The data protection keys (antiforgery, TempData) are in the database, shared by both.
        using var first = new HttpClient { BaseAddress = _server.Address };
        using var form = await first.GetAsync("/registration");
        var cookie = string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = System.Text.RegularExpressions.Regex.Match(
            await form.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        token.ShouldNotBeEmpty();

        using var second = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var post = new HttpRequestMessage(HttpMethod.Post, "/registration")
        {
            Content = new FormUrlEncodedContent(
                RegistrationFormTests.ValidForm(_provider.Id, "Two Processes", $"two.{Guid.NewGuid():N}@example.com", token)),
        };
        post.Headers.Add("Cookie", cookie);
        using var response = await second.SendAsync(post);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().ShouldBe("/registration/confirmation");

        // And the confirmation hand-over made by the second process is read by the first.
        var handOver = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Mvc.CookieTempDataProvider=", StringComparison.Ordinal));
        using var confirmation = new HttpRequestMessage(HttpMethod.Get, "/registration/confirmation");
        confirmation.Headers.Add("Cookie", handOver.Split(';')[0]);
        using var shown = await first.SendAsync(confirmation);
        shown.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await shown.Content.ReadAsStringAsync()).ShouldContain("Registration complete");
    }

    private async Task<IPage> NewPageAsync(bool javaScript)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _server.Address.ToString(),
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = 1024, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(_server.Address.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                _foreignRequests.Add(request.Url);
        };
        return page;
    }
}
