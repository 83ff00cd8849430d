using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Api.OpenApi;

// The request bodies of the write endpoints as the controllers read them (JsonBody), for the
// OpenAPI documents only: nothing deserialises into these types. Required members are required
// in the documents; unknown attributes are ignored by the API.

/// <summary><c>{"data":{"type":…,"attributes":{…}}}</c> (§1.4).</summary>
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
public sealed class AcceptApplicationRequestV1
{
    /// <summary>Required, as a JSON boolean, when the cohort has capped funding.</summary>
    public bool? FundedPlace { get; init; }
}

/// <summary>Accept (v3): optional body.</summary>
public sealed class AcceptApplicationRequestV3
{
    /// <summary>Required, as a JSON boolean, when the cohort has capped funding.</summary>
    public bool? FundedPlace { get; init; }

    /// <summary>Defaults to the course's schedule for the date of acceptance.</summary>
    public string? ScheduleIdentifier { get; init; }
}

public sealed class ChangeFundedPlaceRequest
{
    /// <summary>A JSON boolean.</summary>
    public required bool FundedPlace { get; init; }
}

/// <summary>Submit a declaration (v1, v2).</summary>
public class DeclarationRequestV1
{
    public required Guid ParticipantId { get; init; }

    [ValuesFrom(typeof(DeclarationTypes), nameof(DeclarationTypes.All))]
    public required string DeclarationType { get; init; }

    /// <summary>RFC 3339 date-time, not in the future.</summary>
    public required string DeclarationDate { get; init; }

    public required string CourseIdentifier { get; init; }

    /// <summary>For a completed declaration of a leadership or specialist course.</summary>
    public bool? HasPassed { get; init; }
}

/// <summary>Submit a declaration (v3): with delivery partners.</summary>
public sealed class DeclarationRequestV3 : DeclarationRequestV1
{
    /// <summary>Required from the 2025 cohort.</summary>
    public Guid? DeliveryPartnerId { get; init; }

    public Guid? SecondaryDeliveryPartnerId { get; init; }
}

public sealed class ChangeDeliveryPartnerRequest
{
    public required Guid DeliveryPartnerId { get; init; }

    public Guid? SecondaryDeliveryPartnerId { get; init; }
}

public sealed class DeferRequest
{
    public required string CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.Deferral))]
    public required string Reason { get; init; }
}

public sealed class ResumeRequest
{
    public required string CourseIdentifier { get; init; }
}

/// <summary>Withdraw (v1, v2): 17 reasons.</summary>
public sealed class WithdrawRequestV1
{
    public required string CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.WithdrawalV1))]
    public required string Reason { get; init; }
}

/// <summary>Withdraw (v3): 21 reasons.</summary>
public sealed class WithdrawRequestV3
{
    public required string CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.WithdrawalV3))]
    public required string Reason { get; init; }
}

public sealed class ChangeScheduleRequest
{
    public required string CourseIdentifier { get; init; }

    public required string ScheduleIdentifier { get; init; }

    /// <summary>A start year (e.g. <c>2025</c>) or a cohort with its suffix (<c>2025a</c>); defaults to the current one.</summary>
    public string? Cohort { get; init; }
}

public sealed class CreateOutcomeRequest
{
    public required string CourseIdentifier { get; init; }

    [ValuesFrom(typeof(OutcomeStatesList), nameof(OutcomeStatesList.Submittable))]
    public required string State { get; init; }

    /// <summary>A date, <c>YYYY-MM-DD</c>, not in the future.</summary>
    public required string CompletionDate { get; init; }
}

/// <summary>The outcome states a provider may submit (§3.11).</summary>
public static class OutcomeStatesList
{
    public static IReadOnlyList<string> Submittable { get; } = [OutcomeStates.Passed, OutcomeStates.Failed];
}
