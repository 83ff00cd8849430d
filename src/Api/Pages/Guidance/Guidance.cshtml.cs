using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npq.Api.Guidance;

namespace Npq.Api.Pages.Guidance;

/// <summary>
/// A guidance page (CONTRACT B9, issue 29) in the registration form's GOV.UK Frontend layout, with the
/// guidance's side navigation and a contents list. Public in every environment (unlike the form), limited
/// per IP like other anonymous requests, and with the same content security policy: nothing from another host.
/// </summary>
public sealed class GuidanceModel(GuidanceRenderer renderer) : PageModel
{
    public const string Service = "NPQ lead-provider API";

    public RenderedGuidance Guide { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string? slug, CancellationToken cancellationToken)
    {
        if (await renderer.RenderAsync(slug ?? "index", cancellationToken) is not { } page)
            return new JsonResult(new { error = "Resource not found" }) { StatusCode = StatusCodes.Status404NotFound };

        Guide = page;
        var headers = Response.Headers;
        headers.ContentSecurityPolicy = GovukPageModel.ContentSecurityPolicy;
        headers.CacheControl = "public, max-age=300";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        return Page();
    }
}
