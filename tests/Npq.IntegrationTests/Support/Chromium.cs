using Microsoft.Playwright;

namespace Npq.IntegrationTests.Support;

/// <summary>
/// A real headless Chromium driven by Playwright. The browser is Debian's <c>chromium</c> package
/// (Playwright cannot download its own here): <c>./build.sh test</c> and <c>.ci/run</c> install it;
/// <c>NPQ_CHROMIUM</c> points at another executable. The flags keep Chromium off the network
/// (no background services, updates or sync), so the only host it talks to is the server under test.
/// </summary>
public static class Chromium
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("NPQ_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException(
                $"The browser tests need Chromium at {ExecutablePath}: apt-get install -y chromium (./build.sh test does this when run as root), or set NPQ_CHROMIUM.");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions",
            ],
        });
        return (playwright, browser);
    }

    /// <summary>Where screenshots go: <c>artifacts/test-results/browser/</c> (kept by CI with the test results).</summary>
    public static string ArtefactPath(string fileName)
    {
        var folder = Path.Combine(Repository.Root.FullName, "artifacts", "test-results", "browser");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }
}

/// <summary>
/// Accessibility checks with axe-core (pinned in frontend/package.json, installed by the build):
/// the WCAG 2.2 A and AA rules that can be checked automatically. It does not replace a manual audit.
/// One finding is excused, narrowly: GOV.UK Frontend puts <c>aria-expanded</c> on radios that reveal
/// a follow-up question, which ARIA 1.2 does not allow on radios; the Design System keeps it on
/// purpose because screen readers announce it (alphagov/govuk-frontend#979, a known issue).
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(Repository.Root.FullName, "frontend", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"axe-core is missing at {path}: build the solution (it runs npm ci in frontend/).");
    });

    /// <summary>The violations on the page, as "rule: help (n elements: selectors)".</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(Microsoft.Playwright.IPage page)
    {
        // Evaluated through the DevTools protocol, so the page's content security policy does not block it.
        await page.EvaluateAsync(Source.Value);
        return await page.EvaluateAsync<string[]>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
              const knownGovukIssue = n => n.html.includes('govuk-radios__input')
                && n.any.concat(n.all, n.none).every(c => /aria-expanded/.test(c.message));
              for (const v of result.violations)
                if (v.id === 'aria-allowed-attr') v.nodes = v.nodes.filter(n => !knownGovukIssue(n));
              return result.violations.filter(v => v.nodes.length > 0).map(v => `${v.id}: ${v.help} (${v.nodes.length} elements: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')})`);
            }
            """);
    }
}
