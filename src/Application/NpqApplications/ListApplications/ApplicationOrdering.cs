using System.Linq.Expressions;
using Npq.Application.Common;

namespace Npq.Application.NpqApplications.ListApplications;

/// <summary>
/// <c>sort</c> for applications (CONTRACT §1.8, B2): known fields in the order given, unknown
/// ones ignored, <c>created_at</c> ascending when none is left, always ending on the id so the order
/// is total and paging is stable.
/// </summary>
public static class ApplicationOrdering
{
    private static readonly Dictionary<string, Expression<Func<ApplicationView, DateTimeOffset>>> Fields = new(StringComparer.Ordinal)
    {
        ["created_at"] = a => a.CreatedAt,
        ["updated_at"] = a => a.UpdatedAt,
    };

    public static IReadOnlyCollection<string> KnownFields => Fields.Keys;

    public static IOrderedQueryable<ApplicationView> Apply(IQueryable<ApplicationView> query, IReadOnlyList<SortField> sort)
    {
        var known = sort.Where(s => Fields.ContainsKey(s.Field)).ToList();
        if (known.Count == 0)
            known = [new SortField("created_at", false)];

        IOrderedQueryable<ApplicationView>? ordered = null;
        foreach (var (field, descending) in known)
        {
            var key = Fields[field];
            ordered = ordered is null
                ? descending ? query.OrderByDescending(key) : query.OrderBy(key)
                : descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        }

        return ordered!.ThenBy(a => a.Id);
    }
}
