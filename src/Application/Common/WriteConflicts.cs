using System.Data.Common;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npq.Application.Common.Errors;

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

    /// <summary>
    /// Commits the session; a conflict (a race the handler's rules already describe) becomes the
    /// contract's 422 with <paramref name="title"/> and <paramref name="detail"/>. The transaction
    /// rolled back whole, so nothing of the request was written.
    /// </summary>
    public static async Task SaveChangesOrRefuseAsync(this IDocumentSession session, string title, string detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception) when (IsConflict(exception))
        {
            throw new RuleViolationException(title, detail);
        }
    }
}
