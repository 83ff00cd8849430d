using System.Runtime.CompilerServices;
using Marten;
using Npq.Application.Participants;

namespace Npq.Application.NpqApplications;

/// <summary>
/// The person views the inline projection wrote in a session's last save, so that a handler answers
/// with them instead of reading them back (issue 27: one round trip fewer per write). Marten runs the
/// inline projection with the session itself; where it does not (another session type), nothing is
/// recorded and the view is read back as before. Kept per session object and let go with it.
/// </summary>
public static class ProjectedViews
{
    private static readonly ConditionalWeakTable<object, Written> BySession = [];

    private sealed class Written
    {
        public Dictionary<Guid, ParticipantView> Participants { get; } = [];

        public Dictionary<Guid, ApplicationView> Applications { get; } = [];
    }

    /// <summary>Called by <see cref="ParticipantApplicationsProjection"/> with what it stores.</summary>
    internal static void Record(IDocumentOperations operations, IEnumerable<ParticipantView> participants, IEnumerable<ApplicationView> applications)
    {
        var written = BySession.GetOrCreateValue(operations);
        foreach (var participant in participants)
            written.Participants[participant.Id] = participant;
        foreach (var application in applications)
            written.Applications[application.Id] = application;
    }

    /// <summary>The application's view as this session's save wrote it, or as stored.</summary>
    public static async Task<ApplicationView?> SavedApplicationAsync(this IDocumentSession session, Guid id, CancellationToken cancellationToken) =>
        BySession.TryGetValue(session, out var written) && written.Applications.TryGetValue(id, out var view)
            ? view
            : await session.LoadAsync<ApplicationView>(id, cancellationToken);

    /// <summary>The participant's view as this session's save wrote it, or as stored.</summary>
    public static async Task<ParticipantView?> SavedParticipantAsync(this IDocumentSession session, Guid id, CancellationToken cancellationToken) =>
        BySession.TryGetValue(session, out var written) && written.Participants.TryGetValue(id, out var view)
            ? view
            : await session.LoadAsync<ParticipantView>(id, cancellationToken);
}
