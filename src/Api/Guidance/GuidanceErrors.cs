using System.Text;
using System.Text.Json.Nodes;

namespace Npq.Api.Guidance;

/// <summary>
/// The error catalogue (<c>{{errors}}</c>): every status, title and detail each operation can answer,
/// from <c>docs/openapi/errors.json</c>, which <c>ErrorCatalogueTests</c> generates from the code's rules
/// and keeps equal to it. A hole in a detail (a date, an id) reads "…".
/// </summary>
public sealed class GuidanceErrors
{
    private static readonly Lazy<string?> Catalogue = new(() =>
        new[] { Path.Combine(AppContext.BaseDirectory, "openapi-data", "errors.json"), Path.Combine(Directory.GetCurrentDirectory(), "..", "..", "docs", "openapi", "errors.json") }
            .FirstOrDefault(File.Exists) is { } path ? File.ReadAllText(path) : null);

    public string Markdown()
    {
        if (Catalogue.Value is null || JsonNode.Parse(Catalogue.Value) is not JsonArray groups)
            return "> The error catalogue is missing from this build.";

        var text = new StringBuilder();
        foreach (var group in groups)
        {
            text.AppendLine().Append("### ").AppendLine(group!["operations"]!.GetValue<string>()).AppendLine();
            text.AppendLine("| Status | `title` | `detail` |").AppendLine("|---|---|---|");
            foreach (var error in group["errors"]!.AsArray())
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"| {error!["status"]} | `{error["title"]!.GetValue<string>()}` | ")
                    .Append(error["detail"]!.GetValue<string>().Replace("|", "\\|", StringComparison.Ordinal)).AppendLine(" |");
            }
        }

        return text.ToString();
    }
}
