using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Npq.IntegrationTests.Support;

/// <summary>The real server (every middleware, the real pipeline) on the test database, in the Sandbox environment.</summary>
public sealed class ApiFactory(
    string connectionString, string environment = "Sandbox", IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string TokenSecret = "integration-tests-token-key-0123456789abcdef";

    /// <summary>The sealed log's signing key in the tests (an Ed25519 seed; public, like the sandbox's).</summary>
    public const string AuditSigningKey = "q0Lm3b0Xh2v6gq1sYt0ZbXb7c3cJ4kq5mV8nR2pW9sU=";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.ConfigureAppConfiguration(configuration =>
        {
            var values = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Npq"] = connectionString,
                ["Npq:Tokens:Secret"] = TokenSecret,
                ["Npq:Seed:OnStart"] = "false",
                ["Npq:Registration:Enabled"] = "true",
                ["Npq:Registration:SevenDigitTrnIsVerified"] = "true",
                ["Npq:Audit:SigningKey"] = AuditSigningKey,
                ["Logging:LogLevel:Default"] = "Warning",
                // The round-trip tests read Server-Timing, which Sandbox leaves out unless an operator turns it on.
                ["Npq:ServerTiming:Enabled"] = "true",
                // Tests send thousands of requests from one client; the rate-limit tests set their own limits.
                ["Npq:RateLimit:PermitsPerToken"] = "1000000",
                ["Npq:RateLimit:PermitsPerIp"] = "1000000",
                // Refusals are answered late in service (a flood's cost); the tests that meet them need not wait.
                ["Npq:RateLimit:RefusalDelayMilliseconds"] = "0",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                values[key] = value;
            configuration.AddInMemoryCollection(values);
        });
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(new CapturingLoggerProvider());
            logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Information); // whatever the console's level
        });
        if (services is not null)
            builder.ConfigureServices(services);
    }
}
