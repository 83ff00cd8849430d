using Marten;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Application.ReferenceData;
using Npq.Application.NpqApplications.AcceptApplication;
using Npq.Application.NpqApplications.RejectApplication;
using Npq.Domain.NpqApplications;

namespace Npq.Infrastructure.Seed;

/// <summary>
/// Loads the reference data and the sandbox scenarios (CONTRACT B6), idempotently and
/// deterministically: fixed ids, and every scenario goes through the same commands as live traffic.
/// </summary>
public sealed class Seeder(
    IDocumentStore store, IServiceScopeFactory scopes, IReferenceData referenceData, TimeProvider time, FinanceScenarios finance, ILogger<Seeder> logger,
    IHostEnvironment environment)
{
    public sealed record Result(int ReferenceDocuments, int ApplicationsRegistered, int ApplicationsAlreadyThere);

    public async Task<Result> SeedAsync(bool scenarios, CancellationToken cancellationToken)
    {
        // Made-up people, applications and money have no place beside real ones (issue 14).
        if (scenarios && environment.IsProduction())
            throw new InvalidOperationException("The sandbox scenarios are never loaded in Production: run 'seed --reference-only'.");

        var referenceCount = await SeedReferenceDataAsync(cancellationToken);
        referenceData.Invalidate();
        var (created, existing) = scenarios ? await SeedScenariosAsync(cancellationToken) : (0, 0);
        logger.LogInformation("Seed: {Reference} reference documents, {Created} applications registered, {Existing} already there",
            referenceCount, created, existing);
        return new Result(referenceCount, created, existing);
    }

    private async Task<int> SeedReferenceDataAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cohorts = ReferenceDataSeed.Cohorts(sandbox: environment.IsEnvironment("Sandbox"));
        var schedules = cohorts.SelectMany(ReferenceDataSeed.Schedules).ToList();

        await using var session = store.LightweightSession();
        var existingProviders = (await session.Query<LeadProvider>().ToListAsync(cancellationToken)).ToDictionary(p => p.Id);
        var providers = ReferenceDataSeed.LeadProviders(now)
            .Select(p =>
            {
                // Keep the first creation time, so a second run changes nothing.
                if (existingProviders.TryGetValue(p.Id, out var existing))
                    p.CreatedAt = existing.CreatedAt;
                return p;
            })
            .ToList();

        session.Store(providers.ToArray());
        session.Store(cohorts.ToArray());
        session.Store(schedules.ToArray());
        session.Store(ReferenceDataSeed.Schools.ToArray());
        session.Store(ReferenceDataSeed.ChildcareProviders.ToArray());
        session.Store(ReferenceDataSeed.IttProviders.ToArray());
        await session.SaveChangesAsync(cancellationToken);

        return providers.Count + cohorts.Count + schedules.Count + ReferenceDataSeed.Schools.Count
               + ReferenceDataSeed.ChildcareProviders.Count + ReferenceDataSeed.IttProviders.Count;
    }

    private async Task<(int Created, int Existing)> SeedScenariosAsync(CancellationToken cancellationToken)
    {
        var reference = await referenceData.GetAsync(cancellationToken);
        // Scenarios belong to the seed's own providers, in the seed's order (fixed ids and TRNs),
        // whatever other providers the database holds.
        var offering = ReferenceDataSeed.LeadProviders(time.GetUtcNow())
            .Select(p => reference.FindProvider(p.Id))
            .OfType<LeadProvider>()
            .Where(p => p.OfferedCourses.Count > 0)
            .ToList();
        var created = 0;
        var existing = 0;

        foreach (var registration in SandboxScenarios.Registrations(offering))
        {
            await using (var query = store.QuerySession())
            {
                if (await query.LoadAsync<ApplicationView>(registration.ApplicationId!.Value, cancellationToken) is not null)
                {
                    existing++;
                    continue;
                }
            }

            // One scope per command, as for a request: its own session and outbox.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(registration with { Caller = Caller.System }, cancellationToken);
            created++;
        }

        foreach (var decision in SandboxScenarios.Decisions(offering))
        {
            await using (var query = store.QuerySession())
            {
                var view = await query.LoadAsync<ApplicationView>(decision.ApplicationId, cancellationToken);
                if (view is null || view.Status != ApplicationStatus.Pending || view.ApplicationUpdatedAt > view.CreatedAt)
                    continue; // decided by an earlier run (or auto-rejected, or reverted by DfE): nothing to do
            }

            await using var scope = scopes.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var caller = Caller.SeedActingFor(decision.LeadProviderId);
            if (decision.Accept)
                await mediator.Send(new AcceptApplication(caller, decision.ApplicationId, true, null), cancellationToken);
            else
                await mediator.Send(new RejectApplication(caller, decision.ApplicationId, AllowRejectingAccepted: false), cancellationToken);
        }

        await finance.SeedAsync(offering, reference.Cohorts, cancellationToken);

        foreach (var operation in SandboxScenarios.DfeOperations(offering, reference.FindCohortById("2025b") is not null))
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<IMediator>().Send(operation, cancellationToken);
            }
            catch (RuleViolationException)
            {
                // Done by an earlier run: every operation refuses its repeat.
            }
        }

        return (created, existing);
    }
}
