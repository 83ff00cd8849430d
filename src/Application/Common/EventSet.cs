namespace Npq.Application.Common;

/// <summary>
/// The event types that change one kind of resource: the one list a projection includes, "state as
/// of" replays, the change feed follows and Marten registers. Each module keeps its own, on its
/// projection (<c>…Projection.Events</c>).
/// </summary>
public sealed class EventSet
{
    private readonly HashSet<Type> _types;

    public EventSet(params Type[] types)
    {
        Types = types;
        _types = [.. types];
    }

    public IReadOnlyList<Type> Types { get; }

    public bool Contains(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return _types.Contains(data.GetType());
    }
}
