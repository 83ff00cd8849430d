using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npq.Api.Json;
using Npq.Api.V1.NpqApplications;
using Npq.Api.V3.NpqApplications;
using Npq.Application.NpqApplications;
using Npq.Domain.NpqApplications;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.NpqApplications;

/// <summary>
/// Pages are written from the stored JSON without building the view (issue 13). The rewrite must give
/// exactly what the object path (view → Mapster → System.Text.Json) gives, for any stored view:
/// thousands of generated views, with hostile text, nulls, every status and odd timestamps, are stored
/// through Marten in PostgreSQL, read back both ways and compared, names in order and values.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class StoredJsonRewriteTests(ApiFixture fixture)
{
    private static readonly string?[] Texts =
    [
        null, "", "plain", "O'Brien \"the\" \\ slash", "Zoë Ångström 漢字 🎓", "line\nbreak\ttab\r", "\u0001\u001f control",
        "</script><b>", "\u2028\u2029 separators", "=HYPERLINK(\"x\")", new string('x', 200), "+44 7700 900123", "a/b?c=d&e",
    ];

    [Fact]
    public async Task The_rewrite_of_stored_views_equals_the_object_path_for_every_version()
    {
        var providerId = Guid.NewGuid();
        var random = new Random(20261201);
        var views = Enumerable.Range(0, 2000).Select(i => Generate(random, providerId, i)).ToList();
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Store(views.ToArray());
            await session.SaveChangesAsync();
        }

        try
        {
            await using var query = store.QuerySession();
            var ordered = query.Query<ApplicationView>().Where(a => a.LeadProviderId == providerId).OrderBy(a => a.Id);
            var objects = await ordered.ToListAsync();
            var rows = new List<byte[]>();
            await foreach (var row in new Npq.Infrastructure.Persistence.StoredJsonReader().Rows(query, ordered, CancellationToken.None))
                rows.Add(row);

            rows.Count.ShouldBe(views.Count);
            objects.Count.ShouldBe(views.Count);
            var compared = 0;
            for (var i = 0; i < rows.Count; i++)
            {
                Compare(ApplicationJson.V1, rows[i], objects[i].To<ApplicationAttributesV1>(), objects[i].Id);
                Compare(ApplicationJson.V3, rows[i], objects[i].To<ApplicationAttributesV3>(), objects[i].Id);
                compared++;
            }

            compared.ShouldBe(2000);
        }
        finally
        {
            await using var cleanup = store.LightweightSession();
            cleanup.DeleteWhere<ApplicationView>(a => a.LeadProviderId == providerId);
            await cleanup.SaveChangesAsync();
        }
    }

    [Fact]
    public void A_plan_refuses_an_attribute_it_cannot_fill()
    {
        var failure = Should.Throw<InvalidOperationException>(() =>
            StoredJsonRewrite.Create<ApplicationView, ApplicationAttributesV3>(new Dictionary<string, Func<Func<string, int>, StoredJsonRule>>()));
        failure.Message.ShouldContain("Status");
        failure.Message.ShouldContain("Cohort");
    }

    private static void Compare<TAttributes>(StoredJsonRewrite<ApplicationView, TAttributes> plan, byte[] stored, TAttributes expected, Guid id)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var row = new StoredRow();
        plan.Read(stored, row);
        plan.WriteResource(row, "\"npq_application\""u8, buffer);

        var actual = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
        var reference = JsonNode.Parse(JsonSerializer.Serialize(new Resource<TAttributes>(id, "npq_application", expected), ApiJson.Options))!.AsObject();
        actual.Select(p => p.Key).ShouldBe(reference.Select(p => p.Key));
        actual["attributes"]!.AsObject().Select(p => p.Key).ShouldBe(reference["attributes"]!.AsObject().Select(p => p.Key));
        if (!JsonNode.DeepEquals(actual, reference))
            throw new Xunit.Sdk.XunitException($"{typeof(TAttributes).Name} differs for {id}:\n  rewrite: {actual.ToJsonString()}\n  objects: {reference.ToJsonString()}\n  stored:  {Encoding.UTF8.GetString(stored)}");
    }

    private static ApplicationView Generate(Random random, Guid providerId, int i)
    {
        string? Text() => Texts[random.Next(Texts.Length)];
        bool? MaybeBool() => random.Next(3) switch { 0 => null, 1 => true, _ => false };
        // The indexed times are UTC, as PostgreSQL's timestamptz columns require; the others may carry any offset.
        DateTimeOffset Time() => new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(random.NextInt64(TimeSpan.TicksPerDay * 3650));
        DateTimeOffset? MaybeTime() => random.Next(2) == 0 ? null : Time().ToOffset(TimeSpan.FromMinutes(15 * random.Next(-48, 57)));

        var view = new ApplicationView
        {
            Id = Guid.NewGuid(),
            ParticipantId = Guid.NewGuid(),
            LeadProviderId = providerId,
            CourseIdentifier = Text() ?? "npq-senco",
            Cohort = 2021 + random.Next(6),
            CohortSuffix = random.Next(2) == 0 ? "a" : "b",
            FullName = Text() ?? $"Person {i}",
            Email = Text() ?? $"p{i}@example.com",
            TeacherReferenceNumber = random.Next(3) == 0 ? null : random.Next(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            TeacherReferenceNumberValidated = random.Next(2) == 0,
            TeacherCatchment = random.Next(2) == 0,
            TeacherCatchmentCountry = Text(),
            TeacherCatchmentIsoCountryCode = Text(),
            CatchmentAnswer = Text(),
            WorkSetting = Text(),
            WorksInSchool = MaybeBool(),
            SchoolUrn = Text(),
            SchoolUkprn = Text(),
            PrivateChildcareProviderUrn = Text(),
            EmploymentType = Text(),
            EmploymentRole = Text(),
            EmployerName = Text(),
            LeadMentor = random.Next(2) == 0,
            IttProvider = Text(),
            HeadteacherStatus = Text(),
            WorksAsSenco = Text(),
            SencoStartDate = random.Next(2) == 0 ? null : new DateOnly(2000 + random.Next(26), 1 + random.Next(12), 1),
            FundingChoice = Text(),
            EligibleForFundingRaw = random.Next(2) == 0,
            FundingEligibilityStatusCode = Text() ?? "funded",
            PreviouslyFunded = random.Next(2) == 0,
            EligibleForFunding = random.Next(2) == 0,
            IneligibleForFundingReason = Text(),
            TargetedDeliveryFundingEligibility = random.Next(2) == 0,
            FundedPlace = MaybeBool(),
            Status = (ApplicationStatus)random.Next(3),
            ReasonForRejection = Text(),
            ScheduleIdentifier = Text(),
            TrainingStatus = random.Next(4) switch { 0 => null, 1 => TrainingStatus.Active, 2 => TrainingStatus.Deferred, _ => TrainingStatus.Withdrawn },
            TrainingStatusChangedAt = MaybeTime(),
            TrainingMarks = random.Next(2) == 0 ? [] : [new(providerId, TrainingStatus.Withdrawn, Text() ?? "other", Time())],
            AcceptedAt = MaybeTime(),
            CreatedAt = Time(),
        };
        view.Touch(Time());
        view.TouchParticipant(Time());
        return view;
    }
}
