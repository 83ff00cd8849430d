using Microsoft.OpenApi;

namespace Npq.Api.OpenApi;

/// <summary>
/// The headers a client can meet on each response (issue 29), declared once under <c>components/headers</c>
/// and referred to from every operation's responses so a generated client exposes them: the request id and
/// the rate limit's on all, <c>Retry-After</c> on 429 and 503, <c>Idempotent-Replayed</c> on a write's
/// success, and on v1 and v2 the deprecation headers.
/// </summary>
public static class ResponseHeaders
{
    private const string RateLimitLimit = "RateLimit-Limit", RateLimitRemaining = "RateLimit-Remaining", RateLimitReset = "RateLimit-Reset",
        RetryAfter = "Retry-After", Deprecation = "Deprecation", Sunset = "Sunset", Link = "Link";

    /// <summary>Each header once, for <c>components/headers</c>.</summary>
    public static Dictionary<string, IOpenApiHeader> Components(string version)
    {
        var headers = new Dictionary<string, IOpenApiHeader>
        {
            [Http.EdgeMiddleware.RequestIdHeader] = Header("This response's id: yours when you sent a valid X-Request-Id, otherwise the server's. Quote it when you report a problem."),
            [RateLimitLimit] = Header("Requests allowed in the window (1,000 per 5 minutes for a token).", JsonSchemaType.Integer),
            [RateLimitRemaining] = Header("Requests left in the window.", JsonSchemaType.Integer),
            [RateLimitReset] = Header("Seconds until a request is freed in the window.", JsonSchemaType.Integer),
            [RetryAfter] = Header("Seconds to wait before sending the request again (with the same Idempotency-Key, for a write).", JsonSchemaType.Integer),
            [Http.IdempotencyMiddleware.ReplayedHeader] = Header("`true` when this is the stored answer to an earlier request with the same Idempotency-Key: nothing was changed again."),
        };
        if (version is "v1" or "v2")
        {
            headers[Deprecation] = Header($"This version is deprecated (RFC 9745): `{Http.LegacyVersions.DeprecationValue}`.");
            headers[Sunset] = Header($"When the reference service switched it off (RFC 8594): `{Http.LegacyVersions.SunsetValue}`.");
            headers[Link] = Header("The guidance on moving to v3 (`rel=\"deprecation\"` and `rel=\"sunset\"`).");
        }

        return headers;
    }

    /// <summary>Refers each response of <paramref name="operation"/> to the headers it can carry.</summary>
    public static void Describe(OpenApiOperation operation, string? httpMethod, string version, OpenApiDocument? document)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var write = httpMethod is "POST" or "PUT";
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete)
                continue;
            var names = new List<string> { Http.EdgeMiddleware.RequestIdHeader, RateLimitLimit, RateLimitRemaining, RateLimitReset };
            if (status is "429" or "503")
                names.Add(RetryAfter);
            if (write && status.StartsWith('2'))
                names.Add(Http.IdempotencyMiddleware.ReplayedHeader);
            if (version is "v1" or "v2")
                names.AddRange([Deprecation, Sunset, Link]);
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var name in names)
                concrete.Headers[name] = new OpenApiHeaderReference(name, document);
        }
    }

    private static OpenApiHeader Header(string description, JsonSchemaType type = JsonSchemaType.String) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type } };
}
