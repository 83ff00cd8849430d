using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.Audit.Log;

/// <summary>
/// A provider's receipt for one change it made (issue 30): the event as sealed (its leaf input, and the
/// canonical data the leaf commits to, both base64) and a C2SP <c>tlog-proof</c> of its inclusion in the
/// latest signed checkpoint. Checked offline with the log's verifier key alone
/// (<c>docs/auditing/verify_log.py --receipt</c>): proof that the service received the change, and when.
/// </summary>
public sealed record Receipt(long Sequence, string Type, DateTimeOffset RecordedAt, long LeafIndex, long TreeSize, string LeafInput, string Data, string Proof);

/// <summary>
/// The receipts for the changes the caller's provider made to one resource (an application, a participant,
/// a declaration: the stream with that id) that a signed checkpoint covers. Changes made by anyone else,
/// DfE included, are not the caller's to prove; another provider's resource answers like an unknown one.
/// </summary>
public sealed record GetReceipts(Caller Caller, Guid ResourceId) : IQuery<IReadOnlyList<Receipt>>, ILeadProviderRequest;

public sealed class GetReceiptsHandler(IAuditLog log) : IQueryHandler<GetReceipts, IReadOnlyList<Receipt>>
{
    public async ValueTask<IReadOnlyList<Receipt>> Handle(GetReceipts query, CancellationToken cancellationToken)
    {
        var receipts = await log.ReceiptsAsync(query.ResourceId, query.Caller.LeadProviderId!.Value, cancellationToken);
        return receipts.Count > 0 ? receipts : throw new ResourceNotFoundException();
    }
}
