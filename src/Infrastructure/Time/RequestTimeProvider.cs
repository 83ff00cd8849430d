namespace Npq.Infrastructure.Time;

/// <summary>
/// The service's <see cref="TimeProvider"/>: the system clock, except in an async flow that has set
/// <see cref="Use"/> (the HTTP edge for <c>X-With-Server-Date</c> in Sandbox and Development, CONTRACT
/// §4.8; the seeder for "as of" scenarios). Registered as the one <see cref="TimeProvider"/>.
/// </summary>
public sealed class RequestTimeProvider : TimeProvider
{
    private static readonly AsyncLocal<DateTimeOffset?> Override = new();

    public override DateTimeOffset GetUtcNow() => Override.Value ?? System.GetUtcNow();

    /// <summary>"Now" is <paramref name="at"/> for the rest of the current async flow (until disposed).</summary>
    public static IDisposable Use(DateTimeOffset at)
    {
        var before = Override.Value;
        Override.Value = at.ToUniversalTime();
        return new Restore(before);
    }

    private sealed class Restore(DateTimeOffset? before) : IDisposable
    {
        public void Dispose() => Override.Value = before;
    }
}

/// <summary>
/// The machine's clock, for what must never follow a request's <c>X-With-Server-Date</c>: token
/// creation and revocation times, usage records, cache ages, key storage. Inject it with
/// <c>[FromKeyedServices(SystemTime.Key)] TimeProvider</c>.
/// </summary>
public static class SystemTime
{
    public const string Key = "system";
}
