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
public sealed class RegistrationsController(IMediator mediator, IOptions<RegistrationOptions> options) : ControllerBase
{
    [HttpPost]
    public async Task<IActionResult> Register(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
            throw new ResourceNotFoundException();
        var body = (await JsonBody.ReadAsync(Request, cancellationToken)).RequireAttributes().Attributes<RegistrationFields>()!;
        var command = new RegisterApplication(body, HttpContext.Caller());
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
