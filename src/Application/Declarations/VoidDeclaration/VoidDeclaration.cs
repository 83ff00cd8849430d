using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Statements;
using Npq.Domain.Declarations;
using Npq.Domain.Statements;

namespace Npq.Application.Declarations.VoidDeclaration;

/// <summary>The provider voids a declaration (CONTRACT §3.9). A transferred declaration it may see it may not void (403).</summary>
public sealed record VoidDeclaration(Caller Caller, Guid Id, bool IncludeTransferred) : ICommand<DeclarationView>, ILeadProviderRequest;

public sealed class VoidDeclarationHandler(IDocumentSession session, IWriteLocks locks, TimeProvider time) : ICommandHandler<VoidDeclaration, DeclarationView>
{
    public async ValueTask<DeclarationView> Handle(VoidDeclaration command, CancellationToken cancellationToken)
    {
        var view = await DeclarationAccess.LoadForWriteAsync(session, command.Id, command.Caller, command.IncludeTransferred, cancellationToken);
        await locks.LockParticipantAsync(session, view.ParticipantId, cancellationToken);
        var stream = (await session.FetchDeclarationAsync(view.Id, cancellationToken))!;
        var declaration = stream.Aggregate!;
        var next = await session.NextOutputFeeStatementAsync(declaration.LeadProviderId, declaration.CohortId, time.Today(), cancellationToken);
        await locks.LockStatementsAsync(session, new[] { declaration.BillableStatementId, next?.Id }.OfType<Guid>(), cancellationToken);

        var now = time.GetUtcNow();
        var (events, errors) = VoidDeclarationDecision.Decide(declaration, next?.Id, now);
        if (errors.Count > 0)
            throw new RuleViolationException(errors);

        stream.AppendMany(events);
        foreach (var e in events)
        {
            switch (e)
            {
                case DeclarationVoided when declaration.BillableStatementId is { } billable:
                    session.Events.Append(billable, new StatementLineStateChanged(billable, declaration.Id, StatementLineTypes.Billable, "voided", now));
                    break;
                case ClawbackRequested clawback:
                    session.Events.Append(clawback.RefundStatementId,
                        new StatementLineAdded(clawback.RefundStatementId, declaration.Id, StatementLineTypes.Refund, "awaiting-clawback", now));
                    break;
            }
        }

        if (DeclarationStates.IsLive(declaration.State))
            session.Delete<LiveDeclarationReservation>(LiveDeclarationReservation.IdOf(declaration.ApplicationId, declaration.DeclarationType));

        await session.SaveChangesOrRefuseAsync("declaration", "The declaration changed while it was being voided: fetch it and try again", cancellationToken);

        return (await session.LoadAsync<DeclarationView>(declaration.Id, cancellationToken))!;
    }
}
