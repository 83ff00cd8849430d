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
/// Memory: about 34 bytes a stream (its id, its parent, its first position, a slot of the hash table),
/// in flat arrays, not per event: 2,000,000 streams (1,000,000 applications) take about 80 MB with the
/// room the rebuild makes for them, so the rebuild stays within its heap limit (ADR 0028; a dictionary
/// and lists needed twice that while growing).
/// </summary>
public sealed class ConnectedPeople
{
    private Guid[] _ids;
    private int[] _parent;
    private long[] _first;
    private int[] _slots; // open addressing: node + 1, or 0 for an empty slot
    private int _count;

    /// <param name="expectedStreams">How many streams to make room for at once (a hint: the arrays grow past it).</param>
    public ConnectedPeople(int expectedStreams = 1024)
    {
        var capacity = Math.Max(16, expectedStreams);
        _ids = new Guid[capacity];
        _parent = new int[capacity];
        _first = new long[capacity];
        _slots = new int[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(capacity + capacity / 3))];
    }
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

    public int Streams => _count;

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
    /// batch of its own), in the order each group first appears in the log. This reorders the streams in
    /// place (sorted by their group's first position, so each group is one run), so it is called once;
    /// the batches are slices of one array, not copies.
    /// </summary>
    public IReadOnlyList<ArraySegment<Guid>> Batches(int maxStreams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreams, 1);
        _slots = []; // no more streams: the hash table's memory goes to the keys
        var keys = new long[_count];
        for (var i = 0; i < _count; i++)
            keys[i] = _first[Find(i)]; // a group's first position is its own: one event starts one group
        (_parent, _first) = ([], []);
        Array.Sort(keys, _ids, 0, _count);

        var batches = new List<ArraySegment<Guid>>();
        var (start, group) = (0, 0);
        while (group < _count)
        {
            var end = group;
            while (end < _count && keys[end] == keys[group])
                end++;
            if (group > start && end - start > maxStreams)
            {
                batches.Add(new ArraySegment<Guid>(_ids, start, group - start));
                start = group;
            }

            group = end;
        }

        if (_count > start)
            batches.Add(new ArraySegment<Guid>(_ids, start, _count - start));
        return batches;
    }

    private int Node(Guid id, long sequence)
    {
        var mask = _slots.Length - 1;
        var slot = id.GetHashCode() & mask;
        while (_slots[slot] != 0)
        {
            if (_ids[_slots[slot] - 1] == id)
                return _slots[slot] - 1;
            slot = (slot + 1) & mask;
        }

        if (_count == _ids.Length)
        {
            // By half, not double: at two million streams a doubling alone would need 100 MB at once.
            var grown = _count + _count / 2;
            Array.Resize(ref _ids, grown);
            Array.Resize(ref _parent, grown);
            Array.Resize(ref _first, grown);
        }

        var node = _count++;
        (_ids[node], _parent[node], _first[node]) = (id, node, sequence);
        _slots[slot] = node + 1;
        if (_count > _slots.Length / 4 * 3) // at most three quarters full
            Rehash();
        return node;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        var mask = _slots.Length - 1;
        for (var node = 0; node < _count; node++)
        {
            var slot = _ids[node].GetHashCode() & mask;
            while (_slots[slot] != 0)
                slot = (slot + 1) & mask;
            _slots[slot] = node + 1;
        }
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
