using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Npq.Api.Json;

/// <summary>
/// A list envelope <c>{"data":[…]}</c> written row by row from stored JSON (issue 13): each row is
/// rewritten into the version's attributes by <paramref name="plan"/> and written to the response
/// as it is read. The query runs before the response starts, so a database failure is still answered
/// with a JSON error; one after the first row can only cut the response short.
/// </summary>
public sealed class StoredJsonListResult<TView, TAttributes>(
    IAsyncEnumerable<byte[]> rows, StoredJsonRewrite<TView, TAttributes> plan, string type) : IActionResult
{
    private const int FlushAt = 32 * 1024;
    private static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var cancellationToken = context.HttpContext.RequestAborted;
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        var more = await enumerator.MoveNextAsync();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var typeName = JsonEncodedText.Encode(type);
        var row = new StoredRow();
        await using var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = ApiJson.Options.Encoder, SkipValidation = true });
        writer.WriteStartObject();
        writer.WritePropertyName(Data);
        writer.WriteStartArray();
        while (more)
        {
            plan.Read(enumerator.Current, row);
            plan.WriteResource(row, typeName, writer);
            if (writer.BytesPending >= FlushAt)
            {
                writer.Flush();
                await response.BodyWriter.FlushAsync(cancellationToken);
            }

            more = await enumerator.MoveNextAsync();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        await response.BodyWriter.FlushAsync(cancellationToken);
    }
}
