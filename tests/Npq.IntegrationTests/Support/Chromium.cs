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
        var folder = Path.Combine(ServerProcess.RepositoryRoot().FullName, "artifacts", "test-results", "browser");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }
}
