using Marten;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.Declarations;

/// <summary>Which declarations a provider sees and may change (CONTRACT §1.12, §3.9, §3.10).</summary>
public static class DeclarationAccess
{
    /// <summary>
    /// The caller created it, or, with <paramref name="includeTransferred"/>, owns its application now
    /// (a declaration made before the application was transferred to the caller).
    /// </summary>
    public static bool CanSee(DeclarationView declaration, Guid providerId, bool includeTransferred) =>
        declaration.LeadProviderId == providerId || (includeTransferred && declaration.OwnerProviderId == providerId);

    /// <summary>Visible or 404; a visible declaration another provider created is a 403.</summary>
    public static async Task<DeclarationView> LoadForWriteAsync(IQuerySession session, Guid id, Caller caller, bool includeTransferred, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<DeclarationView>(id, cancellationToken);
        if (view is null || !CanSee(view, caller.ProviderId, includeTransferred))
            throw new ResourceNotFoundException();
        if (view.LeadProviderId != caller.ProviderId)
            throw new ForbiddenException("Cannot modify declaration", "The declaration cannot be modified because it was created by another lead provider");
        return view;
    }
}
