using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

using System.Text.Json.Serialization;
using Npq.Api.Http;
using Npq.Api.OpenApi;

namespace Npq.Api.Requests;

// The request bodies of the write endpoints: controllers take a RequestEnvelope<T> parameter, bound
// by JsonApiInputFormatter (RequestJson: a value of the wrong JSON type reads as text or as absent,
// so the contract's 422 names it); the validators of the commands check them, and the OpenAPI
// documents describe these same parameters. `required` members are required in the documents; a missing one
// arrives as null and is refused in the contract's words. Unknown attributes are ignored.

/// <summary><c>{"data":{"type":…,"attributes":{…}}}</c> (§1.4). Never validated by MVC: the commands' validators and the rules answer in the contract's words.</summary>
[Microsoft.AspNetCore.Mvc.ModelBinding.Validation.ValidateNever]
public sealed class RequestEnvelope<T>
    where T : class
{
    public required RequestData<T> Data { get; init; }
}

public sealed class RequestData<T>
    where T : class
{
    /// <summary>The resource type; not checked by the API.</summary>
    public string? Type { get; init; }

    public required T Attributes { get; init; }
}

/// <summary>Accept (v1, v2): optional body.</summary>
public sealed record AcceptApplicationRequestV1
{
    /// <summary>Required, as a JSON boolean, when the cohort has capped funding.</summary>
    public bool? FundedPlace { get; init; }
}

/// <summary>Accept (v3): optional body.</summary>
public sealed record AcceptApplicationRequestV3
{
    /// <summary>Required, as a JSON boolean, when the cohort has capped funding.</summary>
    public bool? FundedPlace { get; init; }

    /// <summary>Defaults to the course's schedule for the date of acceptance.</summary>
    public string? ScheduleIdentifier { get; init; }
}

public sealed record ChangeFundedPlaceRequest
{
    /// <summary>A JSON boolean.</summary>
    public required bool? FundedPlace { get; init; }
}

/// <summary>Submit a declaration (v1, v2).</summary>
public record DeclarationRequestV1
{
    [Uuid]
    public required string? ParticipantId { get; init; }

    [ValuesFrom(typeof(DeclarationTypes), nameof(DeclarationTypes.All))]
    public required string? DeclarationType { get; init; }

    /// <summary>RFC 3339 date-time, not in the future.</summary>
    public required string? DeclarationDate { get; init; }

    public required string? CourseIdentifier { get; init; }

    /// <summary>For a completed declaration of a leadership or specialist course: a JSON boolean (or "true"/"false").</summary>
    [JsonConverter(typeof(RequestJson.BooleanOrTextConverter))]
    public bool? HasPassed { get; init; }
}

/// <summary>Submit a declaration (v3): with delivery partners.</summary>
public sealed record DeclarationRequestV3 : DeclarationRequestV1
{
    /// <summary>Required from the 2025 cohort.</summary>
    [Uuid]
    public string? DeliveryPartnerId { get; init; }

    [Uuid]
    public string? SecondaryDeliveryPartnerId { get; init; }
}

public sealed record ChangeDeliveryPartnerRequest
{
    [Uuid]
    public required string? DeliveryPartnerId { get; init; }

    [Uuid]
    public string? SecondaryDeliveryPartnerId { get; init; }
}

public sealed record DeferRequest
{
    public required string? CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.Deferral))]
    public required string? Reason { get; init; }
}

public sealed record ResumeRequest
{
    public required string? CourseIdentifier { get; init; }
}

/// <summary>Withdraw (v1, v2): 17 reasons.</summary>
public sealed record WithdrawRequestV1
{
    public required string? CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.WithdrawalOriginal))]
    public required string? Reason { get; init; }
}

/// <summary>Withdraw (v3): 21 reasons.</summary>
public sealed record WithdrawRequestV3
{
    public required string? CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.WithdrawalExtended))]
    public required string? Reason { get; init; }
}

public sealed record ChangeScheduleRequest
{
    public required string? CourseIdentifier { get; init; }

    public required string? ScheduleIdentifier { get; init; }

    /// <summary>A start year (e.g. <c>2025</c>) or a cohort with its suffix (<c>2025a</c>); defaults to the current one.</summary>
    public string? Cohort { get; init; }
}

public sealed record CreateOutcomeRequest
{
    public required string? CourseIdentifier { get; init; }

    [ValuesFrom(typeof(OutcomeStatesList), nameof(OutcomeStatesList.Submittable))]
    public required string? State { get; init; }

    /// <summary>A date, <c>YYYY-MM-DD</c>, not in the future.</summary>
    public required string? CompletionDate { get; init; }
}

/// <summary>The outcome states a provider may submit (§3.11).</summary>
public static class OutcomeStatesList
{
    public static IReadOnlyList<string> Submittable { get; } = [OutcomeStates.Passed, OutcomeStates.Failed];
}

// The admin API (CONTRACT B8). Numbers, dates and ids are read as text and parsed by the controller,
// so that a malformed one is a 422 on that attribute; arrays arrive as their JSON text.

/// <summary>Open a statement.</summary>
public sealed record OpenStatementRequest
{
    public string? LeadProviderId { get; init; }

    public string? Cohort { get; init; }

    public string? Year { get; init; }

    public string? Month { get; init; }

    public string? DeadlineDate { get; init; }

    public string? PaymentDate { get; init; }

    public bool? OutputFee { get; init; }

    /// <summary>A JSON array of course identifiers.</summary>
    public string? Courses { get; init; }
}

public sealed record TransferApplicationRequest
{
    public string? LeadProviderId { get; init; }
}

public sealed record AddDeliveryPartnerRequest
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>A JSON array of <c>{"lead_provider_id":…,"cohort":…}</c>.</summary>
    public string? Partnerships { get; init; }
}

public sealed record ChangeParticipantIdRequest
{
    public string? ToParticipantId { get; init; }
}
