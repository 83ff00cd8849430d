using System.Net.Http.Headers;
using Npq.Client;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Docs;

/// <summary>
/// The C# client NSwag generates from the committed v3 document (clients/csharp, issue 29) plays a CRM
/// against the test server: it lists and accepts applications, declares, follows the change feed,
/// retries a write with its idempotency key, and waits out the 429s of a low rate limit as the
/// guidance says. If the document and the server disagree on a name, a type or a status, this fails.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class GeneratedClientTests(ApiFixture fixture)
{
    /// <summary>
    /// A CRM's retry policy around one call: a 429 is waited out for its Retry-After; anything else is
    /// thrown. A write keeps its idempotency key across the retries, so it happens once.
    /// </summary>
    private sealed class Crm(NpqClient client)
    {
        public NpqClient Api { get; } = client;

        public int RateLimited { get; private set; }

        public async Task<T> CallAsync<T>(Func<NpqClient, Task<T>> call)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await call(Api);
                }
                catch (NpqApiException refused) when (refused.StatusCode == 429 && attempt < 10)
                {
                    RateLimited++;
                    var seconds = int.Parse(refused.Headers["Retry-After"].Single(), System.Globalization.CultureInfo.InvariantCulture);
                    seconds.ShouldBeInRange(1, 2);
                    await Task.Delay(TimeSpan.FromSeconds(seconds));
                }
            }
        }
    }

    [Fact]
    public async Task The_generated_client_lists_accepts_declares_follows_the_feed_retries_and_waits_out_429s()
    {
        // Five requests per two seconds: the scenario below makes a dozen in less, so the CRM meets 429s.
        await using var factory = new ApiFactory(fixture.Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Npq:RateLimit:PermitsPerToken"] = "5",
            ["Npq:RateLimit:WindowSeconds"] = "2",
        });
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
        var first = await provider.RegisterAsync(a => a["cohort"] = "2023");
        var second = await provider.RegisterAsync(a => a["cohort"] = "2023");

        using var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider.Token);
        var crm = new Crm(new NpqClient(http));

        // List: both applications, pending, through the generated filter, page and sort types.
        var listed = await crm.CallAsync(api => api.ListApplicationsAsync(
            new ApplicationsFilter { Cohort = "2023", Updated_since = "2020-01-01T00:00:00Z" },
            new Pagination { Page = 1, Per_page = 100 },
            [ApplicationsSortField.Created_at]));
        listed.StatusCode.ShouldBe(200);
        listed.Result.Data.Select(a => a.Id).ShouldBe([first.Id, second.Id]);
        listed.Result.Data.ShouldAllBe(a => a.Attributes!.Status == ApplicationAttributesV3Status.Pending);

        // Accept, then the same request again with the same key: the first answer, replayed.
        var key = Guid.NewGuid().ToString();
        var accepted = await crm.CallAsync(api => api.AcceptApplicationAsync(first.Id, key, body: null));
        accepted.Result.Data.Attributes!.Status.ShouldBe(ApplicationAttributesV3Status.Accepted);
        accepted.Headers.ContainsKey("Idempotent-Replayed").ShouldBeFalse();
        var replayed = await crm.CallAsync(api => api.AcceptApplicationAsync(first.Id, key, body: null));
        replayed.Headers["Idempotent-Replayed"].Single().ShouldBe("true");
        replayed.Result.Data.Attributes!.Updated_at.ShouldBe(accepted.Result.Data.Attributes.Updated_at);

        var rejected = await crm.CallAsync(api => api.RejectApplicationAsync(second.Id, Guid.NewGuid().ToString()));
        rejected.Result.Data.Attributes!.Status.ShouldBe(ApplicationAttributesV3Status.Rejected);

        // A refusal arrives as a typed exception carrying the contract's error list.
        var refusal = await Should.ThrowAsync<NpqApiException<ErrorList>>(() => crm.CallAsync(api => api.AcceptApplicationAsync(second.Id, Guid.NewGuid().ToString(), body: null)));
        refusal.StatusCode.ShouldBe(422);
        refusal.Result.Errors.ShouldNotBeEmpty();

        // Declare that the accepted participant started.
        var declared = await crm.CallAsync(api => api.CreateDeclarationAsync(Guid.NewGuid().ToString(), new DeclarationV3Body
        {
            Data = new DeclarationV3Data
            {
                Type = "participant-declaration",
                Attributes = new DeclarationRequestV3
                {
                    Participant_id = first.ParticipantId,
                    Declaration_type = DeclarationRequestV3Declaration_type.Started,
                    Declaration_date = "2023-11-01T10:00:00Z",
                    Course_identifier = DeclarationRequestV3Course_identifier.NpqSeniorLeadership,
                },
            },
        }));
        declared.Result.Data.Attributes!.State.ShouldBe(DeclarationAttributesV3State.Eligible);
        var declaration = declared.Result.Data.Id;
        (await crm.CallAsync(api => api.GetDeclarationAsync(declaration))).Result.Data.Attributes!.Participant_id.ShouldBe(first.ParticipantId);

        // Follow the change feed, two at a time, from the start to its head, positions without gaps.
        var seen = new List<ChangeV3>();
        string? cursor = null;
        for (var page = 0; page < 50; page++)
        {
            var changes = (await crm.CallAsync(api => api.ListChangesAsync(cursor, 2))).Result;
            seen.AddRange(changes.Data);
            cursor = changes.Next_cursor;
            if (!changes.Has_more)
                break;
        }

        seen.Select(c => c.Position).ShouldBe(Enumerable.Range(1, seen.Count).Select(p => (long)p));
        seen.Select(c => c.Resource_id).ShouldContain(first.Id);
        seen.Select(c => c.Resource_id).ShouldContain(second.Id);
        seen.Select(c => c.Resource_id).ShouldContain(declaration);

        // The client met the rate limit and waited it out: every call above still succeeded.
        crm.RateLimited.ShouldBeGreaterThan(0);
    }
}
