using System.Buffers;
using System.Text;
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

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var cancellationToken = context.HttpContext.RequestAborted;
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        var more = await enumerator.MoveNextAsync();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var quotedType = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(type));

        // Rows are written into one buffer of this request and handed to the response in blocks:
        // asking Kestrel's pipe for a span larger than its 4 KiB blocks would allocate one per row.
        var buffer = new ArrayBufferWriter<byte>(2 * FlushAt);
        var row = new StoredRow();
        buffer.Write("{\"data\":["u8);
        var first = true;
        while (more)
        {
            if (!first)
                buffer.Write(","u8);
            first = false;
            plan.Read(enumerator.Current, row);
            plan.WriteResource(row, quotedType, buffer);
            if (buffer.WrittenCount >= FlushAt)
            {
                await response.BodyWriter.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }

            more = await enumerator.MoveNextAsync();
        }

        buffer.Write("]}"u8);
        await response.BodyWriter.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }
}
