using Marten;
using Mediator;

namespace Npq.Application.Common.Behaviours;

/// <summary>
/// Stamps who and why on every event a command appends (CONTRACT B7): the actor (token id and
/// kind, or <c>system</c>), the request id as correlation id, the command as causation, and the W3C
/// trace id of the request. Runs
/// after authorisation and rate limiting, so refused requests stamp nothing. Effects a command causes
/// automatically (the rejection of a person's other applications) override the actor per event.
/// </summary>
public sealed class AuditBehaviour<TMessage, TResponse>(IDocumentSession session, IRequestContext request) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICallerRequest, IBaseCommand
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var caller = message.Caller;
        session.CorrelationId = request.RequestId;
        session.CausationId = typeof(TMessage).Name;
        session.SetHeader(AuditHeaders.Actor, caller.ActorLabel);
        session.SetHeader(AuditHeaders.ActorKind, caller.KindLabel);
        if (caller.TokenId is { } tokenId)
            session.SetHeader(AuditHeaders.TokenId, tokenId.ToString());
        // The W3C trace the request ran in, so an auditor can go from an event to its trace (issue 17).
        if (System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } activity)
            session.SetHeader(AuditHeaders.TraceId, activity.TraceId.ToHexString());
        return next(message, cancellationToken);
    }
}

/// <summary>Names of the event headers that say who caused an event.</summary>
public static class AuditHeaders
{
    public const string Actor = "actor";
    public const string ActorKind = "actor_kind";
    public const string TokenId = "token_id";
    public const string CausedByApplication = "caused_by_application";
    public const string TraceId = "trace_id";
}

/// <summary>The id of the request (HTTP <c>X-Request-Id</c>, or one per command-line run).</summary>
public interface IRequestContext
{
    string RequestId { get; }
}
