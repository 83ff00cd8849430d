using Npq.Domain.Declarations;

namespace Npq.Application.Declarations;

/// <summary>The read model of a declaration, serving every API version.</summary>
public sealed class DeclarationView
{
    public Guid Id { get; set; }

    public Guid ApplicationId { get; set; }

    public Guid ParticipantId { get; set; }

    public Guid LeadProviderId { get; set; }

    public string DeclarationType { get; set; } = "";

    public DeclarationState State { get; set; }
}
