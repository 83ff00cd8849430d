using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Npq.Api.Guidance;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Docs;

/// <summary>
/// The guidance as a provider's developer reads it (issue 29): every page of docs/guidance in the
/// GOV.UK layout, in the side navigation, with every link it makes answered, every generated part
/// (captured examples, schedules, the error catalogue, the diagrams) filled in, and, in a real headless
/// Chromium against the built server, no axe violation and a screenshot per page in
/// <c>artifacts/test-results/browser/guidance-*.png</c> (the whole page for a few, the first screen for the rest).
/// </summary>
[Collection(ApiTests.Name)]
public sealed partial class GuidanceBrowserTests(ApiFixture fixture)
{
    /// <summary>The pages whose whole length is kept as a screenshot; the others keep their first screen.</summary>
    private static readonly string[] FullPageScreenshots = ["applications", "states"];

    private static string Href(string slug) => slug == "index" ? "/api/guidance" : $"/api/guidance/{slug}";

    [Fact]
    public void Every_page_of_docs_guidance_is_in_the_navigation_and_every_entry_has_a_page()
    {
        var files = Directory.GetFiles(Repository.File("docs", "guidance"), "*.md").Select(Path.GetFileNameWithoutExtension).Order().ToList();
        GuidanceNavigation.All.Select(e => e.Slug).Order().ShouldBe(files);
    }

    [Fact]
    public async Task Every_page_renders_its_generated_parts_and_every_link_it_makes_answers()
    {
        using var client = fixture.Anonymous();
        var checkedLinks = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in GuidanceNavigation.All)
        {
            using var response = await client.GetAsync(Href(entry.Slug));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, entry.Slug);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("default-src 'self'");
            var html = await response.Content.ReadAsStringAsync();
            html.ShouldNotContain("{{", customMessage: $"{entry.Slug}: a directive was not expanded");
            html.ShouldNotContain("tell us", customMessage: $"{entry.Slug}: a generated part is missing");
            html.ShouldContain("class=\"govuk-heading-xl\"", customMessage: entry.Slug);

            foreach (var link in LocalLink().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Split('#')[0]).Where(l => l.Length > 0))
            {
                if (!checkedLinks.Add(link))
                    continue;
                using var linked = await client.GetAsync(link);
                linked.StatusCode.ShouldBe(HttpStatusCode.OK, $"{entry.Slug} links to {link}");
            }
        }

        checkedLinks.ShouldContain("/api/guidance/examples/sync_changes.py");
        checkedLinks.ShouldContain("/api/docs/v3");
        checkedLinks.ShouldContain("/api/guidance/diagrams/declarations.svg");
    }

    [Fact]
    public async Task Every_page_passes_axe_in_chromium_with_its_navigation_and_contents()
    {
        // The built server on Kestrel, as a provider's browser meets it, on this run's database.
        await using var server = await ServerProcess.StartAsync(fixture.Database.ConnectionString, new Dictionary<string, string>
        {
            ["Npq__RateLimit__PermitsPerIp"] = "1000000",
        });
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var foreign = new System.Collections.Concurrent.ConcurrentBag<string>();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.Address.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                foreign.Add(request.Url);
        };

        // Two tabs share the pages (axe takes about half a second a page).
        var entries = GuidanceNavigation.All.ToList();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async tab =>
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(15_000);
            foreach (var entry in entries.Where((_, i) => i % 2 == tab))
            {
                var response = await page.GotoAsync(Href(entry.Slug));
                response!.Status.ShouldBe(200, entry.Slug);
                (await page.Locator("nav[aria-label='Guidance pages'] a[aria-current='page']").InnerTextAsync()).ShouldBe(entry.Title);
                (await page.Locator("h1").CountAsync()).ShouldBe(1, entry.Slug);
                // The GOV.UK stylesheet applied: the heading is in its font stack, not the browser's serif.
                (await page.Locator("h1").EvaluateAsync<string>("h => getComputedStyle(h).fontFamily")).ShouldContain("arial", Case.Insensitive);
                foreach (var target in await page.Locator("nav[aria-label='Contents'] a").EvaluateAllAsync<string[]>("links => links.map(l => l.getAttribute('href'))"))
                    (await page.Locator(target).CountAsync()).ShouldBe(1, $"{entry.Slug}: the contents link {target}");

                (await Axe.ViolationsAsync(page)).ShouldBeEmpty($"axe-core, {entry.Slug}");
                await page.ScreenshotAsync(new() { Path = Chromium.ArtefactPath($"guidance-{entry.Slug}.png"), FullPage = FullPageScreenshots.Contains(entry.Slug) });
            }
        }));

        foreign.ShouldBeEmpty();
    }

    [Fact]
    public void The_declarations_diagram_has_every_state_a_declaration_can_be_in()
    {
        var drawn = StateDiagrams.All["declarations"].States.Keys.ToList();
        foreach (var state in Enum.GetValues<Npq.Domain.Declarations.DeclarationState>())
            drawn.ShouldContain(Npq.Domain.Declarations.DeclarationWire.Of(state));
        StateDiagrams.Svg("declarations")!.ShouldStartWith("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        StateDiagrams.Svg("no-such").ShouldBeNull();
    }

    [GeneratedRegex("""(?:href|src)="(/[^"]*)""")]
    private static partial Regex LocalLink();
}
