using FluentValidation;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npq.Application.Common;
using Npq.Application.ReferenceData;
using Npq.Application.Registration;
using Npq.Application.Registration.RegisterApplication;
using Npq.Application.Common.RateLimiting;
using Npq.Infrastructure.Messaging;
using Npq.Infrastructure.RateLimiting;
using Npq.Infrastructure.Persistence;
using Npq.Infrastructure.ReferenceData;
using Npq.Infrastructure.Seed;
using Npq.Infrastructure.Time;
using Npq.Infrastructure.Tokens;
using Wolverine;
using Wolverine.Marten;

namespace Npq.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "Npq";

    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "No database: set ConnectionStrings__Npq (./build.sh run starts a local PostgreSQL and sets it for you).");

    /// <summary>
    /// The server's sessions give up instead of waiting without end (issue 14): a statement after 30
    /// seconds, a lock (a person's advisory lock included) after 5. The HTTP edge answers either with
    /// 503 and <c>Retry-After</c>. Options already in the connection string win.
    /// </summary>
    public static string WithTimeouts(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var options = builder.Options ?? "";
        if (!options.Contains("statement_timeout", StringComparison.Ordinal))
            options += " -c statement_timeout=30000";
        if (!options.Contains("lock_timeout", StringComparison.Ordinal))
            options += " -c lock_timeout=5000";
        builder.Options = options.Trim();
        return builder.ConnectionString;
    }

    public static IServiceCollection AddNpqInfrastructure(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        Security.ProductionSecrets.Register(services);
        services.AddOptions<TokenOptions>().Bind(configuration.GetSection("Npq:Tokens"))
            .Validate(o => o.Secret.Length >= 32, "Npq:Tokens:Secret must be set to at least 32 characters.")
            .Validate(o => o.PreviousSecrets.All(s => s.Length >= 32) && o.NextSecret is null or "" or { Length: >= 32 },
                "Npq:Tokens:NextSecret and Npq:Tokens:PreviousSecrets must each be at least 32 characters.")
            .ValidateOnStart();
        services.AddOptions<RegistrationOptions>().Bind(configuration.GetSection("Npq:Registration"));
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection("Npq:RateLimit"))
            .Validate(o => o.PermitsPerToken > 0 && o.PermitsPerIp > 0 && o.WindowSeconds > 0, "Npq:RateLimit values must be positive")
            .ValidateOnStart();
        services.AddSingleton(sp => new RateLimiterDataSource(ConnectionString(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton<PostgresRateLimiter>();
        services.AddSingleton<IRateLimiter>(sp => sp.GetRequiredService<PostgresRateLimiter>());
        services.AddSingleton<Registration.PostgresAttachAttempts>();
        services.AddSingleton<Application.Registration.IAttachAttempts>(sp => sp.GetRequiredService<Registration.PostgresAttachAttempts>());
        services.AddSingleton<Application.Common.IWriteLocks, Persistence.AdvisoryWriteLocks>();
        services.AddSingleton<Application.Common.IStoredJsonReader, Persistence.StoredJsonReader>();
        services.AddHostedService<Registration.AttachAttemptsCleanup>();
        services.AddHostedService<RateLimitCleanup>();
        services.AddHostedService<Idempotency.IdempotencyCleanup>();
        services.AddScoped<RateLimitState>();

        // "Now": the system clock, or X-With-Server-Date in Sandbox/Development for one request (§4.8).
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new RequestTimeProvider()));
        services.AddKeyedSingleton(SystemTime.Key, TimeProvider.System);
        services.AddSingleton<IReferenceData, ReferenceDataCache>();
        services.AddSingleton<TokenUsageTracker>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<TokenUsageFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<TokenUsageFlusher>());
        services.AddScoped<IOutbox, WolverineOutbox>();
        services.AddScoped<Seeder>();
        services.AddScoped<FinanceScenarios>();
        services.AddSingleton<Audit.ProjectionVerifier>();
        services.AddSingleton<Health.ReadinessProbe>();
        services.AddSingleton(sp => new Health.ReadinessDataSource(ConnectionString(sp.GetRequiredService<IConfiguration>())));
        services.AddHostedService<Health.ReadinessSampler>();
        Security.DataProtectionKeyStore.Register(services);

        // The sealed audit log (issue 18, ADR 0022) and the change feed (issue 19, ADR 0023): each filled by a
        // Marten subscription on one node at a time (Npq:Audit:Seal=false leaves both to other processes).
        services.AddOptions<Audit.Log.AuditLogOptions>().Bind(configuration.GetSection("Npq:Audit"))
            .Validate(o => o.CheckpointEvery > 0 && o.CheckpointInterval > TimeSpan.Zero, "Npq:Audit checkpoint settings must be positive")
            .Validate(o => o.RetiredKeys.All(r => Application.Audit.Log.Checkpoint.ParseVerifierKey(r.VerifierKey) is not null),
                "Npq:Audit:RetiredKeys must each have a VerifierKey that is a C2SP Ed25519 verifier key (name+id+base64)")
            .Validate(o => o.Witnesses.All(w => Application.Audit.Log.Cosignature.ParseVerifierKey(w.VerifierKey) is not null
                                                && Uri.TryCreate(w.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
                "Npq:Audit:Witnesses must each have a VerifierKey that is a C2SP cosignature/v1 key (name+id+base64(0x04 ‖ key)) and an http(s) Url")
            .ValidateOnStart();
        services.AddSingleton(sp => new Audit.Log.AuditLogStore(ConnectionString(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton<Audit.Log.CheckpointSigner>();
        services.AddSingleton<Audit.Log.LogSealer>();
        services.AddSingleton<Audit.Log.LogVerifier>();
        services.AddSingleton<Audit.Log.LogRestore>();
        services.AddSingleton<Audit.Log.WitnessCollector>();
        services.AddSingleton<Audit.Log.ErasureNotes>();
        services.AddSingleton<Application.Participants.ErasePersonalData.IPersonalDataEraser, Audit.Log.PersonalDataEraser>();
        services.AddSingleton<Application.Audit.Log.IAuditLog, Audit.Log.AuditLogReader>();
        services.AddSingleton<Changes.ChangeFeedStore>();
        services.AddSingleton<Application.Changes.IChangeFeed>(sp => sp.GetRequiredService<Changes.ChangeFeedStore>());
        services.AddSingleton<Changes.ChangeFeedBuilder>();
        var seal = configuration.GetValue("Npq:Audit:Seal", true);
        if (seal)
        {
            services.AddHostedService<Audit.Log.CheckpointTimer>();
            services.AddHostedService<Audit.Log.WitnessTimer>();
        }

        ValidatorOptions.Global.LanguageManager.Enabled = false;
        services.AddValidatorsFromAssemblyContaining<RegisterApplicationValidator>(ServiceLifetime.Singleton);

        // Resolved when the store is built, so configuration added late (tests, commands) is honoured.
        var marten = services.AddMarten(sp =>
            {
                var opts = new StoreOptions();
                var settings = sp.GetRequiredService<IConfiguration>();
                MartenSetup.Configure(opts, WithTimeouts(ConnectionString(settings)));
                // Production never changes the schema (ADR 0030): the committed migrations do, run by `schema apply`.
                if (!Persistence.Schema.SchemaWatcher.ApplyOnStart(settings))
                    opts.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
                // How long the daemon waits at a missing sequence number before passing it (Marten's default,
                // 3 s). A transaction that commits later is not lost: the sealer and the change feed watch
                // the gaps they pass and take late events up (ADRs 0022, 0023).
                opts.Projections.StaleSequenceThreshold = settings.GetValue("Npq:Daemon:StaleSequenceThreshold", TimeSpan.FromSeconds(3));
                // How often the daemon looks for a new high-water mark, busy and idle (Marten's defaults:
                // 250 ms and 1 s): the sealer and the change feed start no sooner (issue 27). Marten's
                // LISTEN/NOTIFY wake-up was measured and made the lag worse (ADR 0027), so it stays off.
                opts.Projections.FastPollingTime = settings.GetValue("Npq:Daemon:FastPolling", TimeSpan.FromMilliseconds(50));
                opts.Projections.SlowPollingTime = settings.GetValue("Npq:Daemon:SlowPolling", TimeSpan.FromMilliseconds(100));
                return opts;
            })
            .BuildSessionsWith<RequestSessionFactory>() // lightweight sessions that join a request's transaction (ADR 0019)
            .IntegrateWithWolverine(integration => integration.MessageStorageSchemaName = MartenSetup.Schema + "_messages");
        if (Persistence.Schema.SchemaWatcher.ApplyOnStart(configuration))
            marten.ApplyAllDatabaseChangesOnStartup();
        services.AddSingleton<Persistence.Schema.SchemaWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Persistence.Schema.SchemaWatcher>());
        if (seal)
        {
            marten.AddSubscriptionWithServices<Audit.Log.LogSealerSubscription>(ServiceLifetime.Singleton, o =>
                {
                    o.Name = Audit.Log.LogSealerSubscription.SealerName;
                    o.Options.BatchSize = 5_000;
                })
                .AddSubscriptionWithServices<Changes.ChangeFeedSubscription>(ServiceLifetime.Singleton, o =>
                {
                    o.Name = Changes.ChangeFeedSubscription.SubscriptionName;
                    o.Options.BatchSize = 5_000;
                })
                .AddAsyncDaemon(JasperFx.Events.Daemon.DaemonMode.HotCold);
        }

        return services;
    }

    /// <summary>
    /// Wolverine: durable local queues for side effects, only our own <c>*Consumer</c> handlers. Their
    /// handler code is generated ahead of time into the API assembly (<c>src/Api/Internal/Generated</c>,
    /// refreshed with <c>codegen write</c>) and loaded statically: compiling it at run time loaded
    /// Roslyn into every server process on its first message (+200 MB resident; ADR 0017).
    /// </summary>
    public static void ConfigureWolverine(WolverineOptions opts, System.Reflection.Assembly applicationAssembly, IConfiguration? configuration = null)
    {
        // How soon a process that died is noticed, and its stored messages handed to a live one
        // (Wolverine's defaults: a health check every 10 s, a node stale after 1 minute).
        if (configuration?.GetValue<TimeSpan?>("Npq:Messaging:StaleNodeTimeout") is { } stale)
            opts.Durability.StaleNodeTimeout = stale;
        if (configuration?.GetValue<TimeSpan?>("Npq:Messaging:HealthCheckPollingTime") is { } health)
            opts.Durability.HealthCheckPollingTime = health;
        opts.ApplicationAssembly = applicationAssembly;
        if (configuration is not null && !Persistence.Schema.SchemaWatcher.ApplyOnStart(configuration))
            opts.AutoBuildMessageStorageOnStartup = JasperFx.AutoCreate.None;
        opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(ParticipantEmailConsumer));
        opts.Policies.UseDurableLocalQueues();
        opts.Policies.AutoApplyTransactions();
        opts.CodeGeneration.TypeLoadMode = JasperFx.CodeGeneration.TypeLoadMode.Static;
    }
}
