using System.Globalization;
using System.Text;
using Npq.Api.Json;

namespace Npq.Api.Http;

/// <summary>RFC 4180 CSV with the value formats of §1.9–§1.10.</summary>
public static class Csv
{
    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows, bool headerWhenEmpty = true)
    {
        var builder = new StringBuilder();
        var any = false;
        foreach (var row in rows)
        {
            if (!any)
                AppendRow(builder, header);
            any = true;
            AppendRow(builder, row.Select(Format).ToList());
        }

        if (!any && headerWhenEmpty)
            AppendRow(builder, header);
        return builder.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        DateTimeOffset t => ApiJson.Timestamp(t),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void AppendRow(StringBuilder builder, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
                builder.Append(',');
            var value = values[i];
            if (value.IndexOfAny([',', '"', '\n', '\r']) >= 0)
                builder.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else
                builder.Append(value);
        }

        builder.Append('\n');
    }
}
