using System.Globalization;
using System.Text;
using Npq.Api.Json;

namespace Npq.Api.Http;

/// <summary>
/// RFC 4180 CSV with the value formats of §1.9–§1.10, written row by row as the rows are read from
/// the database: the server holds one row at a time, whatever the size of the file (ADR 0017). A cell
/// that begins with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return is prefixed with
/// <c>'</c>, so that a spreadsheet shows it as text rather than running it as a formula (OWASP).
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
            // OWASP CSV injection: a cell a spreadsheet would read as a formula is written as text.
            if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
                value = "'" + value;
            if (value.IndexOfAny([',', '"', '\n', '\r']) >= 0)
                builder.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else
                builder.Append(value);
        }

        builder.Append('\n');
    }
}
