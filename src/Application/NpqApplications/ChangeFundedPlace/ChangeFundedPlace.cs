using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Declarations;
using Npq.Application.ReferenceData;
using Npq.Domain.NpqApplications;

namespace Npq.Application.NpqApplications.ChangeFundedPlace;

/// <summary>The provider changes the funded-place decision (CONTRACT §3.3). <see cref="FundedPlace"/> is null unless a JSON boolean was sent.</summary>
public sealed record ChangeFundedPlace(Caller Caller, Guid Id, bool? FundedPlace) : ICommand<ApplicationView>, ILeadProviderRequest;

public sealed class ChangeFundedPlaceHandler(IDocumentSession session, IWriteLocks locks, IReferenceData referenceData, TimeProvider time)
    : ICommandHandler<ChangeFundedPlace, ApplicationView>
{
    public async ValueTask<ApplicationView> Handle(ChangeFundedPlace command, CancellationToken cancellationToken)
    {
        var (_, stream) = await session.LoadOwnedForWritingAsync(locks, command.Id, command.Caller, cancellationToken);
        var application = stream.State();
        var reference = await referenceData.GetAsync(cancellationToken);
        var cohort = reference.FindCohortById(application.CohortId)
                     ?? throw new InvalidOperationException($"Cohort {application.CohortId} is missing from the reference data.");
        var hasLiveDeclarations = await session.ExistForApplicationAsync(application.Id, cancellationToken);

        var (changed, errors) = ChangeFundedPlaceDecision.Decide(application, command.FundedPlace, cohort.Funding, hasLiveDeclarations, time.GetUtcNow());
        if (errors.Count > 0)
            throw new RuleViolationException(errors);

        if (changed is not null)
        {
            stream.AppendOne(changed);
            await session.SaveChangesAsync(cancellationToken);
        }

        return (await session.SavedApplicationAsync(application.Id, cancellationToken))!;
    }
}
