using System.Data.Common;
using JasperFx;
using JasperFx.Events;

namespace Npq.Application.Common;

/// <summary>
/// Recognises the database's refusals that keep invariants under concurrency: an expected stream
/// version that moved, or a reservation document whose key is already taken.
/// </summary>
public static class WriteConflicts
{
    /// <summary>SQLSTATE 23505, as every ADO.NET provider reports it.</summary>
    private const string UniqueViolation = "23505";

    public static bool IsConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DocumentAlreadyExistsException or EventStreamUnexpectedMaxEventIdException or ConcurrencyException
                || e is DbException { SqlState: UniqueViolation })
            {
                return true;
            }
        }

        return false;
    }
}
