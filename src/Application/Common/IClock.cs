namespace Npq.Application.Common;

/// <summary>
/// "Now" for the current request. In Sandbox and Development the <c>X-With-Server-Date</c> header
/// replaces it for one request (CONTRACT §4.8); elsewhere it is the system clock.
/// </summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }

    DateOnly Today => DateOnly.FromDateTime(UtcNow.UtcDateTime);
}
