using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Weasel.Core;
using Npq.Application.Audit;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Application.Statements;

namespace Npq.Infrastructure.Audit;

/// <summary>
/// <c>projections verify</c> and <c>projections rebuild</c> (CONTRACT B7, ADR 0012): replay the whole
/// event log through the same appliers the inline projections use, then compare each read model with
/// the live documents by a digest over their JSON (or replace the live documents with the replay).
/// </summary>
public sealed class ProjectionVerifier(IDocumentStore store)
{
    public sealed record ModelReport(string Name, int Live, int Replayed, string LiveDigest, string ReplayedDigest, IReadOnlyList<string> Divergent)
    {
        public bool Matches => LiveDigest == ReplayedDigest;
    }

    public sealed record Report(long Events, double Seconds, double EventsPerSecond, IReadOnlyList<ModelReport> ReadModels)
    {
        public bool Ok => ReadModels.All(m => m.Matches);
    }

    public async Task<(ReadModelReplay Replay, long Events, double Seconds)> ReplayAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var replay = new ReadModelReplay();
        long last = 0, count = 0;
        await using var session = store.QuerySession();
        while (true)
        {
            var after = last;
            var batch = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(20_000).ToListAsync(cancellationToken);
            if (batch.Count == 0)
                break;
            foreach (var e in batch)
                replay.Apply(e.StreamId, e.Data);
            last = batch[^1].Sequence;
            count += batch.Count;
        }

        return (replay, count, watch.Elapsed.TotalSeconds);
    }

    public async Task<Report> VerifyAsync(CancellationToken cancellationToken)
    {
        var (replay, events, seconds) = await ReplayAsync(cancellationToken);
        await using var session = store.QuerySession();
        var models = new List<ModelReport>
        {
            Compare("participants", await session.Query<ParticipantView>().ToListAsync(cancellationToken), replay.Participants, p => p.Id),
            Compare("npq_applications", await session.Query<ApplicationView>().ToListAsync(cancellationToken), replay.Applications, a => a.Id),
            Compare("participant_declarations", await session.Query<DeclarationView>().ToListAsync(cancellationToken), replay.Declarations, d => d.Id),
            Compare("participant_outcomes", await session.Query<OutcomeView>().ToListAsync(cancellationToken), replay.Outcomes, o => o.Id),
            Compare("statements", await session.Query<StatementView>().ToListAsync(cancellationToken), replay.Statements, s => s.Id),
        };
        return new Report(events, seconds, seconds > 0 ? events / seconds : events, models);
    }

    /// <summary>
    /// Replaces every read model by replaying the log through the same projections that keep them
    /// inline, run by Marten's projection daemon: it reads the events in order, in pages, and applies
    /// each page with the projection's own code, so memory does not grow with the log (ADR 0017).
    /// Run it with the API stopped: meanwhile the read models are incomplete. Compare with
    /// <see cref="VerifyAsync"/> afterwards.
    /// </summary>
    public async Task<Report> RebuildAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        foreach (var type in new[] { typeof(ParticipantView), typeof(ApplicationView), typeof(DeclarationView), typeof(OutcomeView), typeof(StatementView) })
            await store.Advanced.Clean.DeleteDocumentsByTypeAsync(type, cancellationToken);

        using var daemon = await store.BuildProjectionDaemonAsync();
        foreach (var projection in new[] { nameof(ParticipantApplicationsProjection), nameof(DeclarationViewProjection), nameof(StatementViewProjection) })
            await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(30), cancellationToken);

        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().LongCountAsync(cancellationToken);
        var seconds = watch.Elapsed.TotalSeconds;
        var models = new List<ModelReport>
        {
            await CountAsync<ParticipantView>(session, "participants", cancellationToken),
            await CountAsync<ApplicationView>(session, "npq_applications", cancellationToken),
            await CountAsync<DeclarationView>(session, "participant_declarations", cancellationToken),
            await CountAsync<OutcomeView>(session, "participant_outcomes", cancellationToken),
            await CountAsync<StatementView>(session, "statements", cancellationToken),
        };
        return new Report(events, seconds, seconds > 0 ? events / seconds : events, models);
    }

    private static async Task<ModelReport> CountAsync<T>(IQuerySession session, string name, CancellationToken cancellationToken)
        where T : notnull
    {
        var count = await session.Query<T>().CountAsync(cancellationToken);
        return new ModelReport(name, count, count, "rebuilt", "rebuilt", []);
    }

    private ModelReport Compare<T>(string name, IReadOnlyCollection<T> live, IReadOnlyCollection<T> replayed, Func<T, Guid> id)
    {
        var serializer = store.Options.Serializer();
        Dictionary<Guid, string> Json(IEnumerable<T> docs) => docs.ToDictionary(id, d => serializer.ToJson(d!));
        var liveJson = Json(live);
        var replayedJson = Json(replayed);
        var divergent = liveJson.Keys.Union(replayedJson.Keys)
            .Where(k => liveJson.GetValueOrDefault(k) != replayedJson.GetValueOrDefault(k))
            .Order().Take(20).Select(k => k.ToString()).ToList();
        return new ModelReport(name, live.Count, replayed.Count, Digest(liveJson), Digest(replayedJson), divergent);
    }

    private static string Digest(Dictionary<Guid, string> docs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, json) in docs.OrderBy(kv => kv.Key))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key.ToString()));
            hash.AppendData(Encoding.UTF8.GetBytes(json));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
