using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Npq.Api.Json;

/// <summary>A computed attribute: writes its value from the stored row.</summary>
public delegate void StoredJsonRule(StoredRow row, ref RawJson json);

public static class StoredJsonRewrite
{
    /// <summary>
    /// The plan for <typeparamref name="TAttributes"/>: <paramref name="rules"/> gives the attributes
    /// that are not copied by name, each a function from the slot finder (read-model property name to
    /// slot) to its rule.
    /// </summary>
    public static StoredJsonRewrite<TView, TAttributes> Create<TView, TAttributes>(IReadOnlyDictionary<string, Func<Func<string, int>, StoredJsonRule>> rules) =>
        StoredJsonRewrite<TView, TAttributes>.Create(rules);
}

/// <summary>
/// JSON written by hand into a span sized beforehand (see <see cref="StoredJsonRewrite{TView, TAttributes}.WriteResource"/>):
/// the bytes given are trusted to be valid JSON.
/// </summary>
public ref struct RawJson(Span<byte> span)
{
    /// <summary>The most bytes a rule may write for one attribute.</summary>
    public const int MostARuleWrites = 48;

    private readonly Span<byte> _span = span;

    public int Position { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span[Position..]);
        Position += bytes.Length;
    }

    /// <summary>Writes <paramref name="bytes"/> as the content of a JSON string; they must need no escaping.</summary>
    public void WriteQuoted(ReadOnlySpan<byte> bytes)
    {
        _span[Position++] = (byte)'"';
        Write(bytes);
        _span[Position++] = (byte)'"';
    }

    /// <summary>A timestamp as the API writes it (§1.10): UTC, whole seconds, <c>Z</c>; or null.</summary>
    public void WriteTime(DateTimeOffset? value)
    {
        if (value is not { } time)
        {
            Write("null"u8);
            return;
        }

        // "yyyy-MM-ddTHH:mm:ssZ", digit by digit (a format string costs more than the rest of the row).
        var utc = time.UtcDateTime;
        _span[Position++] = (byte)'"';
        Digits(utc.Year, 4);
        _span[Position++] = (byte)'-';
        Digits(utc.Month, 2);
        _span[Position++] = (byte)'-';
        Digits(utc.Day, 2);
        _span[Position++] = (byte)'T';
        Digits(utc.Hour, 2);
        _span[Position++] = (byte)':';
        Digits(utc.Minute, 2);
        _span[Position++] = (byte)':';
        Digits(utc.Second, 2);
        _span[Position++] = (byte)'Z';
        _span[Position++] = (byte)'"';
    }

    private void Digits(int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            _span[Position + i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        Position += count;
    }
}
