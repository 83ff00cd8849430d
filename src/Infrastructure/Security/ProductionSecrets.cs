using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Npq.Infrastructure.Security;

/// <summary>
/// Production never runs on a secret that is public (issue 24): the token secret and the audit signing
/// key committed for Sandbox and Development (read from the same <c>appsettings.*.json</c> files the
/// build ships, so the list cannot drift from them), and never without an audit signing key while it
/// seals the log (a sealer with no key would sign nothing). Each refusal is one line naming the setting.
/// Checked when the host starts (with the options validated on start), before any service runs.
/// </summary>
public static class ProductionSecrets
{
    public static void Register(IServiceCollection services)
    {
        services.AddOptions<Checked>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<Checked>, Validator>();
    }

    /// <summary>Nothing to configure: the options whose validation on start runs the check.</summary>
    public sealed class Checked;

    private sealed class Validator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<Checked>
    {
        public ValidateOptionsResult Validate(string? name, Checked options)
        {
            try
            {
                Check(configuration, environment);
                return ValidateOptionsResult.Success;
            }
            catch (InvalidOperationException refused)
            {
                return ValidateOptionsResult.Fail(refused.Message);
            }
        }
    }

    private static readonly string[] CommittedFiles = ["appsettings.Sandbox.json", "appsettings.Development.json"];

    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!environment.IsProduction())
            return;

        var committedKeys = CommittedFiles
            .Select(file => new ConfigurationBuilder().SetBasePath(environment.ContentRootPath).AddJsonFile(file, optional: true).Build())
            .SelectMany(c => new[] { c["Npq:Tokens:Secret"], c["Npq:Audit:SigningKey"] })
            .Where(v => !string.IsNullOrEmpty(v))
            .ToHashSet(StringComparer.Ordinal);

        if (configuration["Npq:Tokens:Secret"] is { Length: > 0 } secret && committedKeys.Contains(secret))
            throw new InvalidOperationException("Production refuses Npq:Tokens:Secret: it is a Sandbox or Development secret committed to the repository; set Npq__Tokens__Secret from your secret store.");

        var signingKey = configuration["Npq:Audit:SigningKey"] is { Length: > 0 } inline ? inline
            : configuration["Npq:Audit:SigningKeyFile"] is { Length: > 0 } file && File.Exists(file) ? File.ReadAllText(file).Trim()
            : null;
        if (signingKey is not null && committedKeys.Contains(signingKey))
            throw new InvalidOperationException("Production refuses Npq:Audit:SigningKey: it is a Sandbox or Development key committed to the repository; make one with 'audit new-key' and set Npq__Audit__SigningKey or Npq__Audit__SigningKeyFile.");
        if (signingKey is null && configuration.GetValue("Npq:Audit:Seal", true))
            throw new InvalidOperationException("Production refuses to start without an audit signing key: set Npq__Audit__SigningKey or Npq__Audit__SigningKeyFile (make one with 'audit new-key'), or Npq__Audit__Seal=false on a process that leaves sealing to others.");
    }
}
