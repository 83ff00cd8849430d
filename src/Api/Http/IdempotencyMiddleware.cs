using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Http.Features;
using Npq.Api.Errors;
using Npq.Api.Json;
using Npq.Application.Common.Errors;
using Npq.Infrastructure.Idempotency;
using Npq.Infrastructure.Persistence;

namespace Npq.Api.Http;

/// <summary>
/// <c>Idempotency-Key</c> on every POST and PUT under <c>/api</c> (issue 15, ADR 0019; scoping ADR 0024),
/// with Stripe's semantics. The first request with a key runs inside one <see cref="RequestTransaction"/>
/// that holds the key's lock; its response, if a 2xx or a 422, is stored in that same transaction, so
/// its writes and its stored response commit together or not at all (a 422 first rolls its writes back
/// to a savepoint, under the same lock). A repeat with the same key and the same request (method, path,
/// query, media type and body) within 24 hours gets the stored status and body with
/// <c>Idempotent-Replayed: true</c> and writes nothing; the same key with another request is a 422; a
/// repeat while the first still runs is a 409. Keys belong to the authenticated caller: the validated
/// token's id and provider, whatever form of <c>Authorization</c> carried it; the client address only
/// when no token was validated (anonymous registrations). Other statuses (400, 401, 404, 409, 429,
/// 503…) are not kept: nothing was written, and the same key may be sent again. A stored answer is
/// never overwritten while it is kept.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IDocumentStore store, ILogger<IdempotencyMiddleware> logger)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;
    private const string RequestSavepoint = "idempotent_request";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method))
            || !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || !request.Headers.TryGetValue(Header, out var values))
        {
            await next(context);
            return;
        }

        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            throw new BadRequestException($"The {Header} header must be one value of 1 to {MaxKeyLength} visible ASCII characters");

        var body = await ReadBodyAsync(request, context.RequestAborted);
        request.Body = new MemoryStream(body, writable: false);
        var scope = Scope(context);
        var hash = Hash(request, body);
        var cancellationToken = context.RequestAborted;

        await using var transaction = await RequestTransaction.BeginAsync(store.Storage.Database.CreateConnection(), cancellationToken);
        if (!await IdempotencyStore.TryLockAsync(transaction, scope, key, cancellationToken))
            throw new ConflictException(Header, $"A request with this {Header} is still being processed; retry once it has finished");

        if (await IdempotencyStore.FindAsync(transaction, scope, key, cancellationToken) is { } stored)
        {
            if (!CryptographicOperations.FixedTimeEquals(stored.RequestHash, hash))
                throw new RuleViolationException(Header, $"This {Header} was used for a different request in the last 24 hours; send a new key with a new request");
            await ReplayAsync(context.Response, stored, cancellationToken);
            return;
        }

        // Run the request in the transaction, its response held back until the commit.
        var responseBody = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var held = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(held));
        await transaction.Transaction.SaveAsync(RequestSavepoint, cancellationToken);
        transaction.Enter();
        try
        {
            await next(context);
            await context.Response.BodyWriter.FlushAsync(cancellationToken);
        }
        catch (Exception exception) when (transaction.Connection.State != System.Data.ConnectionState.Open)
        {
            // The database went away mid-request (Npgsql then says only "Connection is not open").
            throw new DatabaseUnavailableException(exception);
        }
        catch (Exception exception) when (ApiExceptionHandler.Describe(exception).Status == StatusCodes.Status422UnprocessableEntity)
        {
            // Refused by a rule: whatever the request wrote is rolled back to the savepoint, and the
            // refusal is kept as the answer to this key in the same transaction, under the same lock.
            context.Features.Set(responseBody);
            await transaction.Transaction.RollbackAsync(RequestSavepoint, CancellationToken.None);
            var refusal = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(ApiExceptionHandler.Describe(exception).Body, ApiJson.Options));
            var kept = new StoredResponse(hash, StatusCodes.Status422UnprocessableEntity, "application/json", null, refusal);
            await IdempotencyStore.SaveAsync(transaction.Connection, transaction.Transaction, scope, key, kept, cancellationToken);
            await transaction.CommitAsync(cancellationToken); // nothing registered to run after it: the writes it was for are gone
            context.Response.Headers.CacheControl = "no-store";
            await WriteAsync(context.Response, kept, replayed: false, cancellationToken);
            return;
        }
        finally
        {
            context.Features.Set(responseBody);
        }

        var response = context.Response;
        if (response.StatusCode is >= 200 and < 300 or StatusCodes.Status422UnprocessableEntity)
        {
            if (transaction.SessionsJoined == 0)
                logger.LogWarning("{Method} {Path} answered {Status} without a database session in its transaction", request.Method, request.Path, response.StatusCode);
            await IdempotencyStore.SaveAsync(transaction.Connection, transaction.Transaction, scope, key,
                new StoredResponse(hash, response.StatusCode, response.ContentType, response.Headers.Location.ToString() is { Length: > 0 } location ? location : null, held.ToArray()),
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            foreach (var failure in await transaction.RunAfterCommitAsync())
                logger.LogWarning(failure, "After the commit of {Method} {Path}: the outbox will send its messages later", request.Method, request.Path);
        }

        // Anything else rolls back with the transaction; the held response goes out either way.
        held.Position = 0;
        await held.CopyToAsync(responseBody.Stream, cancellationToken);
    }

    /// <summary>
    /// Whose key it is: the validated token (its id and provider), whatever form of the
    /// <c>Authorization</c> header carried it; the client's address only when no token was validated.
    /// </summary>
    public static string Scope(HttpContext context)
    {
        var caller = Authentication.TokenAuthenticationHandler.CallerOf(context.User);
        return caller.TokenId is { } tokenId
            ? $"token:{tokenId:N}:{caller.LeadProviderId?.ToString("N") ?? "-"}"
            : "address:" + HttpClientAddress.Of(context);
    }

    /// <summary>Everything that decides the result: method, path, query, media type and body.</summary>
    private static byte[] Hash(HttpRequest request, byte[] body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var mediaType = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
            ? $"{parsed.MediaType.Value?.ToLowerInvariant()};charset={parsed.Charset.Value?.ToLowerInvariant()}"
            : request.ContentType ?? "";
        hash.AppendData(Encoding.UTF8.GetBytes(
            $"{request.Method.ToUpperInvariant()} {request.Path.Value?.ToLowerInvariant()}{request.QueryString.Value}\n{mediaType}\n"));
        hash.AppendData(body);
        return hash.GetHashAndReset();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > JsonApiInputFormatter.MaxBodyBytes)
            throw new PayloadTooLargeException(JsonApiInputFormatter.MaxBodyBytes);
        using var copy = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            copy.Write(buffer, 0, read);
            if (copy.Length > JsonApiInputFormatter.MaxBodyBytes)
                throw new PayloadTooLargeException(JsonApiInputFormatter.MaxBodyBytes);
        }

        return copy.ToArray();
    }

    private static Task ReplayAsync(HttpResponse response, StoredResponse stored, CancellationToken cancellationToken) =>
        WriteAsync(response, stored, replayed: true, cancellationToken);

    private static async Task WriteAsync(HttpResponse response, StoredResponse stored, bool replayed, CancellationToken cancellationToken)
    {
        response.StatusCode = stored.Status;
        if (stored.ContentType is { } contentType)
            response.ContentType = contentType;
        if (stored.Location is { } location)
            response.Headers.Location = location;
        if (replayed)
            response.Headers[ReplayedHeader] = "true";
        await response.Body.WriteAsync(stored.Body, cancellationToken);
    }
}
