using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Application.Declarations;
using Npq.Application.Statements;
using Npq.Domain.Declarations;
using Npq.Domain.Statements;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Declarations;

/// <summary>Payments that are right under every race: statements, their lines, and the admin operations.</summary>
[Collection(ApiTests.Name)]
public sealed class StatementAndMoneyTests(ApiFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private const string InSchedule = "2025-11-01T10:00:00Z";

    [Fact]
    public async Task Twenty_four_identical_posts_in_parallel_give_one_declaration_and_one_statement_line()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var partner = await provider.AddDeliveryPartnerAsync("P", 2025);
        var statement = await provider.OpenStatementAsync("2025", Today.AddDays(30));
        var application = await provider.AcceptedApplicationAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ =>
            provider.DeclareAsync(application, "started", InSchedule, customise: a => a["delivery_partner_id"] = partner.ToString())));

        results.ShouldAllBe(r => r.Status == HttpStatusCode.OK || r.Status == HttpStatusCode.UnprocessableEntity);
        results.Where(r => r.Status == HttpStatusCode.UnprocessableEntity).ShouldAllBe(r => r.ShouldBeUnprocessable().Single() == "base");
        var ids = results.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Body.GetProperty("data").GetProperty("id").GetGuid()).Distinct().ToList();
        ids.Count.ShouldBe(1);

        await using var session = fixture.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.Query<DeclarationView>().CountAsync(d => d.ApplicationId == application.Id)).ShouldBe(1);
        (await session.LoadAsync<StatementView>(statement))!.Lines.ShouldHaveSingleItem().DeclarationId.ShouldBe(ids[0]);
    }

    [Fact]
    public async Task Statements_move_open_payable_paid_only_in_order_and_after_the_deadline()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var admin = await fixture.AdminAsync();
        var statement = await provider.OpenStatementAsync("2023", Today.AddDays(5));
        var application = await provider.AcceptedApplicationAsync("2023");
        var id = (await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z")).Body.GetProperty("data").GetProperty("id").GetGuid();
        var afterDeadline = DateTimeOffset.UtcNow.AddDays(10);

        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-paid", serverDate: afterDeadline)).ShouldBeUnprocessable().ShouldBe(["statement"]);
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-payable")).ShouldBeUnprocessable().ShouldBe(["statement"]);

        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-payable", serverDate: afterDeadline)).ShouldBeOk();
        (await provider.GetAsync($"/api/v3/participant-declarations/{id}")).ShouldBeOk().GetProperty("state").GetString().ShouldBe("payable");
        (await provider.GetAsync($"/api/v1/participant-declarations/{id}")).ShouldBeOk().GetProperty("eligible_for_payment").GetBoolean().ShouldBeTrue();

        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-paid", serverDate: afterDeadline)).ShouldBeOk();
        (await provider.GetAsync($"/api/v3/participant-declarations/{id}")).ShouldBeOk().GetProperty("state").GetString().ShouldBe("paid");
        var shown = (await provider.GetAsync($"/api/v3/statements/{statement}")).ShouldBeOk();
        shown.GetProperty("paid").GetBoolean().ShouldBeTrue();
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-paid", serverDate: afterDeadline)).ShouldBeUnprocessable().ShouldBe(["statement"]);

        // Provider tokens cannot run DfE operations.
        (await provider.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-paid")).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_void_racing_a_mark_paid_ends_in_an_allowed_state_with_lines_that_agree()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var admin = await fixture.AdminAsync();
        var statement = await provider.OpenStatementAsync("2023", Today.AddDays(5));
        await provider.OpenStatementAsync("2023", Today.AddDays(60));
        var declarations = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var application = await provider.AcceptedApplicationAsync("2023");
            declarations.Add((await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z")).Body.GetProperty("data").GetProperty("id").GetGuid());
        }

        var afterDeadline = DateTimeOffset.UtcNow.AddDays(10);
        (await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-payable", serverDate: afterDeadline)).ShouldBeOk();

        var voids = declarations.Select(id => provider.VoidAsync(id));
        var markPaid = admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{statement}/mark-paid", serverDate: afterDeadline);
        await Task.WhenAll(voids.Append(markPaid));

        await using var session = fixture.Services.GetRequiredService<IDocumentStore>().QuerySession();
        foreach (var id in declarations)
        {
            var view = (await session.LoadAsync<DeclarationView>(id))!;
            view.State.ShouldBeOneOf(DeclarationState.Voided, DeclarationState.AwaitingClawback, DeclarationState.Paid, DeclarationState.Payable);
        }

        await AssertLinesAgreeAsync(provider.Id);
    }

    [Fact]
    public async Task After_a_mixed_scenario_every_statement_line_agrees_with_its_declaration()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var admin = await fixture.AdminAsync();
        var first = await provider.OpenStatementAsync("2023", Today.AddDays(5));
        await provider.OpenStatementAsync("2023", Today.AddDays(60));
        var ids = new List<Guid>();
        foreach (var type in new[] { "started", "retained-1", "retained-2", "completed" })
        {
            var application = await provider.AcceptedApplicationAsync("2023");
            ids.Add((await provider.DeclareAsync(application, type, "2023-11-01T10:00:00Z", customise: a => a["has_passed"] = true))
                .Body.GetProperty("data").GetProperty("id").GetGuid());
        }

        await provider.VoidAsync(ids[0]); // eligible → voided
        var afterDeadline = DateTimeOffset.UtcNow.AddDays(10);
        await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{first}/mark-payable", serverDate: afterDeadline);
        await provider.VoidAsync(ids[1]); // payable → voided
        await admin.SendAsync(HttpMethod.Post, $"/api/admin/statements/{first}/mark-paid", serverDate: afterDeadline);
        await provider.VoidAsync(ids[2]); // paid → awaiting-clawback on the second statement

        var states = new List<string>();
        foreach (var id in ids)
            states.Add((await provider.GetAsync($"/api/v3/participant-declarations/{id}")).ShouldBeOk().GetProperty("state").GetString()!);
        states.ShouldBe(["voided", "voided", "awaiting-clawback", "paid"]);

        var owed = await AssertLinesAgreeAsync(provider.Id);
        owed.ShouldBe(1 + 1 - 1, "two paid billable lines, one refund");
    }

    [Fact]
    public async Task Statements_list_only_the_callers_output_fee_statements()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var other = await fixture.NewLeadProviderAsync();
        var late = await provider.OpenStatementAsync("2025", Today.AddDays(60));
        var early = await provider.OpenStatementAsync("2024", Today.AddDays(30));
        var notOutputFee = await provider.OpenStatementAsync("2025", Today.AddDays(90), outputFee: false);
        var theirs = await other.OpenStatementAsync("2025", Today.AddDays(30));

        var list = (await provider.GetAsync("/api/v3/statements")).Body.GetProperty("data").EnumerateArray().ToList();
        list.Select(s => s.GetProperty("id").GetGuid()).ShouldBe([early, late]);
        var attributes = list[1].GetProperty("attributes");
        attributes.GetProperty("cohort").GetString().ShouldBe("2025");
        attributes.GetProperty("month").GetString().ShouldBe(System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(Today.AddDays(60).Month));
        attributes.GetProperty("cut_off_date").GetString().ShouldBe(Today.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        attributes.GetProperty("paid").GetBoolean().ShouldBeFalse();
        list[1].GetProperty("type").GetString().ShouldBe("statement");

        (await provider.GetAsync("/api/v3/statements?filter[cohort]=2024")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
        (await provider.GetAsync($"/api/v3/statements/{notOutputFee}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await provider.GetAsync($"/api/v3/statements/{theirs}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await provider.GetAsync("/api/v2/statements")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delivery_partners_show_the_callers_cohorts_as_integers()
    {
        var provider = await fixture.NewLeadProviderAsync();
        var other = await fixture.NewLeadProviderAsync();
        var zed = await provider.AddDeliveryPartnerAsync("Zed Partnership", 2025, 2023, 2025);
        var alpha = await provider.AddDeliveryPartnerAsync("Alpha Trust", 2024);
        var theirs = await other.AddDeliveryPartnerAsync("Elsewhere", 2025);

        var list = (await provider.GetAsync("/api/v3/delivery-partners")).Body.GetProperty("data").EnumerateArray().ToList();
        list.Select(p => p.GetProperty("id").GetGuid()).ShouldBe([alpha, zed]);
        list[1].GetProperty("attributes").GetProperty("cohort").EnumerateArray().Select(c => c.GetInt32()).ShouldBe([2023, 2025]);
        list[1].GetProperty("type").GetString().ShouldBe("delivery-partner");

        (await provider.GetAsync("/api/v3/delivery-partners?filter[cohort]=2025")).Body.GetProperty("data").EnumerateArray()
            .Select(p => p.GetProperty("id").GetGuid()).ShouldBe([zed]);
        (await provider.GetAsync("/api/v3/delivery-partners?sort=-name")).Body.GetProperty("data").EnumerateArray()
            .Select(p => p.GetProperty("id").GetGuid()).ShouldBe([zed, alpha]);
        (await provider.GetAsync($"/api/v3/delivery-partners/{zed}")).ShouldBeOk().GetProperty("name").GetString().ShouldBe("Zed Partnership");
        (await provider.GetAsync($"/api/v3/delivery-partners/{theirs}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task The_declarations_csv_has_the_versions_columns_and_is_empty_without_rows(string version)
    {
        var provider = await fixture.NewLeadProviderAsync();
        using var client = provider.Client();
        (await client.GetStringAsync($"/api/{version}/participant-declarations.csv")).ShouldBeEmpty();

        await provider.OpenStatementAsync("2023", Today.AddDays(5));
        var application = await provider.AcceptedApplicationAsync("2023");
        var id = (await provider.DeclareAsync(application, "started", "2023-11-01T10:00:00Z", version)).Body.GetProperty("data").GetProperty("id").GetGuid();

        var lines = (await client.GetStringAsync($"/api/{version}/participant-declarations.csv")).TrimEnd('\n').Split('\n');
        lines[0].ShouldBe(version == "v1"
            ? "id,participant_id,declaration_type,course_identifier,declaration_date,state,has_passed,voided,eligible_for_payment,updated_at"
            : "id,participant_id,declaration_type,course_identifier,declaration_date,state,has_passed,updated_at");
        lines[1].ShouldStartWith($"{id},{application.ParticipantId},started,npq-senior-leadership,2023-11-01T10:00:00Z,eligible,,");
        lines.Length.ShouldBe(2);
    }

    [Fact]
    public async Task Declaration_lists_filter_by_participant_cohort_and_updated_since()
    {
        var provider = await fixture.NewLeadProviderAsync();
        await provider.OpenStatementAsync("2023", Today.AddDays(5));
        await provider.OpenStatementAsync("2022", Today.AddDays(5));
        var a = await provider.AcceptedApplicationAsync("2023");
        var b = await provider.AcceptedApplicationAsync("2022");
        var da = (await provider.DeclareAsync(a, "started", "2023-11-01T10:00:00Z")).Body.GetProperty("data").GetProperty("id").GetGuid();
        var db = (await provider.DeclareAsync(b, "started", "2022-11-01T10:00:00Z")).Body.GetProperty("data").GetProperty("id").GetGuid();

        Ids((await provider.GetAsync("/api/v3/participant-declarations")).Body).ShouldBe([da, db]);
        Ids((await provider.GetAsync($"/api/v1/participant-declarations?filter[participant_id]={b.ParticipantId}")).Body).ShouldBe([db]);
        Ids((await provider.GetAsync("/api/v3/participant-declarations?filter[cohort]=2022")).Body).ShouldBe([db]);
        Ids((await provider.GetAsync($"/api/v2/participant-declarations?filter[updated_since]={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}")).Body).ShouldBeEmpty();
        (await provider.GetAsync("/api/v3/participant-declarations?filter[participant_id]=nope")).Status.ShouldBe(HttpStatusCode.BadRequest);
        var other = await fixture.NewLeadProviderAsync();
        (await other.GetAsync($"/api/v3/participant-declarations/{da}")).Status.ShouldBe(HttpStatusCode.NotFound);
        Ids((await other.GetAsync("/api/v3/participant-declarations")).Body).ShouldBeEmpty();
    }

    [Fact]
    public async Task Admin_operations_answer_bad_input_with_422_not_500()
    {
        var admin = await fixture.AdminAsync();
        var provider = await fixture.NewLeadProviderAsync();

        (await admin.SendAsync(HttpMethod.Post, "/api/admin/statements", new JsonObject
        {
            ["lead_provider_id"] = provider.Id.ToString(), ["cohort"] = "2025", ["year"] = 2025, ["month"] = 1,
            ["deadline_date"] = "2025-01-01", ["payment_date"] = "2025-02-01", ["courses"] = new JsonArray(1, 2),
        })).ShouldBeUnprocessable().ShouldBe(["courses"]);
        (await admin.SendAsync(HttpMethod.Post, "/api/admin/statements", new JsonObject { ["month"] = "thirteen" }))
            .ShouldBeUnprocessable().ShouldContain("month");
        (await admin.SendAsync(HttpMethod.Post, "/api/admin/delivery-partners", new JsonObject
        {
            ["name"] = "P", ["partnerships"] = new JsonArray(new JsonObject { ["lead_provider_id"] = "x", ["cohort"] = "y" }),
        })).ShouldBeUnprocessable().ShouldBe(["partnerships"]);
    }

    private static IReadOnlyList<Guid> Ids(JsonElement body) =>
        body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();

    /// <summary>
    /// Invariant 3: each statement line shows its declaration's state (a billable line stays paid once
    /// the declaration moves on to a clawback, whose refund line carries that state). Returns what the
    /// provider is owed in lines: paid-or-payable-or-eligible billable lines minus refund lines.
    /// </summary>
    private async Task<int> AssertLinesAgreeAsync(Guid providerId)
    {
        await using var session = fixture.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var statements = await session.Query<StatementView>().Where(s => s.LeadProviderId == providerId).ToListAsync();
        var declarations = (await session.Query<DeclarationView>().Where(d => d.LeadProviderId == providerId).ToListAsync()).ToDictionary(d => d.Id);
        var owed = 0;
        foreach (var line in statements.SelectMany(s => s.Lines.Select(l => (Statement: s, Line: l))))
        {
            var declaration = declarations[line.Line.DeclarationId];
            var wire = DeclarationWire.Of(declaration.State);
            if (line.Line.LineType == StatementLineTypes.Billable)
            {
                declaration.BillableStatementId.ShouldBe(line.Statement.Id);
                var expected = declaration.State is DeclarationState.AwaitingClawback or DeclarationState.ClawedBack ? "paid" : wire;
                line.Line.State.ShouldBe(expected, $"billable line of {declaration.Id}");
                if (expected is "eligible" or "payable" or "paid")
                    owed++;
            }
            else
            {
                declaration.ClawbackStatementId.ShouldBe(line.Statement.Id);
                line.Line.State.ShouldBe(wire, $"refund line of {declaration.Id}");
                owed--;
            }
        }

        // And every billable or refunded declaration has its line.
        foreach (var declaration in declarations.Values.Where(d => d.BillableStatementId is not null))
            statements.Single(s => s.Id == declaration.BillableStatementId).Lines.ShouldContain(l => l.DeclarationId == declaration.Id && l.LineType == StatementLineTypes.Billable);
        return owed;
    }
}
