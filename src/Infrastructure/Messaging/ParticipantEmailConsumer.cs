using Marten;
using Npq.Application.Common;
using Npq.Application.Registration;

namespace Npq.Infrastructure.Messaging;

/// <summary>
/// Wolverine handler (the <c>Consumer</c> suffix keeps it apart from mediator handlers) that "sends"
/// participant emails. This service has no mail gateway, so the sandbox mailer keeps each email as a
/// <see cref="SentEmail"/> document. The id is derived from the message, so a redelivery after a
/// crash stores the same email again rather than a second one; <see cref="SentEmail.Deliveries"/>
/// counts the deliveries, so a test can tell "once" from "twice, absorbed".
/// </summary>
public static class ParticipantEmailConsumer
{
    public static async Task Handle(ParticipantEmailRequested message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var key = $"{message.ApplicationId}:{message.Template}:{message.RequestedAt:O}";
        var id = DeterministicGuid.From(key);
        var earlier = await session.LoadAsync<SentEmail>(id, cancellationToken);
        session.Store(new SentEmail
        {
            Deliveries = (earlier?.Deliveries ?? 0) + 1,
            Id = id,
            ParticipantId = message.ParticipantId,
            ApplicationId = message.ApplicationId,
            Template = message.Template,
            Email = message.Email,
            RequestedAt = message.RequestedAt,
        });
    }
}
