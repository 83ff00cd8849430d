namespace Npq.Domain.Registration;

/// <summary>A country an applicant can name for <c>teacher_catchment_country</c>.</summary>
public sealed record Country(string Name, string IsoAlpha3, bool InUkCatchment);

/// <summary>
/// Countries for the catchment question (ISO 3166 short names and alpha-3 codes). The UK nations and
/// the Crown dependencies count as inside the catchment (CONTRACT §2.4 <c>teacher_catchment</c>).
/// </summary>
public static class Countries
{
    public const string UnitedKingdomName = "United Kingdom of Great Britain and Northern Ireland";

    public static IReadOnlyList<Country> All { get; } =
    [
        new(UnitedKingdomName, "GBR", true),
        new("England", "GBR", true),
        new("Scotland", "GBR", true),
        new("Wales", "GBR", true),
        new("Northern Ireland", "GBR", true),
        new("Jersey", "JEY", true),
        new("Guernsey", "GGY", true),
        new("Isle of Man", "IMN", true),
        new("Ireland", "IRL", false),
        new("France", "FRA", false),
        new("Germany", "DEU", false),
        new("Spain", "ESP", false),
        new("Portugal", "PRT", false),
        new("Italy", "ITA", false),
        new("Netherlands", "NLD", false),
        new("Belgium", "BEL", false),
        new("Poland", "POL", false),
        new("Greece", "GRC", false),
        new("Cyprus", "CYP", false),
        new("Malta", "MLT", false),
        new("Gibraltar", "GIB", false),
        new("United States of America", "USA", false),
        new("Canada", "CAN", false),
        new("Australia", "AUS", false),
        new("New Zealand", "NZL", false),
        new("South Africa", "ZAF", false),
        new("India", "IND", false),
        new("Pakistan", "PAK", false),
        new("Nigeria", "NGA", false),
        new("Ghana", "GHA", false),
        new("Kenya", "KEN", false),
        new("Jamaica", "JAM", false),
        new("United Arab Emirates", "ARE", false),
        new("Qatar", "QAT", false),
        new("China", "CHN", false),
        new("Hong Kong", "HKG", false),
        new("Singapore", "SGP", false),
        new("Japan", "JPN", false),
    ];

    /// <summary>Finds a country by name or alpha-3 code, ignoring case and surrounding spaces.</summary>
    public static Country? Find(string? nameOrCode)
    {
        if (string.IsNullOrWhiteSpace(nameOrCode))
            return null;
        var value = nameOrCode.Trim();
        return All.FirstOrDefault(c => string.Equals(c.Name, value, StringComparison.OrdinalIgnoreCase))
               ?? All.FirstOrDefault(c => string.Equals(c.IsoAlpha3, value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>What the API shows: UK values show the ISO short name of the United Kingdom.</summary>
    public static string DisplayName(Country country) => country.IsoAlpha3 == "GBR" ? UnitedKingdomName : country.Name;
}
