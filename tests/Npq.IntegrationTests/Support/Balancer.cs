using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Npq.IntegrationTests.Support;

/// <summary>
/// A load balancer in a host of its own (YARP on Kestrel, loopback): round robin over the API
/// processes, each checked every second on <c>/health/ready</c> (out of rotation after one failure)
/// and taken out as soon as its connections fail. It does not retry: a request cut off by a dying
/// process is answered 502, and the client retries with its idempotency key, as a CRM would.
/// </summary>
public sealed class Balancer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Balancer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<Balancer> StartAsync(IReadOnlyList<Uri> destinations)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "npq", ClusterId = "npq", Match = new RouteMatch { Path = "{**anything}" } }],
            [
                new ClusterConfig
                {
                    ClusterId = "npq",
                    LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                    HealthCheck = new HealthCheckConfig
                    {
                        Active = new ActiveHealthCheckConfig
                        {
                            Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1),
                            Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures, Path = "/health/ready",
                        },
                        Passive = new PassiveHealthCheckConfig
                        {
                            Enabled = true, Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate, ReactivationPeriod = TimeSpan.FromSeconds(60),
                        },
                        AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
                    },
                    Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
                    Destinations = destinations.Select((d, i) => (Name: $"api{i}", Address: d))
                        .ToDictionary(d => d.Name, d => new DestinationConfig { Address = d.Address.ToString() }),
                },
            ]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Balancer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
