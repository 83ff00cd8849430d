using System.Globalization;
using System.Text;
using Npq.Application.ReferenceData;

namespace Npq.Api.Guidance;

/// <summary>
/// The sandbox page's fixed data (<c>{{sandbox}}</c>), from the reference data this server holds: the
/// lead providers with their ids and courses, and the cohorts. Only Sandbox and Development list the
/// providers (their ids are those of the seed); elsewhere the page says to ask DfE, and lists the cohorts.
/// </summary>
public sealed class GuidanceSandbox(IReferenceData referenceData, IHostEnvironment environment)
{
    public async Task<string> MarkdownAsync(CancellationToken cancellationToken)
    {
        var snapshot = await referenceData.GetAsync(cancellationToken);
        var text = new StringBuilder();
        if (environment.IsEnvironment("Sandbox") || environment.IsDevelopment())
        {
            text.AppendLine("### Lead providers").AppendLine();
            text.AppendLine("| Lead provider | `lead_provider_id` | Courses offered |").AppendLine("|---|---|---|");
            foreach (var provider in snapshot.LeadProviders)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {provider.Name} | `{provider.Id}` | ")
                    .Append(provider.OfferedCourses.Count == 0 ? "none" : string.Join(", ", provider.OfferedCourses.Select(c => $"`{c}`")))
                    .AppendLine(" |");
            }
        }
        else
        {
            text.AppendLine("> This server is not a sandbox: DfE gives you your provider's id and token.");
        }

        text.AppendLine().AppendLine("### Cohorts").AppendLine();
        text.AppendLine("| Cohort | `cohort` on the wire | Name | Funding | Registration opens |").AppendLine("|---|---|---|---|---|");
        foreach (var cohort in snapshot.Cohorts)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {cohort.Id} | `\"{cohort.StartYear}\"` | {cohort.Description} | {cohort.Funding} | {cohort.RegistrationStartDate.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)} |").AppendLine();
        }

        return text.ToString();
    }
}
