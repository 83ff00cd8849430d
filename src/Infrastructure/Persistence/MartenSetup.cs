using JasperFx;
using JasperFx.Events;
using Marten;
using JasperFx.Events.Projections;
using Npq.Application.Declarations;
using Npq.Application.DeliveryPartners;
using Npq.Application.Outcomes;
using Npq.Application.Statements;
using Npq.Domain.Statements;
using Npq.Application.NpqApplications;
using Npq.Application.Participants;
using Npq.Application.ReferenceData;
using Npq.Application.Registration;
using Npq.Domain.Participants;
using Npq.Infrastructure.Tokens;
using Weasel.Core;

namespace Npq.Infrastructure.Persistence;

/// <summary>How Marten stores this service's events and documents (one place; see docs/adr).</summary>
public static class MartenSetup
{
    public const string Schema = "npq";

    /// <summary>
    /// Every event type, registered up front so a fresh process can read the whole log: the union of
    /// the modules' lists of which events change which resource.
    /// </summary>
    public static IReadOnlyList<Type> EventTypes { get; } =
    [
        .. new[]
        {
            ParticipantApplicationsProjector.Events, DeclarationViewProjection.Events, OutcomeViewProjection.Events, StatementViewProjection.Events,
        }.SelectMany(set => set.Types).Distinct(),
    ];

    private static void Brin(Marten.Schema.DocumentIndex index) => index.Method = Weasel.Postgresql.Tables.IndexMethod.brin;

    /// <param name="inlineProjections">False only for bulk tools (the event generator of the benchmarks).</param>
    public static void Configure(StoreOptions opts, string connectionString, bool inlineProjections = true)
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = Schema;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString);
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.Logger(new RoundTripCounter());
        opts.Listeners.Add(new TelemetryListener());
        opts.OpenTelemetry.TrackEventCounters();
        opts.Storage.ExtendedSchemaObjects.AddRange(RateLimiting.PostgresRateLimiter.SchemaObjects());
        opts.Storage.ExtendedSchemaObjects.AddRange(Idempotency.IdempotencyStore.SchemaObjects());
        opts.Storage.ExtendedSchemaObjects.AddRange(Audit.Log.AuditLogStore.SchemaObjects());
        opts.Storage.ExtendedSchemaObjects.AddRange(Changes.ChangeFeedStore.SchemaObjects());
        opts.Storage.ExtendedSchemaObjects.AddRange(Registration.PostgresAttachAttempts.SchemaObjects());

        opts.Events.StreamIdentity = StreamIdentity.AsGuid;
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
        opts.Events.MetadataConfig.HeadersEnabled = true;
        foreach (var type in EventTypes)
            opts.Events.AddEventType(type);
        opts.Events.AddEventType<Application.Audit.Log.AuditLogRestored>(); // the log's own record of a restore (ADR 0033)

        if (inlineProjections)
        {
            opts.Projections.Add(new ParticipantApplicationsProjection(), ProjectionLifecycle.Inline);
            opts.Projections.Add(new DeclarationViewProjection(), ProjectionLifecycle.Inline);
            opts.Projections.Add(new Application.Outcomes.OutcomeViewProjection(), ProjectionLifecycle.Inline);
            opts.Projections.Add(new StatementViewProjection(), ProjectionLifecycle.Inline);
            opts.Projections.Add(new NpqApplicationAggregation(), ProjectionLifecycle.Live);
            opts.Projections.Add(new Application.Declarations.DeclarationAggregation(), ProjectionLifecycle.Live);
        }

        // Read models: real columns for what lists filter and sort on, with the indexes a page needs.
        // The time columns get BRIN indexes, not B-trees: pages are read through the composite
        // (provider, time, id) indexes below, and a B-tree on the time alone tempted the planner to walk
        // every provider's rows in time order and filter (77 ms for a page the composite reads in 10 ms).
        opts.Schema.For<ApplicationView>()
            .Duplicate(a => a.LeadProviderId)
            .Duplicate(a => a.ParticipantId)
            .Duplicate(a => a.Cohort)
            .Duplicate(a => a.CreatedAt, configure: Brin)
            .Duplicate(a => a.UpdatedAt, configure: Brin)
            .Duplicate(a => a.TeacherReferenceNumber);
        opts.Schema.For<ParticipantView>()
            .Duplicate(p => p.CreatedAt)
            .Duplicate(p => p.UpdatedAt)
            .Duplicate(p => p.TeacherReferenceNumber)
            .GinIndexJsonData();
        opts.Schema.For<DeclarationView>()
            .Duplicate(d => d.ApplicationId)
            .Duplicate(d => d.ParticipantId)
            .Duplicate(d => d.LeadProviderId)
            .Duplicate(d => d.OwnerProviderId)
            .Duplicate(d => d.Cohort)
            .Duplicate(d => d.CreatedAt, configure: Brin)
            .Duplicate(d => d.UpdatedAt, configure: Brin);
        // Pages filter on the provider and sort on (created_at, id) or (updated_at, id): one composite
        // index each lets PostgreSQL read a page in order and stop at its LIMIT instead of sorting every
        // row of the provider (ADR 0017).
        opts.Schema.For<ApplicationView>()
            .Index([a => a.LeadProviderId, a => a.CreatedAt, a => a.Id])
            .Index([a => a.LeadProviderId, a => a.UpdatedAt, a => a.Id]);
        opts.Schema.For<DeclarationView>().Index([d => d.LeadProviderId, d => d.CreatedAt, d => d.Id]);
        opts.Schema.For<OutcomeView>().Index([o => o.LeadProviderId, o => o.CreatedAt, o => o.Id]);
        opts.Schema.For<StatementView>().Duplicate(s => s.LeadProviderId).Duplicate(s => s.CohortId);
        opts.Schema.For<OutcomeView>().Duplicate(o => o.ParticipantId).Duplicate(o => o.LeadProviderId).Duplicate(o => o.CreatedAt, configure: Brin);
        opts.Schema.For<LiveDeclarationReservation>().Identity(r => r.Id);
        opts.Schema.For<Contract>().Identity(c => c.Id).Duplicate(c => c.LeadProviderId);
        opts.Schema.For<DeliveryPartner>();
        opts.Schema.For<Partnership>().Identity(p => p.Id).Duplicate(p => p.LeadProviderId);

        // Write-model guards (ADR 0008): their primary keys are the invariants.
        opts.Schema.For<AcceptedPlaceReservation>().Identity(r => r.Id);

        opts.Schema.For<ApiToken>().UniqueIndex(t => t.Digest);
        opts.Schema.For<LeadProvider>();
        opts.Schema.For<Cohort>().Identity(c => c.Id);
        opts.Schema.For<Schedule>().Identity(s => s.Id);
        opts.Schema.For<School>().Identity(s => s.Id);
        opts.Schema.For<ChildcareProvider>().Identity(c => c.Id);
        opts.Schema.For<IttProvider>().Identity(p => p.Id);
        opts.Schema.For<SentEmail>();
        opts.Schema.For<SeedMarker>().Identity(m => m.Id);
        opts.Schema.For<Security.DataProtectionKey>().Identity(k => k.Id);
    }
}

/// <summary>Records that a seed step ran, so running the seed again changes nothing.</summary>
public sealed class SeedMarker
{
    public string Id { get; set; } = "";

    public DateTimeOffset RanAt { get; set; }
}
