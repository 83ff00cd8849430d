using Microsoft.Extensions.Options;

namespace Npq.Api;

/// <summary>
/// A server that cannot start because of its settings says so in one line per problem on standard error
/// and exits with <see cref="ExitCode"/> (issue 28), instead of a runtime abort and a stack trace. Every
/// option is validated when the host starts (<c>ValidateOnStart</c>), so all problems are listed at once.
/// </summary>
public static class StartupProblems
{
    public const int ExitCode = 2;

    /// <summary>The settings' problems an exception from the host's start carries (none if it is not about settings).</summary>
    public static IReadOnlyList<string> Of(Exception exception) => exception switch
    {
        OptionsValidationException invalid => invalid.Failures.ToList(),
        AggregateException all when all.InnerExceptions.All(e => e is OptionsValidationException) =>
            all.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures).ToList(),
        _ => [],
    };

    /// <summary>
    /// Validates every option (before anything resolves one, so all problems are found together), sets the
    /// request pipeline up and runs the server; on settings that are wrong, one line each on standard error
    /// and <see cref="ExitCode"/>.
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            app.UseNpq();
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (Of(exception) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
                await Console.Error.WriteLineAsync($"configuration: {problem}");
            return ExitCode;
        }
    }
}
