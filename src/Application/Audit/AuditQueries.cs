using System.Text.Json;
using JasperFx.Events;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Behaviours;
using Npq.Application.Common.Errors;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Participants;
using Npq.Application.Statements;

namespace Npq.Application.Audit;

/// <summary>One event as the audit log shows it (CONTRACT B7). Events written without metadata read as actor <c>system</c>.</summary>
public sealed record AuditEvent(
    long Sequence,
    Guid StreamId,
    string StreamKind,
    long Version,
    string Type,
    DateTimeOffset Timestamp,
    string? Actor,
    string? ActorKind,
    string? TokenId,
    string? RequestId,
    string? TraceId,
    string? ClientRequestId,
    string? ClientTraceparent,
    string? Causation,
    object Data)
{
    public static AuditEvent From(IEvent e) => new(
        e.Sequence, e.StreamId, StreamKinds.Of(e.Data), e.Version, e.EventTypeName, e.Timestamp,
        // Automatic effects (the rejection of a person's other applications) are the system's doing.
        Header(e, AuditHeaders.CausedByApplication) is null ? Header(e, AuditHeaders.Actor) ?? "system" : "system",
        Header(e, AuditHeaders.ActorKind),
        Header(e, AuditHeaders.TokenId),
        e.CorrelationId, Header(e, AuditHeaders.TraceId), Header(e, AuditHeaders.ClientRequestId), Header(e, AuditHeaders.ClientTraceparent),
        e.CausationId, e.Data);

    private static string? Header(IEvent e, string key) =>
        e.Headers is { } headers && headers.TryGetValue(key, out var value) ? value switch
        {
            JsonElement { ValueKind: JsonValueKind.String } s => s.GetString(),
            null => null,
            _ => value.ToString(),
        } : null;
}

public static class StreamKinds
{
    public static string Of(object data) => data.GetType().Name switch
    {
        "ParticipantRegistered" or "ParticipantIdChanged" => "participant",
        var n when n.StartsWith("Statement", StringComparison.Ordinal) => "statement",
        var n when n.StartsWith("Declaration", StringComparison.Ordinal) || n is "ClawbackRequested" or "DeliveryPartnerChanged" or "OutcomeRecorded" => "declaration",
        _ => "npq_application",
    };
}

/// <summary>The global log in commit order, paged by sequence (B7).</summary>
public sealed record ListEvents(Caller Caller, long After, int Limit) : IQuery<IReadOnlyList<AuditEvent>>, IAuditorRequest;

public sealed class ListEventsHandler(IQuerySession session, Log.IAuditLog log) : IQueryHandler<ListEvents, IReadOnlyList<AuditEvent>>
{
    /// <summary>A gap younger than this may be a transaction still committing; older gaps are rolled-back sequence numbers.</summary>
    public static readonly TimeSpan GapSettleTime = TimeSpan.FromSeconds(10);

    public async ValueTask<IReadOnlyList<AuditEvent>> Handle(ListEvents query, CancellationToken cancellationToken)
    {
        var after = query.After;
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > after)
            .OrderBy(e => e.Sequence)
            .Take(query.Limit)
            .ToListAsync(cancellationToken);

        // Stable paging under concurrent writes: never hand out an event past a sequence number that
        // a transaction may still commit, or a reader paging forward would miss it. Below the sealer's
        // position every missing number is final (the daemon passes a number only once no transaction
        // holds it; ADR 0022); above it, a gap is waited for until the event after it is 10 s old.
        var now = (await session.QueryAsync<DateTimeOffset>("select now()", cancellationToken)).Single();
        var settled = await log.SealedThroughAsync(cancellationToken);
        var result = new List<AuditEvent>();
        var expected = after + 1;
        foreach (var e in events)
        {
            if (e.Sequence != expected && e.Sequence > settled + 1 && now - e.Timestamp < GapSettleTime)
                break;
            result.Add(AuditEvent.From(e));
            expected = e.Sequence + 1;
        }

        return result;
    }
}

/// <summary>One stream's full history.</summary>
public sealed record GetStreamHistory(Caller Caller, Guid StreamId) : IQuery<IReadOnlyList<AuditEvent>>, IAuditorRequest;

public sealed class GetStreamHistoryHandler(IQuerySession session) : IQueryHandler<GetStreamHistory, IReadOnlyList<AuditEvent>>
{
    public async ValueTask<IReadOnlyList<AuditEvent>> Handle(GetStreamHistory query, CancellationToken cancellationToken)
    {
        var events = await session.Events.FetchStreamAsync(query.StreamId, token: cancellationToken);
        if (events.Count == 0)
            throw new ResourceNotFoundException();
        return events.Select(AuditEvent.From).ToList();
    }
}

public enum AuditResource
{
    Application,
    Participant,
    Declaration,
    Statement,
}

/// <summary>A resource as it stood at a moment (or at one version of its stream), rebuilt from the log (B7).</summary>
public sealed record GetStateAsOf(Caller Caller, AuditResource Resource, Guid Id, DateTimeOffset? AsOf, long? Version)
    : IQuery<AsOfState>, IAuditorRequest;

public sealed record AsOfState(long Sequence, ApplicationView? Application, ParticipantResult? Participant, DeclarationView? Declaration, StatementView? Statement);

public sealed class GetStateAsOfHandler(IQuerySession session) : IQueryHandler<GetStateAsOf, AsOfState>
{
    public async ValueTask<AsOfState> Handle(GetStateAsOf query, CancellationToken cancellationToken)
    {
        var own = await session.Events.FetchStreamAsync(query.Id, token: cancellationToken);
        if (own.Count == 0 || !StartsAs(query.Resource, own[0].Data))
            throw new ResourceNotFoundException(); // unknown, or the stream of another kind of resource

        // The moment as a global sequence: the version's event, or the last event committed by then.
        long upTo;
        if (query.Version is { } version)
            upTo = own.FirstOrDefault(e => e.Version == version)?.Sequence ?? throw new ResourceNotFoundException();
        else if (query.AsOf is { } asOf)
            upTo = (await session.QueryAsync<long>(
                $"select coalesce(max(seq_id), 0) from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_events where timestamp <= ?",
                cancellationToken, asOf)).Single();
        else
            upTo = long.MaxValue;

        if (own[0].Sequence > upTo)
            throw new ResourceNotFoundException(); // it did not exist yet

        // The streams the resource's view reads: a person's view reads the person's and all their applications' streams.
        var streams = new HashSet<Guid> { query.Id };
        if (query.Resource is AuditResource.Application or AuditResource.Participant)
        {
            var participantId = query.Resource == AuditResource.Participant
                ? query.Id
                : (await session.LoadAsync<ApplicationView>(query.Id, cancellationToken))?.ParticipantId ?? query.Id;
            streams.Add(participantId);
            if (await session.LoadAsync<ParticipantView>(participantId, cancellationToken) is { } person)
                streams.UnionWith(person.ApplicationIds);
        }

        var ids = streams.ToList();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => ids.Contains(e.StreamId) && e.Sequence <= upTo)
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellationToken);
        var replay = new ReadModelReplay();
        foreach (var e in events)
            replay.Apply(e);

        var sequence = events.Count > 0 ? events[^1].Sequence : 0;
        // The id may name a stream of another kind of resource: that is a 404, as an unknown id is.
        return query.Resource switch
        {
            AuditResource.Application => new(sequence, Found(replay.Applications.SingleOrDefault(a => a.Id == query.Id)), null, null, null),
            AuditResource.Participant => new(sequence, null, new ParticipantResult(
                Found(replay.Participants.SingleOrDefault(p => p.Id == query.Id)),
                replay.Applications.Where(a => a.ParticipantId == query.Id && a.Status == Domain.NpqApplications.ApplicationStatus.Accepted).ToList()), null, null),
            AuditResource.Declaration => new(sequence, null, null, Found(replay.Declarations.SingleOrDefault(d => d.Id == query.Id)), null),
            _ => new(sequence, null, null, null, Found(replay.Statements.SingleOrDefault(s => s.Id == query.Id))),
        };
    }

    /// <summary>Whether a stream whose first event is <paramref name="first"/> holds that kind of resource.</summary>
    private static bool StartsAs(AuditResource resource, object first) => resource switch
    {
        AuditResource.Application => first is Domain.NpqApplications.ApplicationRegistered,
        AuditResource.Participant => first is Domain.Participants.ParticipantRegistered,
        AuditResource.Declaration => first is Domain.Declarations.DeclarationSubmitted,
        _ => first is Domain.Statements.StatementOpened,
    };

    private static T Found<T>(T? resource)
        where T : class => resource ?? throw new ResourceNotFoundException();
}
