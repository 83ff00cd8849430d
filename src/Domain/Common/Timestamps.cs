namespace Npq.Domain.Common;

/// <summary>Turning parsed date-time parts into an instant without ever throwing (issue 14).</summary>
public static class Timestamps
{
    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    /// <summary>
    /// The UTC instant of <paramref name="local"/> at <paramref name="offset"/>, or null when the offset
    /// is beyond ±14:00, is not whole minutes, or the instant falls outside the years 1 to 9999.
    /// </summary>
    public static DateTimeOffset? AtOffset(DateTime local, TimeSpan offset)
    {
        if (offset.Duration() > MaxOffset || offset.Ticks % TimeSpan.TicksPerMinute != 0)
            return null;
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
            return null;
        return new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }
}
