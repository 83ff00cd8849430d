using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Npq.Api.Http;

/// <summary>
/// How request attributes are deserialised into the typed request records (issue 14): snake_case
/// names, unknown attributes ignored, and never a deserialisation error for a value of the wrong
/// JSON type, because the contract answers those with its own 422 per attribute (§1.3):
/// <list type="bullet">
/// <item>a text property takes a string as it is, a number or boolean as its JSON text, and an
/// object or array as its JSON text, which no rule accepts;</item>
/// <item>a <c>bool?</c> property takes only a JSON boolean; any other value reads as absent;</item>
/// <item><c>required</c> members are required in the OpenAPI documents, not here: a missing one is
/// null and the validator or the domain says so in the contract's words.</item>
/// </list>
/// </summary>
public static class RequestJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            MaxDepth = 32,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver
            {
                Modifiers =
                {
                    type =>
                    {
                        foreach (var property in type.Properties)
                            property.IsRequired = false;
                    },
                },
            },
        };
        options.Converters.Add(new TextConverter());
        options.Converters.Add(new JsonBooleanConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Any JSON value as text (see <see cref="RequestJson"/>).</summary>
    public sealed class TextConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => null,
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
            _ => Raw(ref reader),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        private static string Raw(ref Utf8JsonReader reader)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.GetRawText();
        }
    }

    /// <summary>Only a JSON <c>true</c> or <c>false</c>; anything else reads as absent.</summary>
    public class JsonBooleanConverter : JsonConverter<bool?>
    {
        public override bool HandleNull => true;

        public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True:
                    return true;
                case JsonTokenType.False:
                    return false;
                default:
                    return Otherwise(ref reader);
            }
        }

        /// <summary>What a value that is not a JSON boolean reads as: absent.</summary>
        protected virtual bool? Otherwise(ref Utf8JsonReader reader)
        {
            reader.Skip();
            return null;
        }

        public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
        {
            if (value is { } b)
                writer.WriteBooleanValue(b);
            else
                writer.WriteNullValue();
        }
    }

    /// <summary>A JSON boolean, or the strings <c>"true"</c>/<c>"false"</c> (<c>has_passed</c>, §1.3); anything else is absent.</summary>
    public sealed class BooleanOrTextConverter : JsonBooleanConverter
    {
        protected override bool? Otherwise(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("true"u8))
                return true;
            if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("false"u8))
                return false;
            return base.Otherwise(ref reader);
        }
    }
}
