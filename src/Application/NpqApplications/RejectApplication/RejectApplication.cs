using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Application.NpqApplications.RejectApplication;

/// <summary>
/// The provider rejects an application (CONTRACT §3.2, B1): a pending one, or, with
/// <see cref="AllowRejectingAccepted"/>, also an accepted one that has no live declaration.
/// </summary>
public sealed record RejectApplication(Caller Caller, Guid Id, bool AllowRejectingAccepted) : ICommand<ApplicationView>, ILeadProviderRequest;

public sealed class RejectApplicationHandler(IDocumentSession session, IWriteLocks locks, TimeProvider time) : ICommandHandler<RejectApplication, ApplicationView>
{
    public async ValueTask<ApplicationView> Handle(RejectApplication command, CancellationToken cancellationToken)
    {
        var (view, stream) = await session.LoadOwnedForWritingAsync(locks, command.Id, command.Caller, cancellationToken);
        var application = stream.State();
        var hasLiveDeclarations = command.AllowRejectingAccepted && await session.ExistForApplicationAsync(application.Id, cancellationToken);

        var (rejected, errors) = RejectApplicationDecision.Decide(application, command.AllowRejectingAccepted, hasLiveDeclarations, time.GetUtcNow());
        if (rejected is null)
            throw new RuleViolationException(errors);

        stream.AppendOne(rejected);
        if (application.Status == ApplicationStatus.Accepted)
        {
            // The place it held is free again.
            var verifiedTrn = view.VerifiedTrn();
            foreach (var key in AcceptedPlaceReservation.KeysFor(application.ParticipantId, verifiedTrn, application.CourseIdentifier, application.CohortId))
                session.Delete<AcceptedPlaceReservation>(key);
        }

        await session.SaveChangesAsync(cancellationToken);
        return (await session.SavedApplicationAsync(application.Id, cancellationToken))!;
    }
}
