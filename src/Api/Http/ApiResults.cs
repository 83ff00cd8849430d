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

/// <summary>A CSV download (§1.9): <c>Content-Type: text/csv</c>.</summary>
public sealed class CsvResult(string content) : IActionResult
{
    public string Content { get; } = content;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/csv";
        await response.WriteAsync(Content, context.HttpContext.RequestAborted);
    }
}
