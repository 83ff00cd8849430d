namespace Npq.Application.Outcomes;

/// <summary>One outcome (immutable; the newest per declaration wins). CONTRACT §2.7.</summary>
public sealed class OutcomeView
{
    public Guid Id { get; set; }

    public Guid DeclarationId { get; set; }

    public Guid ParticipantId { get; set; }

    /// <summary>The provider that created the declaration.</summary>
    public Guid LeadProviderId { get; set; }

    public string CourseIdentifier { get; set; } = "";

    public string State { get; set; } = "";

    public DateOnly CompletionDate { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
