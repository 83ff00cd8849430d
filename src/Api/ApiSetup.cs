using Microsoft.AspNetCore.HttpOverrides;
using Asp.Versioning;
using Microsoft.AspNetCore.Authentication;
using Npq.Api.Authentication;
using Npq.Api.Errors;
using Npq.Api.Guidance;
using Npq.Api.Health;
using Npq.Api.Pages;
using Npq.Api.Http;
using Npq.Api.OpenApi;
using Npq.Api.Telemetry;
using Npq.Application.Common.Behaviours;
using Npq.Application.Registration.RegisterApplication;
using Npq.Infrastructure;
using Npq.Infrastructure.Seed;
using Wolverine;

namespace Npq.Api;

/// <summary>Composition of the web host: the same for the server, the commands and the tests.</summary>
public static class ApiSetup
{
    public static WebApplicationBuilder AddNpq(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // No request body the service reads is larger than this: Kestrel refuses the rest with 413
        // before buffering it (JsonApiInputFormatter checks the same limit for hosts without Kestrel, such as tests).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Http.JsonApiInputFormatter.MaxBodyBytes);
        builder.AddNpqTelemetry();
        builder.Logging.AddFilter("Marten", LogLevel.Warning);
        builder.Logging.AddFilter("Wolverine", LogLevel.Warning);
        builder.Logging.AddFilter("JasperFx", LogLevel.Warning);
        builder.Logging.AddFilter("Weasel", LogLevel.Warning);
        // ASP.NET's line for every failed authentication: a flood of made-up tokens would be a flood of
        // lines (issue 24). Refusals are counted in the metrics (npq.requests by status) instead.
        builder.Logging.AddFilter(typeof(TokenAuthenticationHandler).FullName, LogLevel.Warning);

        // Wolverine before Marten: Marten's Wolverine integration expects the runtime registered.
        builder.Host.UseWolverine(opts => DependencyInjection.ConfigureWolverine(opts, typeof(ApiSetup).Assembly, builder.Configuration));
        services.AddNpqInfrastructure(builder.Configuration, builder.Environment);

        services.AddMediator((Mediator.MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(RegisterApplication)];
            options.PipelineBehaviors =
            [
                typeof(TelemetryBehaviour<,>), typeof(AuthorisationBehaviour<,>), typeof(RateLimitBehaviour<,>), typeof(AuditBehaviour<,>), typeof(ValidationBehaviour<,>),
            ];
        });

        services.AddHttpContextAccessor();
        services.AddScoped<IClientAddress, HttpClientAddress>();
        services.AddScoped<IRequestContext, HttpRequestContext>();
        services.AddSingleton<V3.Changes.ChangeCursor>();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddNpqHealthChecks();
        services.AddControllers(options =>
        {
            options.Conventions.Add(new ErrorResponsesConvention());
            // Every body the API reads is a RequestEnvelope<T>: one formatter, so nothing else reads (or documents) a body.
            options.InputFormatters.Clear();
            options.InputFormatters.Add(new JsonApiInputFormatter());
        });
        services.AddRazorPages();
        services.AddApiVersioning(options =>
            {
                options.ApiVersionReader = new UrlSegmentApiVersionReader();
                options.AssumeDefaultVersionWhenUnspecified = false;
                options.ReportApiVersions = false;
                options.UnsupportedApiVersionStatusCode = StatusCodes.Status404NotFound;
            })
            .AddMvc()
            .AddApiExplorer(options =>
            {
                options.GroupNameFormat = "'v'V";
                options.SubstituteApiVersionInUrl = true;
            });

        services.AddNpqOpenApi();
        services.AddNpqGuidance();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.LeadProvider, policy => policy
                .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
                .RequireClaim(TokenAuthenticationHandler.KindClaim, "lead_provider"))
            .AddPolicy(Policies.Auditor, policy => policy
                .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
                .RequireClaim(TokenAuthenticationHandler.KindClaim, "auditor"))
            .AddPolicy(Policies.Admin, policy => policy
                .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
                .RequireClaim(TokenAuthenticationHandler.KindClaim, "admin"));

        if (builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Sandbox"))
            services.AddHostedService<SeedOnStart>();
        return builder;
    }

    /// <summary>
    /// <c>X-Forwarded-For</c> and <c>-Proto</c> are believed only from the proxies and networks listed in
    /// <c>Npq:ForwardedHeaders:KnownProxies</c> (addresses) and <c>KnownNetworks</c> (CIDR), none by
    /// default, not even loopback: otherwise any client could choose the address its limit is kept
    /// for (ADR 0018). ASP.NET trusts every proxy when both lists are empty, so then it is not used at all.
    /// </summary>
    public static ForwardedHeadersOptions ForwardedHeadersFrom(IConfiguration configuration)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in configuration.GetSection("Npq:ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        foreach (var network in configuration.GetSection("Npq:ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        return options;
    }

    public static WebApplication UseNpq(this WebApplication app)
    {
        // With no proxy configured the middleware is left out: emptied lists would make it trust anyone.
        if (ForwardedHeadersFrom(app.Configuration) is { } forwarded && (forwarded.KnownProxies.Count > 0 || forwarded.KnownIPNetworks.Count > 0))
            app.UseForwardedHeaders(forwarded);
        app.UseMiddleware<Telemetry.TelemetryMiddleware>();
        app.UseNpqHealthChecks(); // from memory, on the API's port and the metrics port
        app.UseNpqMetricsEndpoint(); // before the limiter, the drain and the database
        // ApiExceptionHandler gives every failure after this step the contract's status and body; the
        // delegate is ASP.NET's required last resort and is reached only if that handler declines.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ApiExceptionHandler.LastResort });
        app.UseMiddleware<DrainingMiddleware>();
        app.UseMiddleware<EdgeMiddleware>();
        app.UseNpqStaticAssets(); // the registration form's GOV.UK Frontend files: no database, no limiter
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                && http.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)
            {
                await NotFoundFallback.Write(http);
            }
        });
        app.UseRouting();
        app.UseAuthentication();
        var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Npq.Api.Requests");
        app.Use(async (context, next) =>
        {
            // Every log line of the request says who asked: the caller's kind and provider id (never the token).
            var caller = TokenAuthenticationHandler.CallerOf(context.User);
            using (requests.BeginScope(new Dictionary<string, object?> { ["CallerKind"] = caller.KindLabel, ["ProviderId"] = caller.LeadProviderId }))
                await next(context);
        });
        app.UseMiddleware<RateLimitMiddleware>();
        app.UseNpqSwaggerUi(); // docs pages are limited per client IP like other unauthenticated requests
        app.UseAuthorization();
        app.UseMiddleware<ServerDateMiddleware>();
        app.UseMiddleware<IdempotencyMiddleware>(); // after authentication and the limiter: keys belong to callers (ADR 0019)
        app.MapControllers();
        app.MapRazorPages();
        app.MapNpqOpenApi();
        app.MapNpqGuidance();
        app.MapFallback("/api/{**path}", NotFoundFallback.Write);
        return app;
    }
}

/// <summary>In Sandbox and Development the seed runs on start (B6), after Marten and Wolverine are up.</summary>
public sealed class SeedOnStart(IServiceProvider services, IConfiguration configuration, ILogger<SeedOnStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("Npq:Seed:OnStart", true))
            return;
        try
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Seeder>()
                .SeedAsync(configuration.GetValue("Npq:Seed:Scenarios", true), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The API still serves what the database holds; the seed command shows the failure again.
            logger.LogError(exception, "The sandbox seed failed; run the 'seed' command to see why");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
