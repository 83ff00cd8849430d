using Npgsql;

namespace Npq.Infrastructure.Persistence;

/// <summary>
/// One PostgreSQL transaction for a whole request (issue 15, ADR 0019): every Marten session opened
/// while it is <see cref="Current"/> (the document session of the write and the query sessions of the
/// reads around it) joins it instead of committing on its own, so whatever the request appends,
/// reads back and records about itself (its idempotent response) commits together or not at all.
/// Work that must wait for the commit (sending the outbox's messages) is registered with
/// <see cref="AfterCommit"/>.
/// </summary>
public sealed class RequestTransaction : IAsyncDisposable
{
    private static readonly AsyncLocal<RequestTransaction?> Ambient = new();
    private readonly List<Func<Task>> _afterCommit = [];

    private RequestTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The transaction of the request being served on this async flow, if it has one.</summary>
    public static RequestTransaction? Current => Ambient.Value;

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>How many Marten sessions have joined (a write that joined none did not run in it).</summary>
    public int SessionsJoined { get; private set; }

    public static async Task<RequestTransaction> BeginAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        return new RequestTransaction(connection, transaction);
    }

    /// <summary>Makes this the transaction of the current async flow (the rest of the request).</summary>
    public void Enter() => Ambient.Value = this;

    internal void Joined() => SessionsJoined++;

    /// <summary>Runs after a successful commit, in order; never if the transaction rolls back.</summary>
    public void AfterCommit(Func<Task> action) => _afterCommit.Add(action);

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    /// <summary>
    /// The work registered with <see cref="AfterCommit"/>, once committed. Its failures are returned, not
    /// thrown: the commit stands, and what it stored (outbox messages) is picked up later.
    /// </summary>
    public async Task<IReadOnlyList<Exception>> RunAfterCommitAsync()
    {
        var failures = new List<Exception>();
        foreach (var action in _afterCommit)
        {
            try
            {
                await action();
            }
            catch (Exception exception)
            {
                failures.Add(exception);
            }
        }

        return failures;
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync(); // rolls back if not committed
        await Connection.DisposeAsync();
    }
}
