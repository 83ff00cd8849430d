using System.Net;
using System.Text.RegularExpressions;
using Markdig;

namespace Npq.Api.Guidance;

/// <summary>
/// Guidance pages at <c>/api/guidance</c> and <c>/api/guidance/{page}</c> (CONTRACT B9), rendered
/// from the Markdown in <c>docs/guidance</c> (copied beside the executable). Public, limited per IP.
/// </summary>
public static partial class GuidancePages
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    public static WebApplication MapNpqGuidance(this WebApplication app)
    {
        app.MapGet("/api/guidance", (HttpContext context) => Render(context, "index"));
        app.MapGet("/api/guidance/{page}", (HttpContext context, string page) => Render(context, page));
        return app;
    }

    private static IResult Render(HttpContext context, string page)
    {
        if (!Slug().IsMatch(page) || Find(page) is not { } path)
            return Results.Json(new { error = "Resource not found" }, statusCode: StatusCodes.Status404NotFound);

        var markdown = File.ReadAllText(path);
        var title = markdown.Split('\n').FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim() ?? "Guidance";
        var body = Markdown.ToHtml(markdown, Pipeline);
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{WebUtility.HtmlEncode(title)}} – NPQ lead-provider API</title>
            <style>
              body { font-family: Arial, sans-serif; max-width: 50rem; margin: 0 auto; padding: 1rem 1.5rem; line-height: 1.5; color: #0b0c0c; }
              header { border-bottom: 10px solid #1d70b8; margin-bottom: 1.5rem; padding-bottom: .5rem; }
              header a { color: #0b0c0c; font-weight: bold; text-decoration: none; }
              a { color: #1d70b8; } code { background: #f3f2f1; padding: 0 .2rem; }
              table { border-collapse: collapse; } th, td { border-bottom: 1px solid #b1b4b6; padding: .3rem .6rem; text-align: left; }
            </style>
            </head>
            <body>
            <header><a href="/api/guidance">NPQ lead-provider API guidance</a> · <a href="/api/docs/v3">API reference (v3)</a></header>
            <main>
            {{body}}
            </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static string? Find(string page)
    {
        foreach (var folder in new[] { Path.Combine(AppContext.BaseDirectory, "guidance"), Path.Combine(Directory.GetCurrentDirectory(), "..", "..", "docs", "guidance") })
        {
            var path = Path.Combine(folder, page + ".md");
            if (File.Exists(path))
                return path;
        }

        return null;
    }

    [GeneratedRegex("^[a-z][a-z-]{0,40}$")]
    private static partial Regex Slug();
}
