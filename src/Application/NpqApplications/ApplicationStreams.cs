using JasperFx.Events;
using Marten;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Domain.NpqApplications;

namespace Npq.Application.NpqApplications;

/// <summary>Reading and writing one application's stream with its expected version.</summary>
public static class ApplicationStreams
{
    /// <summary>
    /// The caller's application for writing: 404 when it is unknown or another provider's; then the
    /// person's lock, so what the handler reads next cannot change under it (ADR 0002); then, in one
    /// round trip, the view read again under the lock and the stream fetched for writing.
    /// </summary>
    public static async Task<(ApplicationView View, IEventStream<NpqApplication> Stream)> LoadOwnedForWritingAsync(
        this IDocumentSession session, IWriteLocks locks, Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<ApplicationView>(id, cancellationToken);
        if (view is null || view.LeadProviderId != caller.ProviderId)
            throw new ResourceNotFoundException();
        await locks.LockParticipantAsync(session, view.ParticipantId, cancellationToken);

        // Read again under the lock: a transfer to another provider (or a move to another person) may
        // have committed while this request waited, and nothing may be done to what the caller no
        // longer owns (issue 14).
        var batch = session.CreateBatchQuery();
        var reread = batch.Load<ApplicationView>(id);
        var fetched = batch.Events.FetchForWriting<NpqApplication>(id);
        await batch.Execute(cancellationToken);
        var current = await reread;
        if (current is null || current.LeadProviderId != caller.ProviderId || current.ParticipantId != view.ParticipantId)
            throw new ResourceNotFoundException();
        var stream = await fetched;
        return stream.Aggregate is null ? throw new InvalidOperationException($"Application stream {id} has no registration.") : (current, stream);
    }

    /// <summary>
    /// The application's stream for writing (Marten's <c>FetchForWriting</c>): its state built by
    /// <see cref="NpqApplication"/>'s own <c>Create</c>/<c>Apply</c>, and the version it was read at, so
    /// that a concurrent writer makes the commit fail.
    /// </summary>
    public static async Task<IEventStream<NpqApplication>> FetchApplicationAsync(this IDocumentSession session, Guid id, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForWriting<NpqApplication>(id, cancellationToken);
        return stream.Aggregate is null ? throw new InvalidOperationException($"Application stream {id} has no registration.") : stream;
    }

    /// <summary>The state of an application stream fetched for writing (never null: see <see cref="FetchApplicationAsync"/>).</summary>
    public static NpqApplication State(this IEventStream<NpqApplication> stream) => stream.Aggregate!;
}
