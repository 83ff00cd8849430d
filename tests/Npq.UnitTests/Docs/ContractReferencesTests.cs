using System.Text.RegularExpressions;

namespace Npq.UnitTests.Docs;

/// <summary>
/// The repository holds everything its code cites (issue 25). Code comments, tests and documents cite
/// the contract by section (<c>CONTRACT §3.7</c>, <c>§1.12</c>, <c>CONTRACT B5</c>), so each citation
/// must name a heading of docs/contract.md: a section that is renumbered, removed or never written
/// fails here, with every place that cites it. Section signs after an RFC number (<c>RFC 9162 §2.1.1</c>)
/// cite that RFC, not the contract. Every decision record must also be in the ADR index.
/// </summary>
public sealed partial class ContractReferencesTests
{
    private static readonly DirectoryInfo Root = FindRepositoryRoot();

    [Fact]
    public void Every_contract_section_cited_in_code_and_documents_exists()
    {
        var sections = Sections(File.ReadAllText(Path.Combine(Root.FullName, "docs", "contract.md")));
        sections.ShouldContain("1.12", "the headings of docs/contract.md are read (### 1.12 …)");
        sections.ShouldContain("B5", "the headings of docs/contract.md are read (## B5. …)");

        var citations = CitingFiles()
            .SelectMany(file => File.ReadLines(file).SelectMany((line, index) =>
                Citations(line).Select(section => (Section: section, Where: $"{Path.GetRelativePath(Root.FullName, file)}:{index + 1}"))))
            .ToList();
        citations.Count.ShouldBeGreaterThan(100, "the code's citations of the contract are found");

        var missing = citations
            .Where(c => !sections.Contains(c.Section))
            .GroupBy(c => c.Section, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"§{g.Key} (no such heading in docs/contract.md), cited at {string.Join(", ", g.Select(c => c.Where))}")
            .ToList();

        missing.ShouldBeEmpty(
            "every cited section must be a heading of docs/contract.md; add the section there (with the code that makes the promise) or correct the citation");
    }

    [Fact]
    public void Every_decision_record_is_in_the_index()
    {
        var folder = Path.Combine(Root.FullName, "docs", "adr");
        var index = File.ReadAllText(Path.Combine(folder, "README.md"));
        var records = Directory.EnumerateFiles(folder, "*.md")
            .Select(path => Path.GetFileName(path))
            .Where(name => DecisionRecord().IsMatch(name) && !name.StartsWith("0000-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        records.Count.ShouldBeGreaterThan(20);

        records.Where(name => !index.Contains($"({name})", StringComparison.Ordinal))
            .ToList()
            .ShouldBeEmpty("each of these decision records needs a row in docs/adr/README.md");

        IndexLink().Matches(index)
            .Select(m => m.Groups["file"].Value)
            .Where(name => !File.Exists(Path.Combine(folder, name)))
            .ToList()
            .ShouldBeEmpty("docs/adr/README.md links these records, which do not exist");
    }

    [Fact]
    public void The_patterns_find_what_they_must()
    {
        Citations("/// CONTRACT §3.7 #16 and §1.12").ShouldBe(["3.7", "1.12"]);
        Citations("see § 3.7 and §B5").ShouldBe(["3.7", "B5"]);
        Citations("(CONTRACT B10) and CONTRACT Part B2").ShouldBe(["B10", "B2"]);
        Citations("§3.7–§3.9, as §4.5.").ShouldBe(["3.7", "3.9", "4.5"]);
        Citations("the recursion of RFC 9162 §2.1.1; RFC 8785 §3.2.2.3").ShouldBeEmpty();

        Sections("## 1. Conventions\n### 1.1 Base paths\n## B5. Registration\n# Part B — decisions\n")
            .Order(StringComparer.Ordinal)
            .ToList()
            .ShouldBe(["1", "1.1", "B5"]);
    }

    /// <summary>The section numbers of a Markdown document's headings: <c>## 3. …</c>, <c>### 3.7 …</c>, <c>## B5. …</c>.</summary>
    private static HashSet<string> Sections(string markdown) =>
        Heading().Matches(markdown).Select(m => m.Groups["section"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The contract sections a line cites, in order.</summary>
    private static List<string> Citations(string line) =>
        SectionSign().Matches(line).Concat(ContractPartB().Matches(line))
            .OrderBy(m => m.Index)
            .Select(m => m.Groups["section"].Value)
            .ToList();

    /// <summary>Every C# file of src and tests (not build output), and every Markdown file of docs and the README.</summary>
    private static IEnumerable<string> CitingFiles()
    {
        static bool IsBuildOutput(string path) =>
            path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");

        var code = new[] { "src", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root.FullName, folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !IsBuildOutput(Path.GetRelativePath(Root.FullName, path)));
        var documents = Directory.EnumerateFiles(Path.Combine(Root.FullName, "docs"), "*.md", SearchOption.AllDirectories)
            .Append(Path.Combine(Root.FullName, "README.md"));
        return code.Concat(documents);
    }

    private static DirectoryInfo FindRepositoryRoot()
    {
        var root = Directory.GetParent(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Npq.sln")))
            root = root.Parent;
        root.ShouldNotBeNull("the repository root (Npq.sln) above the test binaries");
        return root;
    }

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<section>B?[0-9]+(?:\.[0-9]+)*)\.?[ \t]", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"(?<!RFC[ \t]?[0-9]+[ \t]*)§[ \t]?(?<section>[AB]?[0-9]+(?:\.[0-9]+)*)")]
    private static partial Regex SectionSign();

    [GeneratedRegex(@"\bCONTRACT,?[ \t]+(?:Part[ \t]+)?(?<section>B[0-9]+)\b")]
    private static partial Regex ContractPartB();

    [GeneratedRegex(@"^[0-9]{4}-.+\.md$")]
    private static partial Regex DecisionRecord();

    [GeneratedRegex(@"\((?<file>[0-9]{4}-[^)\s]+\.md)\)")]
    private static partial Regex IndexLink();
}
