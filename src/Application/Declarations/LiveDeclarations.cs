using Marten;
using Npq.Domain.Declarations;

namespace Npq.Application.Declarations;

/// <summary>Whether an application has a declaration that is submitted, eligible, payable or paid.</summary>
public static class LiveDeclarations
{
    public static Task<bool> ExistForApplicationAsync(this IQuerySession session, Guid applicationId, CancellationToken cancellationToken)
    {
        var live = DeclarationStates.Live.ToArray();
        return session.Query<DeclarationView>()
            .AnyAsync(d => d.ApplicationId == applicationId && live.Contains(d.State), cancellationToken);
    }
}
