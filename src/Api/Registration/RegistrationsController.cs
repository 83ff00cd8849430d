using Mediator;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Http;
using Npq.Api.Json;
using Npq.Api.Requests;
using Npq.Api.V3.NpqApplications;
using Microsoft.Extensions.Options;
using Npq.Application.Common.Errors;
using Npq.Application.Registration;
using Npq.Application.Registration.RegisterApplication;

namespace Npq.Api.Registration;

/// <summary>
/// <c>POST /api/registrations</c> (CONTRACT B5): the JSON twin of the registration form. No token;
/// enabled by <c>Npq:Registration:Enabled</c> (on in Sandbox and Development).
/// Answers 201 with the v3 application view.
/// </summary>
[ApiController]
[ApiExplorerSettings(IgnoreApi = true)]
[Route("api/registrations")]
[Asp.Versioning.ApiVersionNeutral]
public sealed class RegistrationsController(IMediator mediator) : ControllerBase
{
    [HttpPost]
    [RegistrationEnabled]
    public async Task<IActionResult> Register(RequestEnvelope<RegistrationFields> body, CancellationToken cancellationToken)
    {
        var command = new RegisterApplication(body.Data.Attributes, HttpContext.Caller());
        var application = await mediator.Send(command, cancellationToken);
        var resource = NpqApplicationsController.Resource(application);

        // The answer tells an anonymous caller nothing it did not send: for an existing person, the
        // identity on record (name, TRN) is replaced by what the request said (issue 14).
        if (command.ParticipantId is not null)
        {
            resource = resource with
            {
                Attributes = resource.Attributes with
                {
                    FullName = command.FullName?.Trim() ?? "",
                    Email = command.Email?.Trim(),
                    TeacherReferenceNumber = string.IsNullOrWhiteSpace(command.TeacherReferenceNumber) ? null : command.TeacherReferenceNumber.Trim(),
                },
            };
        }

        return new ApiJsonResult(new SingleEnvelope<ApplicationAttributesV3>(resource), StatusCodes.Status201Created);
    }
}

/// <summary>
/// 404 while <c>Npq:Registration:Enabled</c> is off, before the body is read: a resource filter runs
/// ahead of model binding, so a disabled endpoint answers the same whatever is sent.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RegistrationEnabledAttribute : Attribute, Microsoft.AspNetCore.Mvc.Filters.IResourceFilter
{
    public void OnResourceExecuting(Microsoft.AspNetCore.Mvc.Filters.ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.HttpContext.RequestServices.GetRequiredService<IOptions<RegistrationOptions>>().Value.Enabled)
            throw new ResourceNotFoundException();
    }

    public void OnResourceExecuted(Microsoft.AspNetCore.Mvc.Filters.ResourceExecutedContext context)
    {
    }
}
