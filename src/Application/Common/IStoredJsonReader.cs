using Marten;

namespace Npq.Application.Common;

/// <summary>
/// Reads the stored JSON of the documents a Marten query selects, row by row, without building a
/// document per row (issue 13: a page's cost per row stays close to the bare query's). The query is
/// Marten's own (same SQL, same indexes); only the reading differs. Implemented in Infrastructure.
/// </summary>
public interface IStoredJsonReader
{
    /// <summary>
    /// The <c>data</c> column of each row, in the query's order. The SQL runs on the first
    /// <c>MoveNextAsync</c>, so a caller can learn of a failure before it starts a response.
    /// </summary>
    IAsyncEnumerable<byte[]> Rows<T>(IQuerySession session, IQueryable<T> query, CancellationToken cancellationToken)
        where T : notnull;
}
