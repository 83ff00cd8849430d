namespace Npq.Api.Guidance;

/// <summary>
/// The guidance (CONTRACT B9): the pages are the Razor page <c>Pages/Guidance</c> at <c>/api/guidance</c> and
/// <c>/api/guidance/{page}</c>; the files they link to (docs/guidance/examples, e.g. the change feed's
/// follower script) are served here as text at <c>/api/guidance/examples/{file}</c>. Public, limited per IP.
/// </summary>
public static class GuidancePages
{
    public static IServiceCollection AddNpqGuidance(this IServiceCollection services) =>
        services.AddSingleton<GuidanceExamples>().AddSingleton<GuidanceSchedules>().AddSingleton<GuidanceErrors>().AddSingleton<GuidanceSandbox>().AddSingleton<GuidanceRenderer>();

    public static WebApplication MapNpqGuidance(this WebApplication app)
    {
        app.MapGet("/api/guidance/examples/{file}", (string file) =>
        {
            // Only a plain file name of that folder: no path, no hidden file.
            if (file.Length > 60 || file.StartsWith('.') || file.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                || GuidanceRenderer.Find(Path.Combine("examples", file)) is not { } path)
            {
                return Results.Json(new { error = "Resource not found" }, statusCode: StatusCodes.Status404NotFound);
            }

            return Results.Text(File.ReadAllText(path), "text/plain; charset=utf-8");
        });
        app.MapGet("/api/guidance/diagrams/{file}", (string file) =>
            file.EndsWith(".svg", StringComparison.Ordinal) && StateDiagrams.Svg(file[..^4]) is { } svg
                ? Results.Text(svg, "image/svg+xml; charset=utf-8")
                : Results.Json(new { error = "Resource not found" }, statusCode: StatusCodes.Status404NotFound));
        return app;
    }
}
