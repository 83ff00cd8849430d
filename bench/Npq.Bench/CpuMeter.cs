using System.Globalization;

namespace Npq.Bench;

/// <summary>
/// CPU seconds (user + system, from <c>/proc/&lt;pid&gt;/stat</c>) of one process, and of every PostgreSQL
/// process on the machine together: where a request's time goes beside the bare SQL's. A backend that
/// exits between two samples takes its time with it, so measure over pooled connections only.
/// </summary>
public static class CpuMeter
{
    public readonly record struct Sample(double Process, double Database);

    public static Sample Take(int pid) => new(Seconds(pid), Database());

    /// <summary>Fields 14 and 15 of stat (utime, stime, in clock ticks of 1/100 s), counted after the command name's closing parenthesis.</summary>
    public static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0; // the process ended meanwhile
        }
    }

    private static double Database()
    {
        var total = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (!int.TryParse(name, out var pid))
                continue;
            try
            {
                if (File.ReadAllText($"{directory}/comm").Trim() == "postgres")
                    total += Seconds(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return total;
    }
}
