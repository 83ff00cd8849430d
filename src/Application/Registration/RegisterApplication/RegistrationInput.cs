using System.Globalization;

namespace Npq.Application.Registration.RegisterApplication;

/// <summary>Parsing of the text values of a registration, shared by the validator and the handler.</summary>
public static class RegistrationInput
{
    public static bool? ParseBool(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        _ => null,
    };

    public static bool IsBoolOrAbsent(string? value) => string.IsNullOrWhiteSpace(value) || ParseBool(value) is not null;

    public static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    /// <summary><c>senco_start_date</c> is asked as month and year; a full date is accepted too.</summary>
    public static DateOnly? ParseMonthOrDate(string? value)
    {
        if (ParseDate(value) is { } date)
            return date;
        return DateOnly.TryParseExact(value?.Trim(), "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month
            : null;
    }

    public static int? ParseYear(string? value) =>
        int.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100
            ? year
            : null;

    /// <summary>A cohort as a start year (<c>2025</c>) or a cohort id with its suffix (<c>2027a</c>).</summary>
    public static (int Year, string? Suffix)? ParseCohort(string? value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 5 && char.IsAsciiLetterLower(text[4]) && ParseYear(text[..4]) is { } withSuffix)
            return (withSuffix, text[4..]);
        return ParseYear(text) is { } year ? (year, null) : null;
    }

    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
