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
/// <c>Idempotency-Key</c> on every POST and PUT under <c>/api</c> (issue 15, ADR 0019), with Stripe's
/// semantics. The first request with a key runs inside one <see cref="RequestTransaction"/>; its
/// response, if a 2xx or a 422, is stored in that same transaction, so its writes and its stored
/// response commit together or not at all. A repeat with the same key and the same request (method,
/// path and body) within 24 hours gets the stored status and body with <c>Idempotent-Replayed: true</c>
/// and writes nothing; the same key with another request is a 422; a repeat while the first still
/// runs is a 409. Keys belong to the caller: the token for provider and admin calls, the client
/// address for anonymous registrations. Other statuses (400, 401, 404, 409, 429, 503…) are not kept:
/// nothing was written, and the same key may be sent again.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IDocumentStore store, ILogger<IdempotencyMiddleware> logger)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

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
        catch (Exception exception) when (ErrorMappingMiddleware.Map(exception).Status == StatusCodes.Status422UnprocessableEntity)
        {
            // Refused by a rule: nothing is written (the transaction rolls back); the refusal is kept,
            // in a transaction of its own, as the answer to this key.
            context.Features.Set(responseBody);
            await transaction.Transaction.RollbackAsync(CancellationToken.None);
            var refusal = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(ErrorMappingMiddleware.Map(exception).Body, ApiJson.Options));
            var kept = new StoredResponse(hash, StatusCodes.Status422UnprocessableEntity, "application/json", null, refusal);
            await SaveAloneAsync(scope, key, kept, cancellationToken);
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

    /// <summary>Whose key it is: a hash of the bearer token, or the client's address when there is none.</summary>
    public static string Scope(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? "token:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(authorization[7..].Trim())))
            : "address:" + HttpClientAddress.Of(context);
    }

    private static byte[] Hash(HttpRequest request, byte[] body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method.ToUpperInvariant()} {request.Path.Value?.ToLowerInvariant()}\n"));
        hash.AppendData(body);
        return hash.GetHashAndReset();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > JsonBody.MaxBodyBytes)
            throw new PayloadTooLargeException(JsonBody.MaxBodyBytes);
        using var copy = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            copy.Write(buffer, 0, read);
            if (copy.Length > JsonBody.MaxBodyBytes)
                throw new PayloadTooLargeException(JsonBody.MaxBodyBytes);
        }

        return copy.ToArray();
    }

    private async Task SaveAloneAsync(string scope, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await IdempotencyStore.SaveAsync(connection, null, scope, key, response, cancellationToken);
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
