namespace Npq.Application.Common;

public static class TimeProviderExtensions
{
    /// <summary>Today's date in UTC.</summary>
    public static DateOnly Today(this TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
