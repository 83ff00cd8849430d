namespace Npq.Api.Guidance;

/// <summary>
/// The guidance's side navigation: every page of docs/guidance, in reading order, in sections.
/// <c>GuidancePagesTests</c> fails on a page that is not here and on an entry with no page.
/// </summary>
public static class GuidanceNavigation
{
    public sealed record Entry(string Slug, string Title);

    public static readonly IReadOnlyList<(string Section, IReadOnlyList<Entry> Pages)> Sections =
    [
        ("Get started", [new("index", "Overview"), new("authentication", "Tokens and authentication"), new("sandbox", "The sandbox"), new("clients", "Generating a client")]),
        ("How to", [
            new("applications", "Applications"), new("participants", "Participants"), new("declarations", "Declarations"),
            new("outcomes", "Outcomes"), new("statements", "Financial statements"), new("schedules", "Schedules and milestones"),
            new("funding", "Funding eligibility"), new("receipts", "Receipts: proof of what you sent"),
        ]),
        ("Keeping in sync", [new("syncing", "Keeping your CRM in sync"), new("change-feed", "The change feed"), new("lists", "Lists, filters and pagination")]),
        ("Rules", [new("states", "Data states"), new("retries", "Retries and idempotency"), new("rate-limits", "Rate limits"), new("errors", "Errors")]),
        ("Versions", [
            new("versions", "API versions"), new("differences", "Differences from DfE's service"), new("compatibility", "Compatibility and deprecation"),
            new("release-notes", "Release notes"),
        ]),
    ];

    public static IEnumerable<Entry> All => Sections.SelectMany(s => s.Pages);
}
