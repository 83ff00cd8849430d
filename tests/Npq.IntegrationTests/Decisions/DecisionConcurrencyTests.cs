using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Domain.NpqApplications;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Decisions;

/// <summary>
/// Races the reference service lost money to, as real parallel HTTP requests on real PostgreSQL:
/// no timing may produce two accepted applications for a person, course family and cohort.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class DecisionConcurrencyTests(ApiFixture fixture)
{
    [Fact]
    public async Task Twenty_four_parallel_accepts_of_one_application_give_exactly_one_200()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var application = await provider.RegisterAsync(a => a["cohort"] = "2025");

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ =>
            provider.AcceptAsync(application.Id, "v3", new JsonObject { ["funded_place"] = true })));

        results.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1);
        results.Where(r => r.Status != HttpStatusCode.OK).ShouldAllBe(r => r.Status == HttpStatusCode.UnprocessableEntity);
        results.Where(r => r.Status != HttpStatusCode.OK).ShouldAllBe(r => r.ShouldBeUnprocessable().Single() == "application");
        (await EventTypesAsync(application.Id)).Count(t => t == typeof(ApplicationAccepted)).ShouldBe(1);
    }

    [Fact]
    public async Task Two_providers_accepting_the_same_persons_applications_at_once_never_both_succeed()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var pairs = new List<(Guid AtA, Guid AtB)>();
        for (var i = 0; i < 12; i++)
        {
            var atA = await a.RegisterAsync(r => r["cohort"] = "2025");
            var atB = await b.RegisterAsync(r => { r["cohort"] = "2025"; r.AsPersonOf(atA); });
            pairs.Add((atA.Id, atB.Id));
        }

        await Task.WhenAll(pairs.SelectMany(p => new[]
        {
            a.AcceptAsync(p.AtA, "v3", new JsonObject { ["funded_place"] = true }),
            b.AcceptAsync(p.AtB, "v3", new JsonObject { ["funded_place"] = true }),
        }));

        foreach (var (atA, atB) in pairs)
        {
            var statusA = (await a.GetAsync($"/api/v3/npq-applications/{atA}")).ShouldBeOk().GetProperty("status").GetString();
            var statusB = (await b.GetAsync($"/api/v3/npq-applications/{atB}")).ShouldBeOk().GetProperty("status").GetString();
            new[] { statusA, statusB }.Count(s => s == "accepted").ShouldBe(1);
            new[] { statusA, statusB }.Count(s => s == "rejected").ShouldBe(1);
        }
    }

    [Fact]
    public async Task People_sharing_a_verified_trn_accepted_at_once_by_two_providers_get_one_place()
    {
        var a = await fixture.NewLeadProviderAsync();
        var b = await fixture.NewLeadProviderAsync();
        var pairs = new List<(Guid AtA, Guid AtB)>();
        for (var i = 0; i < 12; i++)
        {
            var trn = ApiFixture.NextTrn();
            var atA = await a.RegisterAsync(r => { r["cohort"] = "2023"; r["teacher_reference_number"] = trn; });
            var atB = await b.RegisterAsync(r => { r["cohort"] = "2023"; r["teacher_reference_number"] = trn; });
            pairs.Add((atA.Id, atB.Id));
        }

        var results = await Task.WhenAll(pairs.SelectMany(p => new[] { a.AcceptAsync(p.AtA), b.AcceptAsync(p.AtB) }));

        results.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(pairs.Count);
        foreach (var (atA, atB) in pairs)
        {
            var statusA = (await a.GetAsync($"/api/v3/npq-applications/{atA}")).ShouldBeOk().GetProperty("status").GetString();
            var statusB = (await b.GetAsync($"/api/v3/npq-applications/{atB}")).ShouldBeOk().GetProperty("status").GetString();
            new[] { statusA, statusB }.Count(s => s == "accepted").ShouldBe(1);
        }
    }

    [Fact]
    public async Task Accept_racing_a_v1_reject_has_exactly_one_winner_and_the_history_agrees()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var applications = new List<Guid>();
        for (var i = 0; i < 12; i++)
            applications.Add((await provider.RegisterAsync(r => r["cohort"] = "2023")).Id);

        var races = applications.Select(async id =>
        {
            var results = await Task.WhenAll(provider.AcceptAsync(id, "v1"), provider.RejectAsync(id, "v1"));
            return (Id: id, Accept: results[0].Status, Reject: results[1].Status);
        });

        foreach (var (id, accept, reject) in await Task.WhenAll(races))
        {
            new[] { accept, reject }.Count(s => s == HttpStatusCode.OK).ShouldBe(1);
            var status = (await provider.GetAsync($"/api/v3/npq-applications/{id}")).ShouldBeOk().GetProperty("status").GetString();
            var history = await EventTypesAsync(id);
            history.Count.ShouldBe(2);
            status.ShouldBe(accept == HttpStatusCode.OK ? "accepted" : "rejected");
            history[1].ShouldBe(accept == HttpStatusCode.OK ? typeof(ApplicationAccepted) : typeof(ApplicationRejected));
        }
    }

    [Fact]
    public async Task Accept_racing_a_v3_reject_ends_in_a_state_the_history_explains()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var applications = new List<Guid>();
        for (var i = 0; i < 12; i++)
            applications.Add((await provider.RegisterAsync(r => r["cohort"] = "2023")).Id);

        await Task.WhenAll(applications.Select(id => Task.WhenAll(provider.AcceptAsync(id), provider.RejectAsync(id))));

        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        foreach (var id in applications)
        {
            await using var session = store.QuerySession();
            var events = await session.Events.FetchStreamAsync(id);
            var folded = NpqApplication.Fold(events.Select(e => e.Data))!;
            var status = (await provider.GetAsync($"/api/v3/npq-applications/{id}")).ShouldBeOk().GetProperty("status").GetString();
            status.ShouldBe(folded.Status.ToString().ToLowerInvariant());
            folded.Status.ShouldBe(ApplicationStatus.Rejected, "a reject either came first or followed the accept");
        }
    }

    private async Task<IReadOnlyList<Type>> EventTypesAsync(Guid streamId)
    {
        await using var session = fixture.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(streamId)).Select(e => e.Data.GetType()).ToList();
    }
}
