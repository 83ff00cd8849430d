using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.NpqApplications.GetApplication;

/// <summary>One of the caller's applications; another provider's id is a 404, like an unknown one.</summary>
public sealed record GetApplication(Caller Caller, Guid Id) : IQuery<ApplicationView>, ILeadProviderRequest;

public sealed class GetApplicationHandler(IQuerySession session) : IQueryHandler<GetApplication, ApplicationView>
{
    public async ValueTask<ApplicationView> Handle(GetApplication query, CancellationToken cancellationToken)
    {
        var application = await session.LoadAsync<ApplicationView>(query.Id, cancellationToken);
        if (application is null || application.LeadProviderId != query.Caller.ProviderId)
            throw new ResourceNotFoundException();
        return application;
    }
}
