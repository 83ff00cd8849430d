using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.Json;
using Npq.Api.Requests;
using Npq.Api.V3.NpqApplications;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Application.NpqApplications.DfeOperations;
using Npq.Application.Participants;
using Npq.Application.Participants.ChangePersonDetails;
using Npq.Application.Participants.ErasePersonalData;
using Npq.Application.Participants.ChangeTrainingStatus;
using Npq.Domain.Common;

namespace Npq.Api.Admin;

/// <summary>
/// DfE's operations that make the states providers meet in the reference (issue 26, docs/contract.md
/// B8): each a command producing events, for <c>admin</c> tokens; the executable runs the same
/// commands (<c>applications revert-to-pending</c>, <c>participants change-email</c>, …).
/// </summary>
[ApiController]
[ApiExplorerSettings(IgnoreApi = true)]
[ApiVersionNeutral]
[Route("api/admin")]
[Authorize(Policy = Policies.Admin)]
public sealed class DfeOperationsController(IMediator mediator) : ControllerBase
{
    public sealed record PersonAttributes(
        string? FullName, IReadOnlyList<string> PreviousNames, string? Email, string? TeacherReferenceNumber, IReadOnlyList<ParticipantIdChange> ParticipantIdChanges,
        DateTimeOffset? PersonalDataErasedAt);

    [HttpPost("npq-applications/{id:guid}/revert-to-pending")]
    public async Task<IActionResult> RevertToPending(Guid id, CancellationToken cancellationToken) =>
        Application(await mediator.Send(new RevertApplicationToPending(HttpContext.Caller(), id), cancellationToken));

    [HttpPost("npq-applications/{id:guid}/change-funding-eligibility")]
    public async Task<IActionResult> ChangeFundingEligibility(Guid id, RequestEnvelope<ChangeFundingEligibilityRequest> request, CancellationToken cancellationToken)
    {
        var eligible = request.Data.Attributes.EligibleForFunding
                       ?? throw new RuleViolationException("eligible_for_funding", "The property '#/eligible_for_funding' must be true or false");
        return Application(await mediator.Send(new OverrideFundingEligibility(HttpContext.Caller(), id, eligible), cancellationToken));
    }

    [HttpPost("npq-applications/{id:guid}/change-cohort")]
    public async Task<IActionResult> ChangeCohort(Guid id, RequestEnvelope<ChangeCohortRequest> request, CancellationToken cancellationToken) =>
        Application(await mediator.Send(new ChangeApplicationCohort(HttpContext.Caller(), id, request.Data.Attributes.Cohort), cancellationToken));

    [HttpPost("npq-applications/{id:guid}/change-training-status")]
    public async Task<IActionResult> ChangeTrainingStatus(Guid id, RequestEnvelope<AdminTrainingStatusRequest> request, CancellationToken cancellationToken)
    {
        var body = request.Data.Attributes;
        var action = body.Action switch
        {
            "defer" => TrainingAction.Defer,
            "resume" => TrainingAction.Resume,
            "withdraw" => TrainingAction.Withdraw,
            _ => throw new RuleViolationException("action", "The property '#/action' must be defer, resume or withdraw"),
        };
        return Application(await mediator.Send(new ChangeTrainingStatusForProvider(HttpContext.Caller(), id, action, body.Reason), cancellationToken));
    }

    /// <summary>Rejects in bulk; the answer lists each id's outcome (<c>rejected</c>, <c>not_found</c>, <c>refused</c> with why).</summary>
    [HttpPost("npq-applications/reject-expired")]
    public async Task<IActionResult> RejectExpired(RequestEnvelope<RejectExpiredRequest> request, CancellationToken cancellationToken)
    {
        var errors = new List<DomainError>();
        var ids = AdminController.ReadList<Guid>(request.Data.Attributes.ApplicationIds, "application_ids", errors);
        if (errors.Count > 0)
            throw new RuleViolationException(errors);
        var outcomes = await mediator.Send(new RejectExpiredApplications(HttpContext.Caller(), ids), cancellationToken);
        return new ApiJsonResult(new { data = outcomes });
    }

    [HttpPost("participants/{id:guid}/change-email")]
    public async Task<IActionResult> ChangeEmail(Guid id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] RequestEnvelope<ChangeEmailRequest>? request,
        CancellationToken cancellationToken) =>
        Person(await mediator.Send(new ChangeParticipantEmail(HttpContext.Caller(), id, request?.Data.Attributes.Email), cancellationToken));

    [HttpPost("participants/{id:guid}/change-name")]
    public async Task<IActionResult> ChangeName(Guid id, RequestEnvelope<ChangeNameRequest> request, CancellationToken cancellationToken) =>
        Person(await mediator.Send(new ChangeParticipantName(HttpContext.Caller(), id, request.Data.Attributes.FullName), cancellationToken));

    /// <summary>Erase the person's personal data (UK GDPR Article 17, ADR 0040): recorded in the log with its reason and who asked.</summary>
    [HttpPost("participants/{id:guid}/erase-personal-data")]
    public async Task<IActionResult> ErasePersonalData(Guid id, RequestEnvelope<ErasePersonalDataRequest> request, CancellationToken cancellationToken) =>
        Person(await mediator.Send(new ErasePersonalData(HttpContext.Caller(), id, request.Data.Attributes.Reason), cancellationToken));

    [HttpPost("participants/{id:guid}/verify-trn")]
    public async Task<IActionResult> VerifyTrn(Guid id, RequestEnvelope<VerifyTrnRequest> request, CancellationToken cancellationToken) =>
        Person(await mediator.Send(new VerifyParticipantTrn(HttpContext.Caller(), id, request.Data.Attributes.TeacherReferenceNumber), cancellationToken));

    private static ApiJsonResult Application(ApplicationView application) =>
        new(new SingleEnvelope<ApplicationAttributesV3>(NpqApplicationsController.Resource(application)));

    private static ApiJsonResult Person(ParticipantView p) =>
        new(new { data = new { id = p.Id, type = "npq-participant", attributes = new PersonAttributes(p.FullName, p.PreviousNames, p.Email, p.VerifiedTrn(), p.ParticipantIdChanges, p.PersonalDataErasedAt) } });
}
