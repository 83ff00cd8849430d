using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.ReferenceData;
using Npq.Domain.NpqApplications;

namespace Npq.Application.NpqApplications.TransferApplication;

/// <summary>DfE moves an application to another lead provider (B8, CONTRACT §7 transfers).</summary>
public sealed record TransferApplication(Caller Caller, Guid Id, Guid ToLeadProviderId) : ICommand<ApplicationView>, IAdminRequest;

public sealed class TransferApplicationHandler(IDocumentSession session, IWriteLocks locks, IReferenceData referenceData, TimeProvider time)
    : ICommandHandler<TransferApplication, ApplicationView>
{
    public async ValueTask<ApplicationView> Handle(TransferApplication command, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<ApplicationView>(command.Id, cancellationToken) ?? throw new ResourceNotFoundException();
        var reference = await referenceData.GetAsync(cancellationToken);
        if (reference.FindProvider(command.ToLeadProviderId) is null)
            throw new RuleViolationException("lead_provider_id", "The lead provider is not recognised");
        await locks.LockParticipantAsync(session, view.ParticipantId, cancellationToken);
        var stream = await session.FetchApplicationAsync(command.Id, cancellationToken);
        var application = stream.State();
        if (application.LeadProviderId == command.ToLeadProviderId)
            throw new RuleViolationException("lead_provider_id", "The application already belongs to that lead provider");

        stream.AppendOne(new ApplicationTransferred(application.Id, application.LeadProviderId, command.ToLeadProviderId, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return (await session.SavedApplicationAsync(application.Id, cancellationToken))!;
    }
}
