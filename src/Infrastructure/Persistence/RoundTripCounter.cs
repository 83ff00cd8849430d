using Marten;
using Marten.Services;
using Npgsql;

namespace Npq.Infrastructure.Persistence;

/// <summary>
/// Counts the database round trips Marten makes on behalf of one request (every session the request
/// opens, the token lookup included). The HTTP edge reports the count in a <c>Server-Timing</c>
/// header, which lets tests and benchmarks prove that a page costs a constant number of queries.
/// </summary>
public sealed class RoundTripCounter : IMartenLogger, IMartenSessionLogger
{
    private static readonly AsyncLocal<Tally?> Current = new();

    public sealed class Tally
    {
        private int _count;

        public int Count => _count;

        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>Starts counting for the current asynchronous flow (one request).</summary>
    public static Tally Begin() => Current.Value = new Tally();

    /// <summary>Counts a round trip made outside Marten's sessions (the rate limiter's upsert).</summary>
    public static void Record() => Current.Value?.Add();

    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command) => Current.Value?.Add();

    public void OnBeforeExecute(NpgsqlBatch batch) => Current.Value?.Add();

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception ex)
    {
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlBatch batch, Exception ex)
    {
    }

    public void LogFailure(Exception ex, string message)
    {
    }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }
}
