using Npq.Application.Common;

namespace Npq.Infrastructure.Time;

/// <summary>
/// The request's clock: the system time, unless the HTTP edge set an override from
/// <c>X-With-Server-Date</c> (Sandbox and Development only). One instance per request scope.
/// </summary>
public sealed class RequestClock(TimeProvider time) : IClock
{
    public DateTimeOffset? Override { get; set; }

    public DateTimeOffset UtcNow => Override ?? time.GetUtcNow();
}
