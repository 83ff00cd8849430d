namespace Npq.Application.Registration;

/// <summary>
/// A message to the participant (HEAD emails participants on registration and on provider
/// decisions). Carried by Wolverine's outbox after the events commit; see <c>ParticipantEmailConsumer</c>.
/// </summary>
public sealed record ParticipantEmailRequested(Guid ParticipantId, Guid ApplicationId, string Template, string Email, DateTimeOffset RequestedAt);

/// <summary>An email as it was sent (the sandbox mailer keeps them as documents, for tests and support).</summary>
public sealed class SentEmail
{
    public Guid Id { get; set; }

    public Guid ParticipantId { get; set; }

    public Guid ApplicationId { get; set; }

    public string Template { get; set; } = "";

    public string Email { get; set; } = "";

    /// <summary>How many times the message was handled: 1 unless the outbox delivered it twice (issue 15's crash test counts).</summary>
    public int Deliveries { get; set; }

    public DateTimeOffset RequestedAt { get; set; }
}
