using System.Globalization;
using System.Text.RegularExpressions;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Api.Http;

/// <summary>
/// Reads the list parameters of CONTRACT §1.6–§1.8 (with the B2 fixes) from a query string:
/// <c>page[page]</c>, <c>page[per_page]</c>, <c>filter[…]</c> and <c>sort</c>. Bad values throw a 400.
/// </summary>
public sealed partial class ListQuery(IQueryCollection query)
{
    public Page ReadPage()
    {
        var number = ReadInteger("page[page]") ?? 1;
        var size = ReadInteger("page[per_page]") ?? Page.DefaultSize;
        if (number < 1 || size < 1)
            throw new BadRequestException("The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number");
        return new Page(number, Math.Min(size, Page.MaxSize));
    }

    /// <summary><c>filter</c> must be an object: <c>?filter=x</c> is a 400 (HEAD, B2).</summary>
    public void RejectNonObjectFilter()
    {
        if (query.ContainsKey("filter"))
            throw new BadRequestException("'#/filter' is not a valid field");
    }

    /// <summary>A comma list of start years; values that are not years match nothing.</summary>
    public IReadOnlyList<int>? ReadCohorts()
    {
        var value = Filter("cohort");
        if (value is null)
            return null;
        return value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var year) ? year : 0)
            .DefaultIfEmpty(0)
            .ToList();
    }

    public DateTimeOffset? ReadTimestamp(string name)
    {
        var value = Filter(name);
        if (value is null)
            return null;
        return ParseTimestamp(value)
               ?? throw new BadRequestException($"The filter '#/{name}' must be a valid ISO 8601 date");
    }

    public IReadOnlyList<Guid>? ReadParticipantIds()
    {
        var nested = query.Keys.Any(k => k.StartsWith("filter[participant_id][", StringComparison.Ordinal));
        var value = Filter("participant_id");
        var ids = value is null ? null : SplitAsRubyDoes(value);
        if (nested || (ids is not null && !ids.All(v => UuidPattern().IsMatch(v.Trim()))))
            throw new BadRequestException("The filter '#/participant_id' must be a comma-delimited list of valid UUIDs");
        return ids?.Select(v => Guid.Parse(v.Trim())).ToList();
    }

    /// <summary>
    /// A comma list as the reference reads it (Ruby's <c>split(",")</c>, issue 26): empty fields at the
    /// end are dropped (<c>id,</c> is one id; <c>,</c> is none), empty fields elsewhere are kept (and
    /// then refused as ids).
    /// </summary>
    public static IReadOnlyList<string> SplitAsRubyDoes(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split(',').ToList();
        while (parts.Count > 0 && parts[^1].Length == 0)
            parts.RemoveAt(parts.Count - 1);
        return parts;
    }

    /// <summary>
    /// <c>sort</c>: comma list, <c>-</c> for descending, <c>+</c> (or the space a raw <c>+</c> decodes
    /// to) for ascending. Unknown names are left for the query to ignore.
    /// </summary>
    public IReadOnlyList<SortField> ReadSort()
    {
        var value = query["sort"].ToString();
        if (string.IsNullOrWhiteSpace(value))
            return [];
        return value.Split(',')
            .Select(part => part.Trim())
            .Where(part => part.Length > 0)
            .Select(part => part[0] switch
            {
                '-' => new SortField(part[1..].Trim(), true),
                '+' => new SortField(part[1..].Trim(), false),
                _ => new SortField(part, false),
            })
            .ToList();
    }

    private string? Filter(string name)
    {
        var value = query[$"filter[{name}]"].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private int? ReadInteger(string key)
    {
        if (!query.TryGetValue(key, out var values))
            return null;
        return RubyToI(values.ToString());
    }

    /// <summary>Ruby's <c>to_i</c>, as the reference reads numbers: leading digits (with a sign) count, anything else reads as 0.</summary>
    public static int RubyToI(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var match = LeadingInteger().Match(value.Trim());
        return match.Success && long.TryParse(match.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? (int)Math.Clamp(number, int.MinValue, int.MaxValue)
            : 0;
    }

    /// <summary>
    /// <c>YYYY-MM-DD</c>, or <c>YYYY-MM-DDThh:mm:ss[.fraction]</c> followed by nothing (UTC), <c>Z</c>
    /// or <c>±hh[:mm]</c>. Decoded once (B2): a literal <c>%2B</c>, or the space a raw <c>+</c> becomes,
    /// still reads as a plus sign.
    /// </summary>
    public static DateTimeOffset? ParseTimestamp(string raw)
    {
        var value = raw.Trim().Replace("%2B", "+", StringComparison.OrdinalIgnoreCase);
        var match = TimestampPattern().Match(value);
        if (!match.Success)
            return null;

        if (!DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return null;
        if (!match.Groups["time"].Success)
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        var text = $"{match.Groups["date"].Value}T{match.Groups["time"].Value}";
        if (!DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var offset = TimeSpan.Zero;
        var zone = match.Groups["zone"].Value;
        if (zone.Length > 0 && zone != "Z" && zone != "z")
        {
            var sign = zone[0] is '-' ? -1 : 1;
            var digits = zone[1..].Replace(":", "", StringComparison.Ordinal);
            var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
            var minutes = digits.Length > 2 ? int.Parse(digits[2..], CultureInfo.InvariantCulture) : 0;
            if (minutes > 59)
                return null;
            offset = sign * new TimeSpan(hours, minutes, 0);
        }

        return Domain.Common.Timestamps.AtOffset(local, offset);
    }

    // [0-9], not \d: \d also matches other scripts' digits, which int.Parse does not read.
    [GeneratedRegex(@"^(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:T(?<time>[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?)(?<zone>Z|z|[+\- ][0-9]{2}(?::?[0-9]{2})?)?)?$")]
    private static partial Regex TimestampPattern();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidPattern();

    [GeneratedRegex(@"^[+-]?[0-9]+")]
    private static partial Regex LeadingInteger();
}
