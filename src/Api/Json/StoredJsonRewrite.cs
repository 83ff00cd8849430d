using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Npq.Api.Json;

/// <summary>
/// Writes one API version's attributes straight from the JSON a read model is stored as, without
/// building the read model or the attributes object (issue 13, ADR 0017). A plan is made once per
/// (read model, attributes) pair: each attribute, in the order the attributes type declares it, is
/// either copied from the read-model property of the same name (values as stored; timestamps in the
/// API's RFC 3339 form) or computed by a rule given here, the same rules as <see cref="ResponseMapping"/>.
/// Making the plan fails when an attribute has neither, so a new attribute cannot be forgotten;
/// a test writes thousands of views both ways and compares the JSON.
/// </summary>
public sealed class StoredJsonRewrite<TView, TAttributes>
{
    private readonly string[] _sourceNames;
    private readonly byte[][] _sourceNamesUtf8;
    private readonly bool[] _isTime;

    // PostgreSQL's jsonb gives an object's keys shortest first, then bytewise: rows come back with
    // their keys in this order, so each key is found at its expected place on the first comparison.
    private readonly int[] _storedOrder;
    private readonly Field[] _fields;
    private readonly int _idSlot;

    private StoredJsonRewrite(string[] sourceNames, bool[] isTime, Func<StoredJsonRewrite<TView, TAttributes>, Field[]> fields)
    {
        _sourceNames = sourceNames;
        _sourceNamesUtf8 = sourceNames.Select(Encoding.UTF8.GetBytes).ToArray();
        _isTime = isTime;
        _storedOrder = Enumerable.Range(0, sourceNames.Length)
            .OrderBy(i => _sourceNamesUtf8[i].Length)
            .ThenBy(i => _sourceNamesUtf8[i], ByteOrder.Instance)
            .ToArray();
        _idSlot = Slot("Id");
        _fields = fields(this);
    }

    /// <summary>
    /// The plan for <typeparamref name="TAttributes"/>: <paramref name="rules"/> gives the attributes
    /// that are not copied by name, each a function from the slot finder (to find the slots it reads) to its rule.
    /// </summary>
    internal static StoredJsonRewrite<TView, TAttributes> Create(IReadOnlyDictionary<string, Func<Func<string, int>, StoredJsonRule>> rules)
    {
        var viewProperties = typeof(TView).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .ToArray();
        var names = viewProperties.Select(p => p.Name).ToArray();
        var isTime = viewProperties.Select(p => IsTime(p.PropertyType)).ToArray();

        return new StoredJsonRewrite<TView, TAttributes>(names, isTime, plan =>
        {
            var fields = new List<Field>();
            var missing = new List<string>();
            foreach (var attribute in typeof(TAttributes).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var name = JsonEncodedText.Encode(JsonNamingPolicy.SnakeCaseLower.ConvertName(attribute.Name));
                if (rules.TryGetValue(attribute.Name, out var rule))
                {
                    fields.Add(new Field(name, -1, rule(plan.Slot)));
                    continue;
                }

                var source = viewProperties.FirstOrDefault(p => p.Name == attribute.Name);
                if (source is null || Underlying(source.PropertyType) != Underlying(attribute.PropertyType))
                {
                    missing.Add(attribute.Name);
                    continue;
                }

                fields.Add(new Field(name, plan.Slot(source.Name), null));
            }

            if (missing.Count > 0)
                throw new InvalidOperationException(
                    $"{typeof(TAttributes).Name}: no rule and no {typeof(TView).Name} property of the same name and type for {string.Join(", ", missing)}");
            return fields.ToArray();
        });
    }

    /// <summary>The slot of a read-model property, for rules.</summary>
    public int Slot(string viewProperty)
    {
        var slot = Array.IndexOf(_sourceNames, viewProperty);
        if (slot < 0)
            throw new InvalidOperationException($"{typeof(TView).Name} has no property {viewProperty}");
        return slot;
    }

    /// <summary>Reads one stored row into <paramref name="row"/>.</summary>
    public void Read(byte[] json, StoredRow row)
    {
        row.Reset(json, _sourceNames.Length);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"A stored {typeof(TView).Name} is not a JSON object");

        var position = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var slot = position < _storedOrder.Length && reader.ValueTextEquals(_sourceNamesUtf8[_storedOrder[position]])
                ? _storedOrder[position]
                : Find(ref reader);
            position++;
            reader.Read();
            if (slot < 0)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                row.Set(slot, start, (int)reader.BytesConsumed - start);
                continue;
            }

            var length = reader.TokenType == JsonTokenType.String
                ? (reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length) + 2
                : reader.ValueSpan.Length;
            row.Set(slot, (int)reader.TokenStartIndex, length);
            if (_isTime[slot] && reader.TokenType == JsonTokenType.String)
                row.SetTime(slot, reader.GetDateTimeOffset());
        }
    }

    /// <summary>Writes <c>{"id":…,"type":…,"attributes":{…}}</c> for the row last read.</summary>
    public void WriteResource(StoredRow row, JsonEncodedText type, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(Names.Id);
        writer.WriteRawValue(row.Raw(_idSlot), skipInputValidation: true);
        writer.WriteString(Names.Type, type);
        writer.WritePropertyName(Names.Attributes);
        WriteAttributes(row, writer);
        writer.WriteEndObject();
    }

    public void WriteAttributes(StoredRow row, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var field in _fields)
        {
            writer.WritePropertyName(field.Name);
            if (field.Rule is { } rule)
                rule(row, writer);
            else if (_isTime[field.Slot])
                StoredJsonRewrite.WriteTime(row.Time(field.Slot), writer);
            else if (row.Has(field.Slot))
                writer.WriteRawValue(row.Raw(field.Slot), skipInputValidation: true);
            else
                writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    private int Find(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _sourceNamesUtf8.Length; i++)
        {
            if (reader.ValueTextEquals(_sourceNamesUtf8[i]))
                return i;
        }

        return -1;
    }

    private static bool IsTime(Type type) => Underlying(type) == typeof(DateTimeOffset);

    private static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private sealed record Field(JsonEncodedText Name, int Slot, StoredJsonRule? Rule);

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }

    private static class Names
    {
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText Attributes = JsonEncodedText.Encode("attributes");
    }
}

/// <summary>
/// The values of one stored row, as places in its UTF-8 text (raw JSON tokens, strings with their
/// quotes and escapes as PostgreSQL wrote them). Reused from row to row.
/// </summary>
public sealed class StoredRow
{
    private byte[] _json = [];
    private int[] _start = [];
    private int[] _length = [];
    private DateTimeOffset?[] _times = [];

    internal void Reset(byte[] json, int slots)
    {
        _json = json;
        if (_start.Length != slots)
        {
            _start = new int[slots];
            _length = new int[slots];
            _times = new DateTimeOffset?[slots];
        }

        Array.Fill(_length, -1);
        Array.Clear(_times);
    }

    internal void Set(int slot, int start, int length)
    {
        _start[slot] = start;
        _length[slot] = length;
    }

    internal void SetTime(int slot, DateTimeOffset value) => _times[slot] = value;

    public bool Has(int slot) => _length[slot] >= 0;

    /// <summary>The raw JSON token (<c>null</c> when the row lacks the property).</summary>
    public ReadOnlySpan<byte> Raw(int slot) => Has(slot) ? _json.AsSpan(_start[slot], _length[slot]) : "null"u8;

    public DateTimeOffset? Time(int slot) => _times[slot];

    public bool IsTrue(int slot) => Raw(slot).SequenceEqual("true"u8);
}

/// <summary>A computed attribute: writes its value from the stored row.</summary>
public delegate void StoredJsonRule(StoredRow row, Utf8JsonWriter writer);

public static class StoredJsonRewrite
{
    /// <summary>
    /// The plan for <typeparamref name="TAttributes"/>: <paramref name="rules"/> gives the attributes
    /// that are not copied by name, each a function from the slot finder (read-model property name to
    /// slot) to its rule.
    /// </summary>
    public static StoredJsonRewrite<TView, TAttributes> Create<TView, TAttributes>(IReadOnlyDictionary<string, Func<Func<string, int>, StoredJsonRule>> rules) =>
        StoredJsonRewrite<TView, TAttributes>.Create(rules);

    /// <summary>A timestamp as the API writes it (§1.10): UTC, whole seconds, <c>Z</c>.</summary>
    public static void WriteTime(DateTimeOffset? value, Utf8JsonWriter writer)
    {
        if (value is not { } time)
        {
            writer.WriteNullValue();
            return;
        }

        Span<byte> text = stackalloc byte[32];
        time.UtcDateTime.TryFormat(text, out var written, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        writer.WriteStringValue(text[..written]);
    }
}
