namespace Npq.Application.Common;

public enum CallerKind
{
    Anonymous,
    LeadProvider,
    Auditor,
    Admin,
    System,
}

/// <summary>
/// Who is asking. Every request names its caller; the authorisation behaviour checks the kind and
/// handlers scope their reads and writes by <see cref="LeadProviderId"/>.
/// </summary>
public sealed record Caller(CallerKind Kind, Guid? TokenId, Guid? LeadProviderId, string? Name)
{
    public static Caller Anonymous { get; } = new(CallerKind.Anonymous, null, null, null);

    public static Caller System { get; } = new(CallerKind.System, null, null, "system");

    /// <summary>The sandbox seed making a provider's decision: scoped to that provider, recorded as the seed.</summary>
    public static Caller SeedActingFor(Guid leadProviderId) => new(CallerKind.LeadProvider, null, leadProviderId, "seed");

    public static Caller ForLeadProvider(Guid tokenId, Guid leadProviderId, string name) =>
        new(CallerKind.LeadProvider, tokenId, leadProviderId, name);

    /// <summary>The caller's provider; only valid once the authorisation behaviour has run.</summary>
    public Guid ProviderId => LeadProviderId ?? throw new InvalidOperationException("The caller is not a lead provider.");

    /// <summary>The kind as tokens name it: <c>lead_provider</c>, <c>auditor</c>, <c>admin</c>.</summary>
    public string KindLabel => Kind switch
    {
        CallerKind.LeadProvider => "lead_provider",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>How the caller is written into event metadata and logs.</summary>
    public string ActorLabel => Kind switch
    {
        CallerKind.System => "system",
        CallerKind.Anonymous => "anonymous",
        _ when TokenId is null => $"system:{Name}",
        _ => $"{KindLabel}:{TokenId}",
    };
}
