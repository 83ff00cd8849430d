using System.Text.RegularExpressions;

namespace Npq.UnitTests.Architecture;

/// <summary>
/// API versions live only in src/Api (issue 16): the Domain and Application projects take and return
/// version-free types, so a rule is written once and each version's controller says what it sends.
/// This fails on any mention of a version there: an identifier such as <c>IsV3</c> or
/// <c>WithdrawalV1</c>, <c>ApiVersion</c>, or "v1"/"v2"/"v3" in code or comments.
/// </summary>
public sealed partial class VersionFreeCoreTests
{
    [Theory]
    [InlineData("Domain")]
    [InlineData("Application")]
    public void The_core_never_mentions_an_api_version(string project)
    {
        var root = Directory.GetParent(AppContext.BaseDirectory)!;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Npq.sln")))
            root = root.Parent;
        root.ShouldNotBeNull("the repository root (Npq.sln) above the test binaries");

        var folder = Path.Combine(root.FullName, "src", project);
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        files.Count.ShouldBeGreaterThan(10);

        var mentions = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root.FullName, f), Line: i + 1, Text: line)))
            .Where(l => Mentions(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        mentions.ShouldBeEmpty();
    }

    [Fact]
    public void The_pattern_finds_what_it_must()
    {
        Mentions("bool IsV3").ShouldBeTrue();
        Mentions("TrainingReasons.WithdrawalV1").ShouldBeTrue();
        Mentions("/// v1/v2 reject only pending").ShouldBeTrue();
        Mentions("[ApiVersion(3)]").ShouldBeTrue();
        Mentions("GET /api/v3/receipts").ShouldBeTrue();
        Mentions("var (application, version) = …").ShouldBeFalse();
        Mentions("UUID version 8").ShouldBeFalse();
        Mentions("\"cosignature/v1\\ntime\"").ShouldBeFalse("a data format's label (C2SP's), not an API version");
        Mentions("personal-data-committed/v1").ShouldBeFalse();
    }

    /// <summary>A mention of an API version, once the labels of data formats (<c>name/v1</c>, but not <c>api/v1</c>) are set aside.</summary>
    private static bool Mentions(string text) => Version().IsMatch(FormatLabel().Replace(text, ""));

    [GeneratedRegex(@"\b(?!api/)[a-z][a-z-]*/v[1-9]\b")]
    private static partial Regex FormatLabel();

    [GeneratedRegex(@"\b[vV][1-3]\b|[A-Za-z][vV][1-3]\b|ApiVersion")]
    private static partial Regex Version();
}
