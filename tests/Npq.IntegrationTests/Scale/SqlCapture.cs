using System.Collections.Concurrent;
using Marten;
using Marten.Services;
using Npgsql;

namespace Npq.IntegrationTests.Scale;

/// <summary>One statement the server sent through Marten, with copies of its parameters.</summary>
public sealed record CapturedStatement(string Sql, IReadOnlyList<NpgsqlParameter> Parameters);

/// <summary>
/// A Marten logger that keeps every statement Marten sends while <see cref="Enabled"/> is set, so a test
/// can ask PostgreSQL how it would run each of them (EXPLAIN). Installed in place of the server's own
/// round-trip counter by <see cref="ScanFixture"/>.
/// </summary>
public sealed class SqlCapture : IMartenLogger, IMartenSessionLogger
{
    private readonly ConcurrentQueue<CapturedStatement> _statements = new();

    private volatile bool _enabled;

    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    public IReadOnlyList<CapturedStatement> Drain()
    {
        var drained = new List<CapturedStatement>();
        while (_statements.TryDequeue(out var statement))
            drained.Add(statement);
        return drained;
    }

    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command) => Keep(command.CommandText, command.Parameters);

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
        foreach (var command in batch.BatchCommands)
            Keep(command.CommandText, command.Parameters);
    }

    private void Keep(string sql, System.Data.Common.DbParameterCollection parameters)
    {
        if (_enabled)
            _statements.Enqueue(new CapturedStatement(sql, parameters.Cast<NpgsqlParameter>().Select(p => p.Clone()).ToList()));
    }

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
