using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Npq.Application.Common.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Npq.Api.Telemetry;

/// <summary>
/// OpenTelemetry for the people who run the service (issue 17, ADR 0021): traces and metrics of
/// ASP.NET Core, HttpClient, Npgsql, Marten, Wolverine, the runtime and the service's own
/// (<see cref="NpqTelemetry"/>); a Prometheus scrape endpoint at <c>/metrics</c>; OTLP export when the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. <c>Npq:Telemetry:Enabled=false</c> turns it all
/// off (the benchmark's baseline); <c>Npq:Metrics:Port</c> moves <c>/metrics</c> to a port of its own.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";
    public const string ServiceName = "npq-lead-provider-api";

    /// <summary>The sources and meters of the libraries the service runs on.</summary>
    private static readonly string[] LibrarySources = ["Marten", "Wolverine", "Npgsql"];

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Npq:Telemetry:Enabled", true);

    /// <summary>The port <c>/metrics</c> is served on alone, when one is configured.</summary>
    public static int? MetricsPort(IConfiguration configuration) =>
        int.TryParse(configuration["Npq:Metrics:Port"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;

    public static WebApplicationBuilder AddNpqTelemetry(this WebApplicationBuilder builder)
    {
        // Every log line written inside a request carries its W3C trace and span ids (as scopes).
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (!Enabled(builder.Configuration))
            return builder;

        if (MetricsPort(builder.Configuration) is { } port)
        {
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { Length: > 0 } configured ? configured : "http://localhost:5000";
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries), $"http://0.0.0.0:{port}"]);
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing
                .AddSource(NpqTelemetry.Name)
                .AddSource(LibrarySources)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsMetricsRequest(context))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(NpqTelemetry.Name)
                .AddMeter(LibrarySources)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (otlp)
            telemetry.UseOtlpExporter(); // reads the standard OTEL_EXPORTER_OTLP_* variables
        return builder;
    }

    private static bool IsMetricsRequest(HttpContext context) => context.Request.Path.Equals(MetricsPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The scrape endpoint, ahead of everything else (no limiter, no database): on the main port, or,
    /// when <c>Npq:Metrics:Port</c> is set, on that port only, which answers nothing else.
    /// </summary>
    public static WebApplication UseNpqMetricsEndpoint(this WebApplication app)
    {
        if (!Enabled(app.Configuration))
            return app;
        var port = MetricsPort(app.Configuration);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            IsMetricsRequest(context) && (port is null || context.Connection.LocalPort == port));
        if (port is { } only)
        {
            app.Use(async (context, next) =>
            {
                if (context.Connection.LocalPort == only)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                await next(context);
            });
        }

        return app;
    }
}
