using Marten;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.Declarations;

/// <summary>Which declarations a provider sees and may change (CONTRACT §1.12, §3.9, §3.10).</summary>
public static class DeclarationAccess
{
    /// <summary>v1/v2: the caller created it. v3: the caller created it, or owns its application now.</summary>
    public static bool CanSee(DeclarationView declaration, Guid providerId, bool isV3) =>
        declaration.LeadProviderId == providerId || (isV3 && declaration.OwnerProviderId == providerId);

    /// <summary>Visible or 404; in v3 a declaration another provider created is a 403.</summary>
    public static async Task<DeclarationView> LoadForWriteAsync(IQuerySession session, Guid id, Caller caller, bool isV3, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<DeclarationView>(id, cancellationToken);
        if (view is null || !CanSee(view, caller.ProviderId, isV3))
            throw new ResourceNotFoundException();
        if (view.LeadProviderId != caller.ProviderId)
            throw new ForbiddenException("Cannot modify declaration", "This declaration was made by another lead provider: only they can change it");
        return view;
    }
}
