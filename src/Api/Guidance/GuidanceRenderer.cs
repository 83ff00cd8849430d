using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Npq.Api.Guidance;

/// <summary>One guidance page, rendered: its title (its first-level heading), its body in GOV.UK Frontend's classes, and its second-level headings for the contents list.</summary>
public sealed record RenderedGuidance(string Slug, string Title, string BodyHtml, IReadOnlyList<(string Id, string Text)> Contents);

/// <summary>
/// Renders the Markdown of docs/guidance (copied beside the executable) as GOV.UK pages (issue 29).
/// Raw HTML in the Markdown is escaped, never passed through. A line that is only a directive is
/// replaced, before rendering, by Markdown generated from what the server runs on, so those parts of
/// the guidance cannot drift from what it does:
/// <c>{{example v3 acceptApplication}}</c> by the captured exchange (<see cref="GuidanceExamples"/>),
/// <c>{{schedules}}</c> and <c>{{sandbox}}</c> by the reference data (<see cref="GuidanceSchedules"/>,
/// <see cref="GuidanceSandbox"/>), <c>{{errors}}</c> by the error catalogue (<see cref="GuidanceErrors"/>).
/// </summary>
public sealed partial class GuidanceRenderer(GuidanceExamples examples, GuidanceSchedules schedules, GuidanceErrors errors, GuidanceSandbox sandbox)
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    /// <summary>The folders the pages are read from: beside the executable, else the repository's docs (a run from src/Api).</summary>
    public static IEnumerable<string> Folders =>
    [
        Path.Combine(AppContext.BaseDirectory, "guidance"),
        Path.Combine(Directory.GetCurrentDirectory(), "..", "..", "docs", "guidance"),
    ];

    public static string? Find(string relative) =>
        Folders.Select(folder => Path.Combine(folder, relative)).FirstOrDefault(File.Exists);

    public async Task<RenderedGuidance?> RenderAsync(string slug, CancellationToken cancellationToken)
    {
        if (!Slug().IsMatch(slug) || Find(slug + ".md") is not { } path)
            return null;

        var markdown = await File.ReadAllTextAsync(path, cancellationToken);
        markdown = await ExpandAsync(markdown, cancellationToken);
        var document = Markdown.Parse(markdown, Pipeline);
        var title = "Guidance";
        var contents = new List<(string, string)>();
        HeadingBlock? titleBlock = null;
        foreach (var node in document.Descendants())
        {
            switch (node)
            {
                case HeadingBlock heading:
                    var text = Text(heading.Inline);
                    if (heading.Level == 1)
                        (title, titleBlock) = (text, heading);
                    else if (heading.Level == 2 && heading.GetAttributes().Id is { } id)
                        contents.Add((id, text));
                    heading.GetAttributes().AddClass(heading.Level switch { 1 => "govuk-heading-xl", 2 => "govuk-heading-l", 3 => "govuk-heading-m", _ => "govuk-heading-s" });
                    break;
                case ParagraphBlock paragraph when paragraph.Parent is not ListItemBlock:
                    paragraph.GetAttributes().AddClass("govuk-body");
                    break;
                case ListBlock list:
                    list.GetAttributes().AddClass(list.IsOrdered ? "govuk-list govuk-list--number" : "govuk-list govuk-list--bullet");
                    break;
                case Table table:
                    table.GetAttributes().AddClass("govuk-table");
                    break;
                case TableRow row:
                    row.GetAttributes().AddClass("govuk-table__row");
                    foreach (var cell in row.OfType<TableCell>())
                        cell.GetAttributes().AddClass(row.IsHeader ? "govuk-table__header" : "govuk-table__cell");
                    break;
                case FencedCodeBlock or CodeBlock:
                    ((Block)node).GetAttributes().AddClass("app-code");
                    break;
                case LinkInline link when !link.IsImage:
                    link.GetAttributes().AddClass("govuk-link");
                    break;
                case QuoteBlock quote:
                    quote.GetAttributes().AddClass("govuk-inset-text");
                    break;
                case ThematicBreakBlock rule:
                    rule.GetAttributes().AddClass("govuk-section-break govuk-section-break--l govuk-section-break--visible");
                    break;
            }
        }

        // The page puts the title above its contents list.
        if (titleBlock is not null)
            document.Remove(titleBlock);
        return new RenderedGuidance(slug, title, document.ToHtml(Pipeline), contents);
    }

    /// <summary>Replaces each directive line by the Markdown it stands for.</summary>
    private async Task<string> ExpandAsync(string markdown, CancellationToken cancellationToken)
    {
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var match = Directive().Match(lines[i].TrimEnd('\r'));
            if (!match.Success)
                continue;
            lines[i] = match.Groups["name"].Value switch
            {
                "example" => examples.Markdown(match.Groups["arguments"].Value),
                "schedules" => await schedules.MarkdownAsync(cancellationToken),
                "errors" => errors.Markdown(),
                "sandbox" => await sandbox.MarkdownAsync(cancellationToken),
                var other => $"> This part of the page ({other}) is missing: tell us.",
            };
        }

        return string.Join('\n', lines);
    }

    private static string Text(ContainerInline? inline) =>
        inline is null ? "" : string.Concat(inline.Descendants<Inline>().Select(i => i switch
        {
            LiteralInline literal => literal.Content.ToString(),
            CodeInline code => code.Content,
            _ => "",
        }));

    [GeneratedRegex("^[a-z][a-z-]{0,40}$")]
    public static partial Regex Slug();

    [GeneratedRegex(@"^\{\{(?<name>[a-z]+)(?: (?<arguments>[A-Za-z0-9 .-]+))?\}\}$")]
    private static partial Regex Directive();
}
