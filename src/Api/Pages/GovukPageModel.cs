using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Npq.Application.Registration;

namespace Npq.Api.Pages;

/// <summary>
/// What every server-rendered page shares: it exists only where registration is enabled
/// (<c>Npq:Registration:Enabled</c>, as <c>POST /api/registrations</c>), it is never cached (it
/// carries personal data), and its content security policy allows only this host: the GOV.UK
/// Frontend assets are served from <c>/assets</c>, nothing from a CDN.
/// </summary>
public abstract class GovukPageModel : PageModel
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public string EnvironmentName { get; private set; } = "";

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.HttpContext.RequestServices;
        if (!services.GetRequiredService<IOptions<RegistrationOptions>>().Value.Enabled)
        {
            context.Result = NotFound();
            return;
        }

        EnvironmentName = services.GetRequiredService<IHostEnvironment>().EnvironmentName;
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // As the antiforgery token requires (it would override anything else, with a warning).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
    }
}
