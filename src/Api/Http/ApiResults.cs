using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Json;

namespace Npq.Api.Http;

/// <summary>
/// Writes JSON exactly as the contract wants it: <c>Content-Type: application/json</c> with no
/// charset parameter (§1.3), serialised with <see cref="ApiJson.Options"/>.
/// </summary>
public sealed class ApiJsonResult(object body, int statusCode = StatusCodes.Status200OK) : IActionResult
{
    public object Body { get; } = body;

    public int StatusCode { get; } = statusCode;

    public Task ExecuteResultAsync(ActionContext context) => Write(context.HttpContext.Response, StatusCode, Body);

    public static async Task Write(HttpResponse response, int statusCode, object body)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), ApiJson.Options, response.HttpContext.RequestAborted);
    }
}

/// <summary>
/// A CSV download (§1.9): <c>Content-Type: text/csv</c>, its body written by <paramref name="write"/>
/// straight to the response through a 32 KiB buffer.
/// </summary>
public sealed class CsvResult(Func<TextWriter, CancellationToken, Task> write) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/csv";
        await using var writer = new StreamWriter(response.Body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 32 * 1024);
        await write(writer, context.HttpContext.RequestAborted);
        await writer.FlushAsync(context.HttpContext.RequestAborted);
    }
}
