using JasperFx;
using JasperFx.Events;
using Npgsql;

namespace Npq.Application.Common;

/// <summary>
/// Recognises the database's refusals that keep invariants under concurrency: an expected stream
/// version that moved, or a reservation document whose key is already taken.
/// </summary>
public static class WriteConflicts
{
    public static bool IsConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DocumentAlreadyExistsException or EventStreamUnexpectedMaxEventIdException or ConcurrencyException
                || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return true;
            }
        }

        return false;
    }
}
