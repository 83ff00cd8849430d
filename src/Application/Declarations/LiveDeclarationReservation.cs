namespace Npq.Application.Declarations;

/// <summary>
/// Invariant 2 (ARCHITECTURE, B2): at most one live declaration (submitted, eligible, payable, paid)
/// per application and declaration type. Inserted in the same transaction as the declaration's
/// events; the primary key refuses a second one whatever the timing; deleted when the declaration
/// leaves the live states (void, clawback).
/// </summary>
public sealed class LiveDeclarationReservation
{
    /// <summary><c>{application}:{declaration type}</c>.</summary>
    public string Id { get; set; } = "";

    public Guid DeclarationId { get; set; }

    public static string IdOf(Guid applicationId, string declarationType) => $"{applicationId}:{declarationType}";
}
