using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.Formatters;
using Npq.Api.Requests;
using Npq.Application.Common.Errors;

namespace Npq.Api.Http;

/// <summary>
/// Binds the write envelope <c>{"data":{"type":…,"attributes":{…}}}</c> (§1.3) to a controller's
/// <see cref="RequestEnvelope{T}"/> parameter, with the contract's answers for what cannot be bound:
/// <list type="bullet">
/// <item>a body is read only when the request says <c>Content-Type: application/json</c> (or
/// <c>application/vnd.api+json</c>); any other body is treated as absent;</item>
/// <item>more than <see cref="MaxBodyBytes"/> is a 413 before it is buffered; bytes that are not
/// UTF-8, or malformed JSON, a 400 (B2);</item>
/// <item>a required body without <c>data.attributes</c> is a 400; an optional one (accept and
/// change-funded-place, <c>[FromBody(EmptyBodyBehavior = Allow)]</c>) may be absent, but a
/// <c>data</c> without non-empty <c>attributes</c> is a 400 (§2.1);</item>
/// <item>the attributes are read with <see cref="RequestJson"/>: a value of the wrong JSON type
/// never fails here, so the validators and rules answer it with the contract's 422; <c>type</c> and
/// unknown attributes are ignored.</item>
/// </list>
/// Its failures are the API's own exceptions (<see cref="IInputFormatterExceptionPolicy"/>: only
/// MVC's own formatting errors would go to model state), so they reach <c>ApiExceptionHandler</c>.
/// </summary>
public sealed class JsonApiInputFormatter : IInputFormatter, IInputFormatterExceptionPolicy, IApiRequestFormatMetadataProvider
{
    /// <summary>The largest request body read (issue 14); larger ones are refused with 413 before they are buffered.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly System.Reflection.MethodInfo EnvelopeOf =
        typeof(JsonApiInputFormatter).GetMethod(nameof(Envelope), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    public InputFormatterExceptionPolicy ExceptionPolicy => InputFormatterExceptionPolicy.MalformedInputExceptions;

    public bool CanRead(InputFormatterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsEnvelope(context.ModelType);
    }

    public IReadOnlyList<string>? GetSupportedContentTypes(string? contentType, Type objectType) =>
        IsEnvelope(objectType) ? ["application/json"] : null;

    public async Task<InputFormatterResult> ReadAsync(InputFormatterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        var (attributes, hasData) = await ReadAttributesAsync(request, context.HttpContext.RequestAborted);
        if (context.TreatEmptyInputAsDefaultValue)
        {
            if (hasData && (attributes is not { } sent || !sent.EnumerateObject().Any()))
                throw new BadRequestException("'#/data' was sent without attributes: send {\"data\":{\"attributes\":{…}}} or no body");
            if (attributes is null)
                return await InputFormatterResult.SuccessAsync(null);
        }
        else if (attributes is null)
        {
            throw new BadRequestException("The request body must be {\"data\":{\"attributes\":{…}}}: '#/data' and '#/data/attributes' are required");
        }

        var attributesType = context.ModelType.GetGenericArguments()[0];
        return await InputFormatterResult.SuccessAsync(EnvelopeOf.MakeGenericMethod(attributesType).Invoke(null, [attributes!.Value]));
    }

    private static RequestEnvelope<T> Envelope<T>(JsonElement attributes)
        where T : class =>
        new() { Data = new RequestData<T> { Attributes = attributes.Deserialize<T>(RequestJson.Options)! } };

    private static bool IsEnvelope(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(RequestEnvelope<>);

    /// <summary>The body's <c>data.attributes</c> object, if any, and whether it had a <c>data</c> key.</summary>
    private static async Task<(JsonElement? Attributes, bool HasData)> ReadAttributesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
            return (null, false);

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
            return (null, false);
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
                return (null, false);
            if (data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("attributes", out var attributes)
                || attributes.ValueKind != JsonValueKind.Object)
            {
                return (null, true);
            }

            return (attributes.Clone(), true);
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && contentType.Split(';')[0].Trim().ToLower(CultureInfo.InvariantCulture) is "application/json" or "application/vnd.api+json";
}
