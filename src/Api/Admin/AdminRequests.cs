using Npq.Api.Requests;
namespace Npq.Api.Admin;

// The admin API (CONTRACT B8). Numbers, dates and ids are read as text and parsed by the controller,
// so that a malformed one is a 422 on that attribute; arrays arrive as their JSON text.

/// <summary>Open a statement.</summary>
public sealed record OpenStatementRequest : IRequestAttributes
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

public sealed record TransferApplicationRequest : IRequestAttributes
{
    public string? LeadProviderId { get; init; }
}

public sealed record AddDeliveryPartnerRequest : IRequestAttributes
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>A JSON array of <c>{"lead_provider_id":…,"cohort":…}</c>.</summary>
    public string? Partnerships { get; init; }
}

public sealed record ChangeParticipantIdRequest : IRequestAttributes
{
    public string? ToParticipantId { get; init; }
}

public sealed record ChangeFundingEligibilityRequest : IRequestAttributes
{
    public bool? EligibleForFunding { get; init; }
}

public sealed record ChangeCohortRequest : IRequestAttributes
{
    public string? Cohort { get; init; }
}

public sealed record AdminTrainingStatusRequest : IRequestAttributes
{
    /// <summary><c>defer</c>, <c>resume</c> or <c>withdraw</c>.</summary>
    public string? Action { get; init; }

    public string? Reason { get; init; }
}

public sealed record RejectExpiredRequest : IRequestAttributes
{
    /// <summary>A JSON array of application ids.</summary>
    public string? ApplicationIds { get; init; }
}

public sealed record ChangeEmailRequest : IRequestAttributes
{
    /// <summary>The new email; absent or null blanks it.</summary>
    public string? Email { get; init; }
}

public sealed record ChangeNameRequest : IRequestAttributes
{
    public string? FullName { get; init; }
}

public sealed record VerifyTrnRequest : IRequestAttributes
{
    public string? TeacherReferenceNumber { get; init; }
}

public sealed record ErasePersonalDataRequest : IRequestAttributes
{
    /// <summary>Why (the request under UK GDPR Article 17, a ticket): kept in the log with the erasure.</summary>
    public string? Reason { get; init; }
}
