using System.Buffers;
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

    // The bytes a row adds beyond its stored values: names, punctuation and what rules write.
    private readonly int _fixedBytes;

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
        _fixedBytes = 64 + _fields.Sum(f => f.Prefix.Length + RawJson.MostARuleWrites);
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
                var name = Encoding.UTF8.GetBytes((fields.Count == 0 ? "" : ",") + JsonSerializer.Serialize(JsonNamingPolicy.SnakeCaseLower.ConvertName(attribute.Name)) + ":");
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
        }
    }

    /// <summary>
    /// Writes <c>{"id":…,"type":…,"attributes":{…}}</c> for the row last read, straight into
    /// <paramref name="output"/>: names are pre-encoded, values are the stored tokens (PostgreSQL's
    /// jsonb text is valid JSON with every string escaped), so no writer re-checks them.
    /// </summary>
    public void WriteResource(StoredRow row, ReadOnlySpan<byte> quotedType, IBufferWriter<byte> output)
    {
        // Every value written is a stored token or a rule's short output, so twice the row is more than enough.
        var span = output.GetSpan((2 * row.Length) + _fixedBytes + quotedType.Length);
        var json = new RawJson(span);
        json.Write("{\"id\":"u8);
        json.Write(row.Raw(_idSlot));
        json.Write(",\"type\":"u8);
        json.Write(quotedType);
        json.Write(",\"attributes\":{"u8);
        foreach (var field in _fields)
        {
            json.Write(field.Prefix);
            if (field.Rule is { } rule)
                rule(row, ref json);
            else if (_isTime[field.Slot])
                json.WriteTime(row.Time(field.Slot)); // parsed only for the times written
            else
                json.Write(row.Raw(field.Slot));
        }

        json.Write("}}"u8);
        output.Advance(json.Position);
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

    /// <summary>An attribute: its name as written (<c>,"name":</c>), and where its value comes from.</summary>
    private sealed record Field(byte[] Prefix, int Slot, StoredJsonRule? Rule);

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
