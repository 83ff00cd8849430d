using System.Globalization;
using Npq.Application.Common.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Npq.Api.Telemetry;

/// <summary>
/// OpenTelemetry for the people who run the service (issue 17, ADR 0021): traces and metrics of
/// ASP.NET Core, HttpClient, Npgsql, Marten, Wolverine, the runtime and the service's own
/// (<see cref="NpqTelemetry"/>); a Prometheus scrape endpoint at <c>/metrics</c>, only ever on a port
/// of its own (issue 24: its labels name providers), never on the API's; OTLP export when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. <c>Npq:Telemetry:Enabled=false</c> turns it all off (the
/// benchmark's baseline).
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";
    public const string ServiceName = "npq-lead-provider-api";

    /// <summary>The sources and meters of the libraries the service runs on.</summary>
    private static readonly string[] LibrarySources = ["Marten", "Wolverine", "Npgsql"];

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Npq:Telemetry:Enabled", true);

    /// <summary>
    /// The port <c>/metrics</c> is served on, alone: <c>Npq:Metrics:Port</c>, a number, or <c>auto</c> (a
    /// free port chosen at start and logged: Development and Sandbox, so checkouts and test servers side
    /// by side do not collide), or <c>off</c> (no scrape endpoint). Unset: 9464 in Production, <c>auto</c>
    /// elsewhere. Never the API's port.
    /// </summary>
    public static int? MetricsPort(IConfiguration configuration) =>
        int.TryParse(configuration["Npq:Metrics:Port"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;

    /// <summary>The interface the metrics port listens on: <c>Npq:Metrics:Address</c>, loopback unless set.</summary>
    public static string MetricsAddress(IConfiguration configuration) =>
        configuration["Npq:Metrics:Address"] is { Length: > 0 } address ? address : "127.0.0.1";

    /// <summary>Resolves <c>auto</c> and the default once, into the configuration, so every reader sees the same port.</summary>
    private static void ChooseMetricsPort(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration["Npq:Metrics:Port"];
        configured ??= builder.Environment.IsProduction() ? "9464" : "auto";
        if (string.Equals(configured, "auto", StringComparison.OrdinalIgnoreCase))
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse(MetricsAddress(builder.Configuration)), 0);
            probe.Start();
            configured = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
            probe.Stop();
        }

        builder.Configuration["Npq:Metrics:Port"] = configured;
    }

    public static WebApplicationBuilder AddNpqTelemetry(this WebApplicationBuilder builder)
    {
        // Every log line written inside a request carries its W3C trace and span ids (as scopes).
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (!Enabled(builder.Configuration))
            return builder;

        // A client's traceparent is its own, not the server's (issue 24): every request starts a trace of
        // the server's unless an operator trusts what arrives (a gateway of its own that sends it).
        if (!builder.Configuration.GetValue("Npq:Telemetry:TrustIncomingTraceparent", false))
        {
            builder.Services.AddSingleton<System.Diagnostics.DistributedContextPropagator>(new OutboundOnlyPropagator());
            OpenTelemetry.Sdk.SetDefaultTextMapPropagator(new OpenTelemetry.Context.Propagation.TraceContextPropagator());
        }

        ChooseMetricsPort(builder);
        if (MetricsPort(builder.Configuration) is { } port)
        {
            // The API's own addresses as ASP.NET would choose them (URLS, else HTTP_PORTS, else its default), plus the metrics port.
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { Length: > 0 } configured ? configured
                : builder.WebHost.GetSetting("HTTP_PORTS") is { Length: > 0 } ports ? string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => $"http://*:{p.Trim()}"))
                : "http://localhost:5000";
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries), $"http://{MetricsAddress(builder.Configuration)}:{port}"]);
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
    /// The scrape endpoint, ahead of the limiter and the database (docs/architecture.md, "The request pipeline"), on its own port only;
    /// that port answers nothing else, and the API's ports do not answer <c>/metrics</c>.
    /// </summary>
    public static WebApplication UseNpqMetricsEndpoint(this WebApplication app)
    {
        if (!Enabled(app.Configuration))
            return app;
        var port = MetricsPort(app.Configuration);
        if (port is { } chosen)
            app.Logger.LogInformation("Metrics for Prometheus: http://{Address}:{Port}/metrics", MetricsAddress(app.Configuration), chosen);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            IsMetricsRequest(context) && port is { } only && context.Connection.LocalPort == only);
        if (port is { } metricsOnly)
        {
            app.Use(async (context, next) =>
            {
                if (context.Connection.LocalPort == metricsOnly) // health checks answered before this (HealthProbes)
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

/// <summary>Writes the server's trace context on outgoing calls; reads none from incoming requests.</summary>
internal sealed class OutboundOnlyPropagator : System.Diagnostics.DistributedContextPropagator
{
    private readonly System.Diagnostics.DistributedContextPropagator _inner = CreateDefaultPropagator();

    public override IReadOnlyCollection<string> Fields => _inner.Fields;

    public override void Inject(System.Diagnostics.Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        _inner.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
