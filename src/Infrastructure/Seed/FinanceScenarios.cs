using Marten;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Npq.Application.Common;
using Npq.Application.Declarations;
using Npq.Application.Declarations.SubmitDeclaration;
using Npq.Application.Declarations.VoidDeclaration;
using Npq.Application.DeliveryPartners;
using Npq.Application.NpqApplications.AcceptApplication;
using Npq.Application.ReferenceData;
using Npq.Application.Registration.RegisterApplication;
using Npq.Application.Statements;
using Npq.Application.Statements.Admin;
using Npq.Domain.Courses;
using Npq.Domain.Statements;
using Npq.Infrastructure.Time;

namespace Npq.Infrastructure.Seed;

/// <summary>
/// The sandbox's money (CONTRACT §4.8, B6): delivery partners and partnerships, monthly statements
/// with contracts, and per provider declarations in every state — all through the same commands as
/// live traffic, with fixed ids so a second run finds everything in place.
/// </summary>
public sealed class FinanceScenarios(IDocumentStore store, IServiceScopeFactory scopes, TimeProvider time)
{
    private const string DeclarationCohort = "2025";

    public async Task SeedAsync(IReadOnlyList<LeadProvider> providers, IReadOnlyList<Cohort> cohorts, CancellationToken cancellationToken)
    {
        await PartnersAsync(providers, cohorts, cancellationToken);
        foreach (var provider in providers)
            await StatementsAsync(provider, cohorts, cancellationToken);
        foreach (var provider in providers)
            await DeclarationsAsync(provider, cancellationToken);
    }

    /// <summary>Three partners per provider in every cohort, and 100 more for the first provider (§4.8).</summary>
    private async Task PartnersAsync(IReadOnlyList<LeadProvider> providers, IReadOnlyList<Cohort> cohorts, CancellationToken cancellationToken)
    {
        var years = cohorts.Select(c => c.StartYear).Distinct().ToList();
        var wanted = providers.SelectMany(p => Enumerable.Range(1, 3).Select(i => (Provider: p, Name: $"{p.Name} Delivery Partner {i}")))
            .Concat(providers.Take(1).SelectMany(p => Enumerable.Range(1, 100).Select(i => (Provider: p, Name: $"Delivery Partner {i:000}"))))
            .ToList();
        await using (var query = store.QuerySession())
        {
            var ids = wanted.Select(w => PartnerId(w.Name)).ToArray();
            if ((await query.LoadManyAsync<DeliveryPartner>(cancellationToken, ids)).Count == ids.Length)
                return;
        }

        foreach (var (provider, name) in wanted)
        {
            await SendAsync(new AddDeliveryPartner(Caller.System, PartnerId(name), name, years.Select(y => (provider.Id, y)).ToList()), cancellationToken);
        }
    }

    /// <summary>
    /// Per cohort, one statement a month from two months before registration opens to two years
    /// after; output-fee in March, June, September, December and on the last one; deadline the 1st
    /// of the month less 6 days, payment a month later; statements whose payment date has passed are paid.
    /// </summary>
    private async Task StatementsAsync(LeadProvider provider, IReadOnlyList<Cohort> cohorts, CancellationToken cancellationToken)
    {
        var today = time.Today();
        foreach (var cohort in cohorts)
        {
            var courses = provider.CoursesOfferedIn(cohort.Id).Where(c => Courses.Get(c).FirstCohort is not { } first || cohort.StartYear >= first).ToList();
            if (courses.Count == 0)
                continue; // no contract in a cohort where the provider offers nothing (2026a for most)
            var start = new DateOnly(cohort.StartYear, 2, 1);
            for (var i = 0; i < 27; i++)
            {
                var month = start.AddMonths(i);
                var id = DeterministicGuid.From($"seed:statement:{provider.Id}:{cohort.Id}:{month:yyyy-MM}");
                await using (var query = store.QuerySession())
                {
                    if (await query.LoadAsync<StatementView>(id, cancellationToken) is not null)
                        continue;
                }

                var deadline = month.AddDays(-6);
                var outputFee = month.Month is 3 or 6 or 9 or 12 || i == 26;
                await SendAsync(new OpenStatement(Caller.System, provider.Id, cohort.Id, month.Year, month.Month, deadline, deadline.AddMonths(1),
                    outputFee, courses, id), cancellationToken);
                if (deadline.AddMonths(1) < today)
                {
                    await SendAsync(new MarkStatementPayable(Caller.System, id), cancellationToken);
                    await SendAsync(new MarkStatementPaid(Caller.System, id), cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// Per provider, participants in the 2025 cohort whose declarations are eligible, submitted
    /// (no funding), voided, completed with a passed outcome, paid, and awaiting clawback. Paid states
    /// need a payment run: the provider's next output-fee statement is marked payable and paid by
    /// running those two commands as of its deadline and payment date.
    /// </summary>
    private async Task DeclarationsAsync(LeadProvider provider, CancellationToken cancellationToken)
    {
        var partner = PartnerId($"{provider.Name} Delivery Partner 1");
        var course = provider.OfferedCourses.Contains(Courses.SeniorLeadership) ? Courses.SeniorLeadership : provider.OfferedCourses[0];
        var paidStatement = (Guid?)null;
        // Paid ones first: the payment run pays everything on that statement, later ones land on the next.
        foreach (var scenario in new[] { "paid", "clawback", "eligible", "submitted", "voided", "completed" })
        {
            var key = $"seed:{provider.Slug}:declaration:{scenario}";
            var applicationId = DeterministicGuid.From($"{key}:application");
            await using (var query = store.QuerySession())
            {
                if (await query.Query<DeclarationView>().AnyAsync(d => d.ApplicationId == applicationId, cancellationToken))
                    continue;
            }

            var seedCaller = Caller.SeedActingFor(provider.Id);
            var ineligible = scenario == "submitted";
            var participant = DeterministicGuid.From($"{key}:participant");
            await SendAsync(new RegisterApplication
            {
                Caller = Caller.System,
                ApplicationId = applicationId,
                NewParticipantId = participant,
                FullName = $"{char.ToUpperInvariant(scenario[0])}{scenario[1..]} Declarant",
                Email = $"{scenario}.{DeterministicGuid.From(key).ToString("N")[..6]}@example.com",
                DateOfBirth = "1982-03-04",
                TeacherReferenceNumber = $"{8_800_000 + (Math.Abs(DeterministicGuid.From(key).GetHashCode()) % 100_000)}",
                CourseIdentifier = course,
                LeadProviderId = provider.Id.ToString(),
                Cohort = DeclarationCohort,
                TeacherCatchment = "england",
                WorkSetting = "a_school",
                SchoolUrn = ineligible ? "100004" : "100001",
                FundingChoice = "school",
                WorksAsSenco = course == Courses.Senco ? "yes" : null,
                SencoStartDate = course == Courses.Senco ? "2023-09" : null,
            }, cancellationToken);
            await SendAsync(new AcceptApplication(seedCaller, applicationId, !ineligible, null), cancellationToken);

            var declaration = await SendAsync(new SubmitDeclaration
            {
                Caller = seedCaller,
                ParticipantId = participant.ToString(),
                DeclarationType = scenario == "completed" ? "completed" : "started",
                DeclarationDate = "2025-11-03T09:30:00Z",
                CourseIdentifier = course,
                HasPassed = scenario == "completed" ? true : null,
                WithDeliveryPartners = true,
                DeliveryPartnerId = partner.ToString(),
            }, cancellationToken);

            if (scenario == "voided")
                await SendAsync(new VoidDeclaration(seedCaller, declaration.Id, IncludeTransferred: true), cancellationToken);
            if (scenario is "paid" or "clawback")
            {
                paidStatement ??= declaration.StatementId;
                if (scenario == "clawback")
                {
                    await PaymentRunAsync(paidStatement!.Value, cancellationToken);
                    await SendAsync(new VoidDeclaration(seedCaller, declaration.Id, IncludeTransferred: true), cancellationToken);
                }
            }
        }
    }

    private async Task PaymentRunAsync(Guid statementId, CancellationToken cancellationToken)
    {
        StatementView statement;
        await using (var query = store.QuerySession())
            statement = (await query.LoadAsync<StatementView>(statementId, cancellationToken))!;
        if (statement.State == StatementState.Open)
            await SendAsync(new MarkStatementPayable(Caller.System, statementId), cancellationToken, AsOf(statement.DeadlineDate.AddDays(1)));
        if (statement.State != StatementState.Paid)
            await SendAsync(new MarkStatementPaid(Caller.System, statementId), cancellationToken, AsOf(statement.PaymentDate));
    }

    private static DateTimeOffset AsOf(DateOnly day) => new(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);

    public static Guid PartnerId(string name) => DeterministicGuid.From($"seed:delivery-partner:{name}");

    /// <summary>One command in its own scope, as one request would run it; optionally "as of" another time.</summary>
    private async Task<T> SendAsync<T>(ICommand<T> command, CancellationToken cancellationToken, DateTimeOffset? asOf = null)
    {
        await using var scope = scopes.CreateAsyncScope();
        using (asOf is { } at ? RequestTimeProvider.Use(at) : null)
            return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command, cancellationToken);
    }
}
