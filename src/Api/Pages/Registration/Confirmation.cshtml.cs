using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Npq.Api.Pages.Registration;

/// <summary>
/// <c>/registration/confirmation</c>: shown once after a registration, from what the form handed
/// over in TempData (an encrypted cookie), so the page never looks an application up by an id
/// from the address bar. Without that hand-over it sends the visitor back to the form.
/// </summary>
public sealed class ConfirmationModel : GovukPageModel
{
    private const string Key = "registration.confirmation";

    public Confirmation? Details { get; private set; }

    /// <summary>
    /// Hands the details over as one JSON text: TempData turns texts that look like a GUID or a
    /// date back into those types, which an id or a name must not become.
    /// </summary>
    public static void HandOver(ITempDataDictionary tempData, Confirmation details) =>
        tempData[Key] = JsonSerializer.Serialize(details);

    public IActionResult OnGet()
    {
        if (TempData[Key] is not string json || JsonSerializer.Deserialize<Confirmation>(json) is not { } details)
            return RedirectToPage("Index");
        Details = details;
        return Page();
    }

    public sealed record Confirmation(Guid ApplicationId, string Course, string? Provider, int Cohort);
}
