using System.Data.Common;
using System.Runtime.CompilerServices;
using Marten;
using Marten.Linq;

using Npq.Application.Common;

namespace Npq.Infrastructure.Persistence;

/// <summary><see cref="IStoredJsonReader"/> over Marten's own command for the query, read with a data reader.</summary>
public sealed class StoredJsonReader : IStoredJsonReader
{
    public async IAsyncEnumerable<byte[]> Rows<T>(
        IQuerySession session, IQueryable<T> query, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : notnull
    {
        await using var command = query.ToCommand(FetchType.FetchMany);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        var data = DataColumn(reader);
        while (await reader.ReadAsync(cancellationToken))
            yield return await reader.GetFieldValueAsync<byte[]>(data, cancellationToken);
    }

    private static int DataColumn(DbDataReader reader)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (reader.GetName(i) == "data")
                return i;
        }

        throw new InvalidOperationException("Marten's query selects no 'data' column");
    }
}
