using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npq.Infrastructure.Health;

namespace Npq.Infrastructure.Persistence.Schema;

/// <summary>
/// Whether the database has the schema this version of the code needs (ADR 0030). Where the process applies
/// the schema itself at start (<c>Npq:Schema:ApplyOnStart</c>, true outside Production) there is nothing to
/// watch. Otherwise the database is compared with the code at start and every 15 seconds until they match:
/// until then readiness fails with the first difference and what to run, so a process of a new version
/// deployed before its migration waits out of the balancer instead of failing on its first request.
/// </summary>
public sealed class SchemaWatcher(IServiceProvider services, IConfiguration configuration, ILogger<SchemaWatcher> logger) : BackgroundService
{
    public const string CheckName = "schema-version";

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private volatile ReadinessProbe.Check _check = new(CheckName, false, "not yet compared with the code");

    /// <summary>Whether this process applies the schema at start (development, tests, the sandbox) or leaves it to <c>schema apply</c>.</summary>
    public static bool ApplyOnStart(IConfiguration configuration) => configuration.GetValue("Npq:Schema:ApplyOnStart", true);

    /// <summary>The latest comparison, as a readiness check.</summary>
    public ReadinessProbe.Check Check => _check;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ApplyOnStart(configuration))
        {
            _check = new ReadinessProbe.Check(CheckName, true, "applied by this process at start (Npq:Schema:ApplyOnStart)");
            return;
        }

        string? reported = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var differences = await DatabaseSchema.DifferencesAsync(services, stoppingToken);
                if (differences.Count == 0)
                {
                    _check = new ReadinessProbe.Check(CheckName, true, "the database matches this version");
                    if (reported is not null)
                        logger.LogInformation("The database now matches this version's schema");
                    return;
                }

                var first = differences[0];
                var detail = $"the database is behind this version: {differences.Count} difference(s), the first {first.SchemaObject} ({first.Change}); run 'schema apply' (docs/operations.md#schema-changes)";
                _check = new ReadinessProbe.Check(CheckName, false, detail);
                if (detail != reported)
                    logger.LogError("Not ready: {Detail}", detail);
                reported = detail;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                _check = new ReadinessProbe.Check(CheckName, false, $"not compared with the code: {exception.GetType().Name}");
            }

            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
