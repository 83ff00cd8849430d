namespace Npq.Application.DeliveryPartners;

/// <summary>A delivery partner (reference data DfE maintains; CONTRACT §2.9).</summary>
public sealed class DeliveryPartner
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A delivery partner works with a lead provider in a cohort (start year).</summary>
public sealed class Partnership
{
    /// <summary><c>{provider}:{partner}:{cohort}</c>.</summary>
    public string Id { get; set; } = "";

    public Guid LeadProviderId { get; set; }

    public Guid DeliveryPartnerId { get; set; }

    public int Cohort { get; set; }

    public static string IdOf(Guid provider, Guid partner, int cohort) => $"{provider}:{partner}:{cohort}";
}
