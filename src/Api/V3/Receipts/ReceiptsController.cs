using System.ComponentModel;
using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Application.Audit.Log;

namespace Npq.Api.V3.Receipts;

public sealed record ReceiptV3(
    [property: Description("The event's place in the service's log (its global sequence).")] long Sequence,
    [property: Description("The kind of change, as the log names it (declaration_submitted, application_accepted, …).")] string Type,
    [property: Description("When the service recorded the change.")] DateTimeOffset RecordedAt,
    [property: Description("The change's leaf in the log's Merkle tree.")] long LeafIndex,
    [property: Description("The size of the signed tree the proof is for.")] long TreeSize,
    [property: Description("The leaf as sealed (RFC 8785 canonical JSON, base64): ids, type, time, who, and data_sha256.")] string LeafInput,
    [property: Description("The change's data as sealed (RFC 8785 canonical JSON, base64): its SHA-256 is the leaf's data_sha256.")] string Data,
    [property: Description("A C2SP tlog-proof: the leaf's index, its inclusion path and the signed checkpoint. Check it with the log's verifier key.")] string Proof);

public sealed record ReceiptsV3(IReadOnlyList<ReceiptV3> Data);

/// <summary>
/// Receipts (issue 30): for a resource of the caller's (an application, a participant, a declaration), one
/// receipt per change the caller made to it that a signed checkpoint covers, each provable offline with the
/// log's verifier key alone. An addition of this service.
/// </summary>
[ApiController]
[ApiVersion(3)]
[Route("api/v{version:apiVersion}/receipts")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class ReceiptsController(IMediator mediator) : ControllerBase
{
    [HttpGet("{id:guid}")]
    [EndpointDescription(
        "An addition of this service. For an application, participant or declaration of yours, a receipt for each change you made to it " +
        "that the log has sealed and signed (within about five minutes of the change): the change as sealed and a C2SP tlog-proof of its " +
        "inclusion in the signed checkpoint. Keep them: with the log's public verifier key, docs/auditing/verify_log.py --receipt checks one " +
        "offline, as proof in a payment dispute that the service received the change and when. A resource that is not yours, or with no " +
        "signed change of yours yet, is a 404.")]
    [ProducesResponseType<ReceiptsV3>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(Guid id, CancellationToken cancellationToken)
    {
        var receipts = await mediator.Send(new GetReceipts(HttpContext.Caller(), id), cancellationToken);
        return new ApiJsonResult(new ReceiptsV3([.. receipts.Select(r =>
            new ReceiptV3(r.Sequence, r.Type, r.RecordedAt, r.LeafIndex, r.TreeSize, r.LeafInput, r.Data, r.Proof))]));
    }
}
