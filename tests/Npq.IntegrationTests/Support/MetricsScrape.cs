using System.Globalization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Npq.IntegrationTests.Support;

/// <summary>
/// Scrapes <c>/metrics</c> of an in-process server as Prometheus would: on the metrics port, which the
/// in-memory test server has no socket for, so the request is made with that local port set (issue 24:
/// the API's own port never answers <c>/metrics</c>).
/// </summary>
public static class MetricsScrape
{
    /// <param name="path">Another path the metrics port serves (<c>/health/daemon</c>).</param>
    public static async Task<(int Status, string Body)> ReadAsync(WebApplicationFactory<Program> factory, string path = "/metrics")
    {
        var port = int.Parse(factory.Services.GetRequiredService<IConfiguration>()["Npq:Metrics:Port"]!, CultureInfo.InvariantCulture);
        var context = await factory.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = path;
            http.Connection.LocalPort = port;
        });
        using var reader = new StreamReader(context.Response.Body);
        return (context.Response.StatusCode, await reader.ReadToEndAsync());
    }
}
