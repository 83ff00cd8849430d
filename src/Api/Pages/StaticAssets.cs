using Microsoft.Extensions.FileProviders;

namespace Npq.Api.Pages;

/// <summary>
/// Static files of the server-rendered pages (ADR 0014): GOV.UK Frontend's compiled CSS,
/// JavaScript, fonts and images at <c>/assets</c> (the paths its CSS expects), copied beside the
/// executable by the build from the pinned npm package; the pages' own script from <c>wwwroot</c>.
/// Served before routing, so they cost no database round trip and no rate-limit permit.
/// </summary>
public static class StaticAssets
{
    public const string GovukFolder = "govuk-frontend";

    public static WebApplication UseNpqStaticAssets(this WebApplication app)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, GovukFolder);
        if (Directory.Exists(folder))
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(folder),
                RequestPath = "/assets",
                OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=86400",
            });
        }
        else
        {
            app.Logger.LogWarning("{Folder} is missing beside the executable: the registration form will have no styles (build the Api project)", folder);
        }

        app.UseStaticFiles();
        return app;
    }
}
