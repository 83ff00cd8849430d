using Mediator;
using Npq.Application.Common.Errors;

namespace Npq.Application.Common.Behaviours;

/// <summary>
/// A step of the mediator pipeline (order: docs/architecture.md, "The request pipeline"): a request declares, by its marker interface, which kind of caller
/// may run it. A token of another kind is treated exactly like no token (401), so it learns nothing.
/// </summary>
public sealed class AuthorisationBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICallerRequest
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var caller = message.Caller;
        var allowed = message switch
        {
            ILeadProviderRequest => caller.Kind == CallerKind.LeadProvider && caller.LeadProviderId is not null,
            IAdminRequest => caller.Kind is CallerKind.Admin or CallerKind.System,
            IAuditorRequest => caller.Kind is CallerKind.Auditor or CallerKind.System,
            IAnonymousRequest => true,
            _ => false,
        };

        if (!allowed)
            throw new NotAuthenticatedException();

        return next(message, cancellationToken);
    }
}
