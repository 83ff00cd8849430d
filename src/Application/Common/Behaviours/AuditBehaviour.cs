using Marten;
using Mediator;

namespace Npq.Application.Common.Behaviours;

/// <summary>
/// Stamps who and why on every event a command appends (CONTRACT B7): the actor (token id and
/// kind, or <c>system</c>), the server's request id as correlation id, the command as causation, the
/// server's W3C trace id, and, labelled as the client's, the <c>X-Request-Id</c> and <c>traceparent</c>
/// the client sent (issue 24: a client's words are never recorded as if they were the server's). Runs
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
        if (request.ClientRequestId is { } clientRequestId)
            session.SetHeader(AuditHeaders.ClientRequestId, clientRequestId);
        if (request.ClientTraceparent is { } clientTraceparent)
            session.SetHeader(AuditHeaders.ClientTraceparent, clientTraceparent);
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
    public const string ClientRequestId = "client_request_id";
    public const string ClientTraceparent = "client_traceparent";
}

/// <summary>The server's id of the request (one per HTTP request or command-line run), and what the client said of it.</summary>
public interface IRequestContext
{
    string RequestId { get; }

    /// <summary>The client's own <c>X-Request-Id</c>, when it sent a sane one.</summary>
    string? ClientRequestId { get; }

    /// <summary>The client's <c>traceparent</c>, when it sent a well-formed one.</summary>
    string? ClientTraceparent { get; }
}
