using Npgsql;

namespace Npq.Infrastructure.Persistence;

/// <summary>What PostgreSQL's failures mean to a caller, so that no other layer matches SQL states.</summary>
public static class DatabaseFailures
{
    /// <summary>
    /// A statement or lock that hit its timeout (57014, 55P03), a server shutting down or starting
    /// (57P01, 57P03), or a database that cannot be reached: the transaction rolled back, so a retry
    /// is safe (a 503 with <c>Retry-After</c>).
    /// </summary>
    public static bool IsBusyOrUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow })
                return true;
            if (e is NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException or IOException })
                return true;
        }

        return false;
    }
}
