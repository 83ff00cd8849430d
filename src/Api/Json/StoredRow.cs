using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Npq.Api.Json;

/// <summary>
/// The values of one stored row, as places in its UTF-8 text (raw JSON tokens, strings with their
/// quotes and escapes as PostgreSQL wrote them). Reused from row to row.
/// </summary>
public sealed class StoredRow
{
    private byte[] _json = [];
    private int[] _start = [];
    private int[] _length = [];

    internal void Reset(byte[] json, int slots)
    {
        _json = json;
        if (_start.Length != slots)
        {
            _start = new int[slots];
            _length = new int[slots];
        }

        Array.Fill(_length, -1);
    }

    internal void Set(int slot, int start, int length)
    {
        _start[slot] = start;
        _length[slot] = length;
    }

    public bool Has(int slot) => _length[slot] >= 0;

    /// <summary>The length of the stored row, in bytes.</summary>
    public int Length => _json.Length;

    /// <summary>The raw JSON token (<c>null</c> when the row lacks the property).</summary>
    public ReadOnlySpan<byte> Raw(int slot) => Has(slot) ? _json.AsSpan(_start[slot], _length[slot]) : "null"u8;

    /// <summary>A stored timestamp (null for JSON null, a missing property or another type).</summary>
    public DateTimeOffset? Time(int slot)
    {
        var reader = new Utf8JsonReader(Raw(slot));
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetDateTimeOffset() : null;
    }

    public bool IsTrue(int slot) => Raw(slot).SequenceEqual("true"u8);
}
