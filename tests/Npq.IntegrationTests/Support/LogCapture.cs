using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Npq.IntegrationTests.Support;

/// <summary>
/// Every log line the in-process test servers write at Information and above (message, scopes,
/// exception), and every personal value or token the tests send, for the check that no log line ever
/// carries one (issue 17): <see cref="Leaks"/> is asserted when the shared fixture is disposed, i.e.
/// over the logs of the whole run of the tests that share it.
/// </summary>
public static class LogCapture
{
    private static readonly ConcurrentQueue<string> Lines = new();
    private static readonly ConcurrentDictionary<string, string> Sent = new(StringComparer.Ordinal);

    /// <summary>Remembers a value the logs must never show (an email, a date of birth, a token, …).</summary>
    public static void Secret(string kind, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && value.Length >= 8)
            Sent.TryAdd(value, kind);
    }

    public static int LineCount => Lines.Count;

    public static IEnumerable<string> Snapshot() => Lines.ToArray();

    internal static void Write(string line) => Lines.Enqueue(line);

    /// <summary>The kinds of sent values found in the captured lines, with a line that shows one.</summary>
    public static IReadOnlyList<string> Leaks(IEnumerable<string>? lines = null, IReadOnlyDictionary<string, string>? sent = null)
    {
        var values = sent ?? Sent;
        if (values.Count == 0)
            return [];
        var search = SearchValues.Create(values.Keys.ToArray(), StringComparison.Ordinal);
        var leaks = new List<string>();
        foreach (var line in lines ?? Lines)
        {
            var at = line.AsSpan().IndexOfAny(search);
            if (at < 0)
                continue;
            var found = values.Keys.First(v => line.AsSpan(at).StartsWith(v, StringComparison.Ordinal));
            leaks.Add($"{values[found]} in: {line[..Math.Min(line.Length, 300)]}");
            if (leaks.Count >= 10)
                break;
        }

        return leaks;
    }
}

/// <summary>The logger provider the test servers add: one line per entry, with its scopes.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            provider._scopes.ForEachScope((scope, builder) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                        builder.Append(" [").Append(key).Append('=').Append(value).Append(']');
                }
                else
                {
                    builder.Append(" [").Append(scope).Append(']');
                }
            }, line);
            if (exception is not null)
                line.Append(' ').Append(exception);
            LogCapture.Write(line.ToString());
        }
    }
}
