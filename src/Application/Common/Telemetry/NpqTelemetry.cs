using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npq.Domain.Declarations;

namespace Npq.Application.Common.Telemetry;

/// <summary>
/// The service's own traces and metrics (issue 17, ADR 0021), on the BCL's <see cref="ActivitySource"/>
/// and <see cref="Meter"/> named <see cref="Name"/>: OpenTelemetry (in the Api) listens to them by
/// name, and with no listener each call costs a branch. Labels are bounded sets (route templates,
/// kinds, event types, outcomes) and provider ids; never a token, a name, an email or any answer.
/// </summary>
public static class NpqTelemetry
{
    public const string Name = "Npq";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary><c>npq.requests</c>: HTTP requests by API version, route template, method, status, caller kind and provider.</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("npq.requests", "{request}", "HTTP requests answered");

    /// <summary><c>npq.request.duration</c>: the same requests' time to answer.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "npq.request.duration", "s", "Time from the request's arrival to its answer",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary><c>npq.rate_limit.decisions</c>: permits admitted or refused, by token kind and provider.</summary>
    public static readonly Counter<long> RateLimitDecisions = Meter.CreateCounter<long>("npq.rate_limit.decisions", "{request}", "Rate-limit decisions");

    /// <summary><c>npq.command.duration</c>: mediator requests (commands and queries) by type and outcome.</summary>
    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "npq.command.duration", "s", "Time a command or query took in the mediator pipeline",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary><c>npq.events.appended</c>: events saved, by event type.</summary>
    public static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>("npq.events.appended", "{event}", "Events appended to the event store");

    /// <summary><c>npq.declarations.transitions</c>: declarations entering a state (submitted, eligible, …, clawed-back).</summary>
    public static readonly Counter<long> DeclarationTransitions = Meter.CreateCounter<long>(
        "npq.declarations.transitions", "{declaration}", "Declarations entering a state");

    private static long _outboxBacklog;
    private static long _ready = 1;

    /// <summary><c>npq.outbox.backlog</c>: side effects waiting in the durable outbox, as last sampled.</summary>
    public static readonly ObservableGauge<long> OutboxBacklog = Meter.CreateObservableGauge(
        "npq.outbox.backlog", () => Interlocked.Read(ref _outboxBacklog), "{message}", "Side effects waiting in the durable outbox (sampled)");

    /// <summary><c>npq.ready</c>: 1 while the process's readiness check passes, 0 when it fails (sampled).</summary>
    public static readonly ObservableGauge<long> Ready = Meter.CreateObservableGauge(
        "npq.ready", () => Interlocked.Read(ref _ready), "{process}", "1 while the readiness check passes (sampled)");

    private static BackgroundWork? _background;

    /// <summary>Where the background work stands (issue 28), as last sampled; nothing until the first sample.</summary>
    public sealed record BackgroundWork(long SealLag, long UnsignedEvents, double? CheckpointAgeSeconds, long FeedLag);

    /// <summary><c>npq.audit.seal_lag</c>: committed events the sealer has not yet put in the log.</summary>
    public static readonly ObservableGauge<long> SealLag = Meter.CreateObservableGauge(
        "npq.audit.seal_lag", () => Sampled(b => b.SealLag), "{event}", "Committed events not yet sealed into the audit log (sampled)");

    /// <summary><c>npq.audit.unsigned</c>: sealed leaves no signed checkpoint covers yet.</summary>
    public static readonly ObservableGauge<long> UnsignedEvents = Meter.CreateObservableGauge(
        "npq.audit.unsigned", () => Sampled(b => b.UnsignedEvents), "{event}", "Sealed events not yet covered by a signed checkpoint (sampled)");

    /// <summary><c>npq.audit.checkpoint_age</c>: seconds since the last signed checkpoint.</summary>
    public static readonly ObservableGauge<double> CheckpointAge = Meter.CreateObservableGauge(
        "npq.audit.checkpoint_age", () => Volatile.Read(ref _background)?.CheckpointAgeSeconds is { } age ? [new Measurement<double>(age)] : Array.Empty<Measurement<double>>(),
        "s", "Seconds since the last signed checkpoint of the audit log (sampled)");

    /// <summary><c>npq.changes.lag</c>: committed events the change feed has not yet read.</summary>
    public static readonly ObservableGauge<long> FeedLag = Meter.CreateObservableGauge(
        "npq.changes.lag", () => Sampled(b => b.FeedLag), "{event}", "Committed events not yet read into the change feed (sampled)");

    private static long _daemonAgents;
    private static long _daemonStalled;

    /// <summary>
    /// <c>npq.daemon.agents</c>: the event subscriptions (the sealer, the change feed) this process runs now.
    /// The daemon runs on one process at a time (its lock in PostgreSQL): the sum over processes is 2, or
    /// nothing seals and no feed moves.
    /// </summary>
    public static readonly ObservableGauge<long> DaemonAgents = Meter.CreateObservableGauge(
        "npq.daemon.agents", () => Interlocked.Read(ref _daemonAgents), "{agent}", "Event subscriptions this process runs now: 2 on the daemon's leader, 0 elsewhere (sampled)");

    /// <summary><c>npq.daemon.stalled</c>: 1 while this process's daemon has a paused subscription or a high-water mark it has stopped polling.</summary>
    public static readonly ObservableGauge<long> DaemonStalled = Meter.CreateObservableGauge(
        "npq.daemon.stalled", () => Interlocked.Read(ref _daemonStalled), "{process}", "1 while this process's daemon has a paused subscription or a stale high-water mark (sampled)");

    /// <summary>The daemon's state in this process, as last sampled.</summary>
    public static void SampledDaemon(int agents, bool stalled)
    {
        Interlocked.Exchange(ref _daemonAgents, agents);
        Interlocked.Exchange(ref _daemonStalled, stalled ? 1 : 0);
    }

    private static IEnumerable<Measurement<long>> Sampled(Func<BackgroundWork, long> value) =>
        Volatile.Read(ref _background) is { } background ? [new Measurement<long>(value(background))] : [];

    /// <summary>The background work's positions, as the readiness sampler last read them (kept while the database is down).</summary>
    public static void SampledBackground(BackgroundWork? background)
    {
        if (background is not null)
            Volatile.Write(ref _background, background);
    }

    /// <summary>The last readiness check: whether it passed, and the outbox backlog it counted (kept while the database is down).</summary>
    public static void SampledReadiness(bool ready, long? outboxBacklog)
    {
        Interlocked.Exchange(ref _ready, ready ? 1 : 0);
        if (outboxBacklog is { } backlog)
            Interlocked.Exchange(ref _outboxBacklog, backlog);
    }

    /// <summary>The label a caller's kind and provider carry (the provider id only for lead providers).</summary>
    public static TagList CallerTags(Caller? caller)
    {
        var tags = new TagList
        {
            { "caller_kind", caller?.KindLabel ?? "anonymous" },
            { "provider_id", caller?.LeadProviderId?.ToString() ?? "" },
        };
        return tags;
    }

    /// <summary>Counts one rate-limit decision for the caller (anonymous: by client address, unlabelled).</summary>
    public static void RateLimitDecision(bool admitted, Caller? caller)
    {
        var tags = CallerTags(caller);
        tags.Add("outcome", admitted ? "admitted" : "refused");
        RateLimitDecisions.Add(1, tags);
    }

    /// <summary>Counts one saved event, and the declaration state it moves a declaration into, if any.</summary>
    public static void Appended(string eventTypeName, object data)
    {
        EventsAppended.Add(1, new KeyValuePair<string, object?>("event_type", eventTypeName));
        if (DeclarationStateOf(data) is { } state)
            DeclarationTransitions.Add(1, new KeyValuePair<string, object?>("state", state));
    }

    /// <summary>The state a declaration event moves its declaration into (the wire spelling).</summary>
    public static string? DeclarationStateOf(object data) => data switch
    {
        DeclarationSubmitted => DeclarationWire.Of(DeclarationState.Submitted),
        DeclarationMarkedEligible => DeclarationWire.Of(DeclarationState.Eligible),
        DeclarationMarkedIneligible => DeclarationWire.Of(DeclarationState.Ineligible),
        DeclarationVoided => DeclarationWire.Of(DeclarationState.Voided),
        DeclarationMarkedPayable => DeclarationWire.Of(DeclarationState.Payable),
        DeclarationMarkedPaid => DeclarationWire.Of(DeclarationState.Paid),
        ClawbackRequested => DeclarationWire.Of(DeclarationState.AwaitingClawback),
        DeclarationClawedBack => DeclarationWire.Of(DeclarationState.ClawedBack),
        _ => null,
    };
}
