using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Npq.Api.Authentication;
using Npq.Api.Errors;

namespace Npq.Api.OpenApi;

/// <summary>
/// Declares, in one place, the error answers every lead-provider endpoint can give (§1.5, B4):
/// 400, 401, 404, 429 and 503 with the contract's bodies, and on writes 409 and 413. Actions add their own
/// (422, 403) beside them.
/// </summary>
public sealed class ErrorResponsesConvention : IControllerModelConvention
{
    public void Apply(ControllerModel controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        var leadProvider = controller.Attributes.OfType<AuthorizeAttribute>().Any(a => a.Policy == Policies.LeadProvider);
        if (!leadProvider)
            return;

        foreach (var action in controller.Actions)
        {
            action.Filters.Add(new ProducesResponseTypeAttribute(typeof(ErrorBodies.ErrorList), StatusCodes.Status400BadRequest, "application/json"));
            action.Filters.Add(new ProducesResponseTypeAttribute(typeof(ErrorBodies.SingleError), StatusCodes.Status401Unauthorized, "application/json"));
            action.Filters.Add(new ProducesResponseTypeAttribute(typeof(ErrorBodies.SingleError), StatusCodes.Status404NotFound, "application/json"));
            action.Filters.Add(new ProducesResponseTypeAttribute(typeof(ErrorBodies.ErrorList), StatusCodes.Status429TooManyRequests, "application/json"));
            // The database unavailable or busy, or the process shutting down: retry (issue 29).
            action.Filters.Add(new ProducesResponseTypeAttribute(typeof(ErrorBodies.ErrorList), StatusCodes.Status503ServiceUnavailable, "application/json"));
            if (action.Attributes.OfType<Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute>().Any(m => m.HttpMethods.Any(h => h is "POST" or "PUT")))
            {
                // A write racing another, or its Idempotency-Key still in use; a body over the limit.
                action.Filters.Add(new ProducesResponseTypeAttribute(typeof(ErrorBodies.ErrorList), StatusCodes.Status409Conflict, "application/json"));
                action.Filters.Add(new ProducesResponseTypeAttribute(typeof(ErrorBodies.ErrorList), StatusCodes.Status413PayloadTooLarge, "application/json"));
            }
        }
    }
}
