using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.RateLimiting;

/// <summary>ADR 0018: X-Forwarded-For chooses the address a limit is kept for only when it comes from a configured proxy.</summary>
[Collection(ApiTests.Name)]
public sealed class ForwardedHeadersTests(ApiFixture fixture)
{
    [Fact]
    public async Task Without_a_configured_proxy_a_forwarded_address_is_ignored()
    {
        await using var factory = new ApiFactory(fixture.Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Npq:RateLimit:PermitsPerIp"] = "50",
        });
        var proxy = RandomAddress();

        var first = await RemainingAsync(factory, proxy, RandomAddress());
        var second = await RemainingAsync(factory, proxy, RandomAddress());

        second.ShouldBe(first - 1, "both were counted for the connection's own address");
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_forwarded_client_has_its_own_limit()
    {
        var proxy = RandomAddress();
        await using var factory = new ApiFactory(fixture.Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Npq:RateLimit:PermitsPerIp"] = "50",
            ["Npq:ForwardedHeaders:KnownProxies:0"] = proxy.ToString(),
        });

        var first = await RemainingAsync(factory, proxy, RandomAddress());
        var second = await RemainingAsync(factory, proxy, RandomAddress());
        var again = await RemainingAsync(factory, RandomAddress(), RandomAddress()); // not the proxy: its header is ignored

        first.ShouldBe(49);
        second.ShouldBe(49, "another client behind the proxy starts its own window");
        again.ShouldBe(49);
    }

    private static async Task<int> RemainingAsync(ApiFactory factory, IPAddress remote, IPAddress forwardedFor)
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/api/v3/npq-applications";
            c.Connection.RemoteIpAddress = remote;
            c.Request.Headers["X-Forwarded-For"] = forwardedFor.ToString();
        });
        context.Response.StatusCode.ShouldBe(StatusCodes.Status401Unauthorized);
        return int.Parse(context.Response.Headers["RateLimit-Remaining"].ToString(), CultureInfo.InvariantCulture);
    }

    private static IPAddress RandomAddress() =>
        new([198, 51, (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(1, 255)]);
}
