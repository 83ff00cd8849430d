using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Participants;
using Npq.Application.Outcomes;
using Npq.Application.Statements;
using Npq.Domain.Declarations;
using Npq.Domain.Statements;
using Npq.Domain.NpqApplications;
using Npq.Infrastructure.Seed;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Seed;

/// <summary>The sandbox seed (B6): scenarios through the same commands as live traffic, and idempotent.</summary>
[Collection(ApiTests.Name)]
public sealed class SeedTests(ApiFixture fixture)
{
    [Fact]
    public async Task Production_refuses_the_sandbox_scenarios_and_writes_nothing()
    {
        var services = fixture.Services;
        var production = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" };
        var seeder = ActivatorUtilities.CreateInstance<Seeder>(services, (Microsoft.Extensions.Hosting.IHostEnvironment)production);
        var store = services.GetRequiredService<IDocumentStore>();
        async Task<long> CountAsync()
        {
            await using var session = store.QuerySession();
            return await session.Events.QueryAllRawEvents().LongCountAsync();
        }

        var before = await CountAsync();
        var refused = await Should.ThrowAsync<InvalidOperationException>(() => seeder.SeedAsync(scenarios: true, CancellationToken.None));

        refused.Message.ShouldContain("--reference-only");
        (await CountAsync()).ShouldBe(before);
        (await seeder.SeedAsync(scenarios: false, CancellationToken.None)).ApplicationsRegistered.ShouldBe(0);
    }

    [Fact]
    public async Task Running_the_seed_twice_changes_nothing_and_leaves_every_scenario()
    {
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        await SeedAsync();
        var first = (await store.Advanced.FetchEventStoreStatistics()).EventCount;

        var second = await SeedAsync();

        second.ApplicationsRegistered.ShouldBe(0);
        (await store.Advanced.FetchEventStoreStatistics()).EventCount.ShouldBe(first);

        await using var session = store.QuerySession();
        var seeded = await session.Query<ApplicationView>().Where(a => a.FullName != "Jo Bloggs" && !a.FullName!.StartsWith("Bench")).ToListAsync();
        seeded.ShouldContain(a => a.Status == ApplicationStatus.Accepted);
        seeded.ShouldContain(a => a.Status == ApplicationStatus.Rejected && a.ReasonForRejection == RejectionReasons.RejectedByProvider);
        seeded.ShouldContain(a => a.Status == ApplicationStatus.Rejected && a.ReasonForRejection == RejectionReasons.OtherApplicationInThisCohortAccepted);
        seeded.ShouldContain(a => a.Status == ApplicationStatus.Pending);
        seeded.GroupBy(a => a.ParticipantId).ShouldContain(g => g.Select(a => a.LeadProviderId).Distinct().Count() > 1,
            "a participant with applications at two providers");

        // DfE's operations (issue 26): each state a CRM meets in the reference is in the sandbox.
        seeded.ShouldContain(a => a.Email == null, "an email blanked");
        seeded.ShouldContain(a => a.Status == ApplicationStatus.Rejected && a.ReasonForRejection == RejectionReasons.RegistrationExpired);
        seeded.ShouldContain(a => a.FundingEligibilityStatusCode == "marked_funded_by_policy");
        seeded.ShouldContain(a => a.Status == ApplicationStatus.Pending && a.ScheduleIdentifier != null, "an application reverted to pending");
        seeded.ShouldContain(a => a.Cohort == 2025 && a.CohortSuffix == "b", "an application moved to 2025b");
        seeded.ShouldContain(a => a.TrainingStatus == TrainingStatus.Deferred);
        (await session.Query<ParticipantView>().AnyAsync(p => p.PreviousNames.Count > 0)).ShouldBeTrue("a name changed");

        var states = (await session.Query<DeclarationView>().ToListAsync()).Select(d => d.State).Distinct().ToList();
        states.ShouldBeSubsetOf(Enum.GetValues<DeclarationState>());
        foreach (var state in new[] { DeclarationState.Eligible, DeclarationState.Submitted, DeclarationState.Voided, DeclarationState.Paid, DeclarationState.AwaitingClawback })
            states.ShouldContain(state);
        (await session.Query<OutcomeView>().AnyAsync(o => o.State == "passed")).ShouldBeTrue();
        (await session.Query<StatementView>().AnyAsync(s => s.State == StatementState.Paid)).ShouldBeTrue();
        (await session.Query<StatementView>().AnyAsync(s => s.State == StatementState.Open && s.OutputFee)).ShouldBeTrue();
    }

    private async Task<Seeder.Result> SeedAsync()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Seeder>().SeedAsync(scenarios: true, CancellationToken.None);
    }
}
