using System.Globalization;
using System.Text;
using Npq.Api.Json;

namespace Npq.Api.Http;

/// <summary>
/// RFC 4180 CSV with the value formats of §1.9–§1.10, written row by row as the rows are read from
/// the database: the server holds one row at a time, whatever the size of the file (ADR 0017). Wherever
/// a spreadsheet could start a formula, at the start of a cell or after a <c>,</c>, <c>;</c>, tab or
/// <c>|</c> inside it (a spreadsheet that splits on another separator starts a cell there; issue 24),
/// a <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return is preceded by <c>'</c>, so that it
/// is shown as text rather than run as a formula (OWASP).
/// </summary>
public static class Csv
{
    /// <summary>The result of a CSV endpoint: <paramref name="rows"/> are read while the response is written.</summary>
    public static CsvResult Stream<T>(IReadOnlyList<string> header, IAsyncEnumerable<T> rows, Func<T, IReadOnlyList<object?>> columns, bool headerWhenEmpty = true) =>
        new((writer, cancellationToken) => WriteAsync(writer, header, rows, columns, headerWhenEmpty, cancellationToken));

    public static async Task WriteAsync<T>(
        TextWriter writer, IReadOnlyList<string> header, IAsyncEnumerable<T> rows, Func<T, IReadOnlyList<object?>> columns,
        bool headerWhenEmpty, CancellationToken cancellationToken)
    {
        var line = new StringBuilder(512);
        var any = false;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (!any)
                await WriteLineAsync(writer, line, header);
            any = true;
            await WriteLineAsync(writer, line, columns(row).Select(Format).ToList());
        }

        if (!any && headerWhenEmpty)
            await WriteLineAsync(writer, line, header);
    }

    private static async Task WriteLineAsync(TextWriter writer, StringBuilder line, IReadOnlyList<string> values)
    {
        line.Clear();
        AppendRow(line, values);
        await writer.WriteAsync(line);
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
            value = Neutralise(value);
            if (value.IndexOfAny([',', '"', '\n', '\r']) >= 0)
                builder.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else
                builder.Append(value);
        }

        builder.Append('\n');
    }

    /// <summary>OWASP CSV injection: every place a spreadsheet could start a formula gets a <c>'</c> before it.</summary>
    public static string Neutralise(string value)
    {
        StringBuilder? safe = null;
        var cellStart = true;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (cellStart && c is '=' or '+' or '-' or '@' or '\t' or '\r')
            {
                safe ??= new StringBuilder(value.Length + 4).Append(value, 0, i);
                safe.Append('\'');
            }

            safe?.Append(c);
            cellStart = c is ',' or ';' or '\t' or '|' || (cellStart && c == ' ');
        }

        return safe?.ToString() ?? value;
    }
}
