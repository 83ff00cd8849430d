using Npq.Api.OpenApi;

namespace Npq.Api.Guidance;

/// <summary>The <c>{{example v3 acceptApplication}}</c> lines of the guidance: the captured request and response (<see cref="CapturedExamples"/>).</summary>
public sealed class GuidanceExamples
{
    public string Markdown(string arguments)
    {
        var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && CapturedExamples.Find(parts[0], parts[1]) is { } example
            ? CapturedExamples.Markdown(example)
            : $"> The example of `{arguments}` is missing: tell us.";
    }
}
