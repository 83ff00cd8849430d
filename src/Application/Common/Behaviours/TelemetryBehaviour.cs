using System.Diagnostics;
using Mediator;
using Npq.Application.Common.Errors;
using Npq.Application.Common.Telemetry;

namespace Npq.Application.Common.Behaviours;

/// <summary>
/// First step of the pipeline: every command and query is a span (<c>npq.command</c>, named by its
/// type) and a measurement of <c>npq.command.duration</c> labelled with its type and outcome:
/// <c>ok</c>, <c>refused</c> (a contract error: 4xx) or <c>failed</c> (anything else).
/// </summary>
public sealed class TelemetryBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private static readonly string CommandName = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var activity = NpqTelemetry.Source.StartActivity(CommandName);
        activity?.SetTag("npq.command", CommandName);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await next(message, cancellationToken);
        }
        catch (ApiException)
        {
            outcome = "refused";
            throw;
        }
        catch (Exception exception)
        {
            outcome = "failed";
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
        finally
        {
            activity?.SetTag("npq.outcome", outcome);
            NpqTelemetry.CommandDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("command", CommandName), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
