using System.Runtime.CompilerServices;
using Npq.Application.NpqApplications;

namespace Npq.Application.Audit;

/// <summary>
/// Splits the person streams (participants and their applications) into groups that no event
/// crosses, for the bulk rebuild (ADR 0028): an event joins its own stream to every participant it
/// names (<see cref="ParticipantApplicationsProjector.ParticipantsOf"/>), so a merge or a moved
/// application joins two people into one group. Folding each group's events in log order, group by
/// group, gives the same views as folding the whole log in order, because no event reads or writes a
/// view outside its group. Joining too much is harmless (a group is only bigger); the groups are
/// never too small, since the projector loads exactly these participants for an event.
/// Memory: one entry per stream (about 40 bytes), not per event.
/// </summary>
public sealed class ConnectedPeople
{
    private readonly Dictionary<Guid, int> _index = [];
    private readonly List<Guid> _streams = [];
    private readonly List<int> _parent = [];
    private readonly List<long> _first = [];

    /// <summary>
    /// The person event types that name participants (found by asking
    /// <see cref="ParticipantApplicationsProjector.ParticipantsOf"/> about an empty instance of each type,
    /// so the list cannot drift from the projector).
    /// </summary>
    public static IReadOnlySet<Type> LinkingTypes { get; } = ParticipantApplicationsProjector.Events.Types
        .Where(type => ParticipantApplicationsProjector.ParticipantsOf(RuntimeHelpers.GetUninitializedObject(type)).Any())
        .ToHashSet();

    /// <summary>
    /// The properties through which those events name participants: every <see cref="Guid"/> property
    /// of theirs whose name ends in <c>ParticipantId</c>. The rebuild reads these from the stored JSON
    /// in SQL instead of deserialising each event; a unit test checks that they give exactly what
    /// <see cref="ParticipantApplicationsProjector.ParticipantsOf"/> gives.
    /// </summary>
    public static IReadOnlyList<string> LinkingProperties { get; } = LinkingTypes
        .SelectMany(type => type.GetProperties())
        .Where(p => p.PropertyType == typeof(Guid) && p.Name.EndsWith("ParticipantId", StringComparison.Ordinal))
        .Select(p => p.Name)
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    public int Streams => _streams.Count;

    /// <summary>The events recorded: the bulk rebuild checks that it folded exactly as many.</summary>
    public long Events { get; private set; }

    /// <summary>Records one person event: its stream, its position in the log, and the participants it names (joined to the stream's group).</summary>
    public void Add(long sequence, Guid streamId, IEnumerable<Guid> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        Events++;
        var stream = Node(streamId, sequence);
        foreach (var participant in participants)
            Union(stream, Node(participant, sequence));
    }

    /// <summary>
    /// The groups packed into batches of at most <paramref name="maxStreams"/> streams (a larger group is a
    /// batch of its own), in the order each group first appears in the log.
    /// </summary>
    public IEnumerable<IReadOnlyList<Guid>> Batches(int maxStreams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreams, 1);
        var members = new Dictionary<int, List<int>>();
        for (var i = 0; i < _streams.Count; i++)
        {
            var root = Find(i);
            if (!members.TryGetValue(root, out var list))
                members[root] = list = [];
            list.Add(i);
        }

        var batch = new List<Guid>();
        foreach (var (_, group) in members.OrderBy(m => _first[m.Key]))
        {
            if (batch.Count > 0 && batch.Count + group.Count > maxStreams)
            {
                yield return batch;
                batch = [];
            }

            batch.AddRange(group.Select(i => _streams[i]));
        }

        if (batch.Count > 0)
            yield return batch;
    }

    private int Node(Guid id, long sequence)
    {
        if (_index.TryGetValue(id, out var node))
            return node;
        node = _streams.Count;
        _index[id] = node;
        _streams.Add(id);
        _parent.Add(node);
        _first.Add(sequence);
        return node;
    }

    private int Find(int node)
    {
        var root = node;
        while (_parent[root] != root)
            root = _parent[root];
        while (_parent[node] != root)
        {
            var next = _parent[node];
            _parent[node] = root;
            node = next;
        }

        return root;
    }

    /// <summary>Joins two groups; the root kept is the one that appeared first, so it carries the group's first position.</summary>
    private void Union(int a, int b)
    {
        var (x, y) = (Find(a), Find(b));
        if (x == y)
            return;
        if (_first[y] < _first[x])
            (x, y) = (y, x);
        _parent[y] = x;
    }
}
