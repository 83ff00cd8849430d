using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Npq.Application.Audit.Log;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785): object members sorted by their UTF-16 code units,
/// no whitespace, strings escaped minimally, numbers as ECMAScript writes a double. PostgreSQL's
/// <c>jsonb</c> keeps neither key order nor whitespace, so an event's data is hashed in this form.
/// </summary>
public static class CanonicalJson
{
    public static byte[] Canonicalise(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        var builder = new StringBuilder(json.Length);
        Write(document.RootElement, builder);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    public static void Write(JsonElement element, StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!first)
                        builder.Append(',');
                    first = false;
                    WriteString(property.Name, builder);
                    builder.Append(':');
                    Write(property.Value, builder);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!firstItem)
                        builder.Append(',');
                    firstItem = false;
                    Write(item, builder);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, builder);
                break;
            case JsonValueKind.Number:
                builder.Append(Number(element.GetDouble()));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    public static void WriteString(string value, StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20)
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }

    /// <summary>ECMAScript's Number::toString for a finite double (RFC 8785 §3.2.2.3).</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
            throw new FormatException("JSON numbers are finite.");
        if (value == 0)
            return "0";
        var negative = value < 0;
        // The shortest digits that round-trip, and the position of the decimal point (n in ECMA-262).
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var (digits, exponent) = Digits(shortest);
        var k = digits.Length;
        var n = exponent;
        string text;
        if (k <= n && n <= 21)
            text = digits + new string('0', n - k);
        else if (0 < n && n <= 21)
            text = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0)
            text = "0." + new string('0', -n) + digits;
        else
        {
            var e = n - 1;
            var mantissa = k == 1 ? digits : digits[..1] + "." + digits[1..];
            text = mantissa + "e" + (e >= 0 ? "+" : "-") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        }

        return negative ? "-" + text : text;
    }

    /// <summary>The significant digits of a "R" formatted positive double and n, where value = 0.digits × 10^n.</summary>
    private static (string Digits, int N) Digits(string shortest)
    {
        var exponent = 0;
        var mantissa = shortest;
        var e = shortest.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = shortest[..e];
        }

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point < 0 ? mantissa : mantissa[..point];
        var fraction = point < 0 ? "" : mantissa[(point + 1)..];
        var all = integerPart + fraction;
        var n = integerPart.Length + exponent;
        var leading = all.Length - all.TrimStart('0').Length;
        all = all.TrimStart('0');
        n -= leading;
        all = all.TrimEnd('0');
        return (all.Length == 0 ? "0" : all, n);
    }
}
