namespace Npq.IntegrationTests.Support;

/// <summary>
/// The two builds a fresh clone needs once and that take a minute between them: the previous release
/// (<c>scripts/previous-release.sh</c>, for the rolling upgrade) and the image's Debian base
/// (<c>scripts/image.sh --base-only</c>, as root). <c>./build.sh test</c> sets <c>NPQ_WARM_UP=1</c> so
/// they start in the background when the test run starts, while the in-process tests run; the tests that
/// need them wait for them first, then run their scripts, which find the builds made. A filtered run
/// without the variable starts nothing, and a warm-up that failed only means the test builds again.
/// </summary>
internal static class Warmups
{
    private static Task? _previousRelease;
    private static Task? _imageBase;

    public static void Start()
    {
        if (Environment.GetEnvironmentVariable("NPQ_WARM_UP") != "1")
            return;
        _previousRelease = Programs.RunAsync("bash", [Repository.File("scripts", "previous-release.sh")], TimeSpan.FromMinutes(5));
        if (Environment.UserName == "root")
            _imageBase = Programs.RunAsync("bash", [Repository.File("scripts", "image.sh"), "--base-only"], TimeSpan.FromMinutes(10));
    }

    public static Task PreviousReleaseAsync() => Settled(_previousRelease);

    public static Task ImageBaseAsync() => Settled(_imageBase);

    /// <summary>Waits for a warm-up to end, however it ended (its test's own run of the script reports a failure).</summary>
    private static async Task Settled(Task? warmUp)
    {
        if (warmUp is null)
            return;
        try
        {
            await warmUp;
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }
}
