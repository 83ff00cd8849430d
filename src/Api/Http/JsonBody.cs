using System.Globalization;
using System.Text.Json;
using Npq.Application.Common.Errors;

namespace Npq.Api.Http;

/// <summary>
/// The write envelope <c>{"data":{"type":…,"attributes":{…}}}</c> (§1.3). A body is read only when
/// the request says <c>Content-Type: application/json</c>; malformed JSON is a 400 in the contract's
/// shape (B2); <c>type</c> and unknown attributes are ignored.
/// </summary>
public sealed class JsonBody
{
    /// <summary>The largest request body read (issue 14); larger ones are refused with 413 before they are buffered.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private readonly JsonElement? _attributes;

    private JsonBody(JsonElement? attributes, bool hasData)
    {
        _attributes = attributes;
        HasData = hasData;
    }

    /// <summary>The body had a <c>data</c> key.</summary>
    public bool HasData { get; }

    public bool HasAttributes => _attributes is not null;

    public static async Task<JsonBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
            return new JsonBody(null, false);

        if (request.ContentLength > MaxBodyBytes)
            throw new PayloadTooLargeException(MaxBodyBytes);
        var bytes = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < bytes.Length && (read = await request.Body.ReadAsync(bytes.AsMemory(length), cancellationToken)) > 0)
            length += read;
        if (length > MaxBodyBytes)
            throw new PayloadTooLargeException(MaxBodyBytes);
        var body = bytes.AsMemory(0, length);
        if (body.Span.TrimStart(" \t\r\n"u8).IsEmpty)
            return new JsonBody(null, false);
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
            throw new BadRequestException("The request body is not valid UTF-8");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException exception)
        {
            throw new BadRequestException($"The request body is not valid JSON: {exception.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data))
                return new JsonBody(null, false);
            if (data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("attributes", out var attributes)
                || attributes.ValueKind != JsonValueKind.Object)
            {
                return new JsonBody(null, true);
            }

            return new JsonBody(attributes.Clone(), true);
        }
    }

    /// <summary>Endpoints that need a body: a missing <c>data</c> or <c>attributes</c> is a 400.</summary>
    public JsonBody RequireAttributes()
    {
        if (_attributes is null)
            throw new BadRequestException("The request body must be {\"data\":{\"attributes\":{…}}}: '#/data' and '#/data/attributes' are required");
        return this;
    }

    /// <summary>
    /// Accept and change-funded-place take an optional body, but a body with <c>data</c> must carry
    /// non-empty <c>attributes</c> (§2.1): otherwise a 400.
    /// </summary>
    public JsonBody RequireAttributesWhenDataIsSent()
    {
        if (HasData && (_attributes is not { } attributes || !attributes.EnumerateObject().Any()))
            throw new BadRequestException("'#/data' was sent without attributes: send {\"data\":{\"attributes\":{…}}} or no body");
        return this;
    }

    /// <summary>
    /// The attributes as the typed request record <typeparamref name="T"/> (see <see cref="RequestJson"/>),
    /// or null when the body had none.
    /// </summary>
    public T? Attributes<T>()
        where T : class =>
        _attributes?.Deserialize<T>(RequestJson.Options);

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && contentType.Split(';')[0].Trim().ToLower(CultureInfo.InvariantCulture) is "application/json" or "application/vnd.api+json";
}
