using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npq.Domain.Participants;
using Npq.Infrastructure.Audit.Log;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.Audit;

/// <summary>
/// A transaction that appends an event and commits long after others: Marten 9's daemon does not pass
/// a sequence number a transaction still holds (its allocation fence), however long the transaction
/// takes, and passes at once one that was rolled back. The sealer therefore seals in sequence order and
/// never loses a late event; its own watch over passed gaps is a second guard (ADR 0022).
/// </summary>
[Collection(ApiTests.Name)]
public sealed class LateCommitTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_sealer_waits_for_a_transaction_still_open_and_not_for_one_rolled_back()
    {
        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        var sealer = fixture.Services.GetRequiredService<LogSealer>();
        var provider = await fixture.NewLeadProviderAsync();

        // A transaction that appends and then stays open, while others commit after it.
        var (held, heldTransaction, heldConnection) = await AppendAndHoldAsync(store);
        var after = await provider.RegisterAsync();
        var afterSequence = await ScalarAsync("select max(seq_id) from npq.mt_events where stream_id = $1", after.Id);
        await Task.Delay(TimeSpan.FromSeconds(5)); // longer than the daemon's stale-sequence threshold (3 s)
        (await sealer.StateAsync(CancellationToken.None)).LastSequence.ShouldBeLessThan(held, "the sealer passed a sequence a transaction still holds");

        await heldTransaction.CommitAsync();
        await heldConnection.DisposeAsync();
        await WaitAsync(async () => (await sealer.StateAsync(CancellationToken.None)).LastSequence >= afterSequence, "the sealer to seal the late commit and what followed",
            async () => $"sealer at {(await sealer.StateAsync(CancellationToken.None)).LastSequence}, held {held}, after {afterSequence}; progression: {await ProgressionAsync()}");
        var heldLeaf = await ScalarAsync("select idx from npq.audit_log_leaves where sequence = $1", held);
        heldLeaf.ShouldBeLessThan(await ScalarAsync("select idx from npq.audit_log_leaves where sequence = $1", afterSequence)); // in sequence order

        // A transaction that appends and rolls back leaves a gap the sealer passes without waiting.
        var (rolledBack, rollback, rollbackConnection) = await AppendAndHoldAsync(store);
        await rollback.RollbackAsync();
        await rollbackConnection.DisposeAsync();
        var next = await provider.RegisterAsync();
        var nextSequence = await ScalarAsync("select max(seq_id) from npq.mt_events where stream_id = $1", next.Id);
        await WaitAsync(async () => (await sealer.StateAsync(CancellationToken.None)).LastSequence >= nextSequence, "the sealer to pass a rolled-back gap",
            async () => $"sealer at {(await sealer.StateAsync(CancellationToken.None)).LastSequence}, gap {rolledBack}, next {nextSequence}");

        await sealer.CheckpointIfDueAsync(force: true, CancellationToken.None);
        var report = await fixture.Services.GetRequiredService<LogVerifier>().VerifyAsync(
            fixture.Services.GetRequiredService<CheckpointSigner>().VerifierKey!, null, CancellationToken.None);
        report.Findings.ShouldBeEmpty();
    }

    private async Task<(long Sequence, NpgsqlTransaction Transaction, NpgsqlConnection Connection)> AppendAndHoldAsync(IDocumentStore store)
    {
        var id = Guid.NewGuid();
        var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var session = store.LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            session.Events.StartStream(id, new ParticipantRegistered(id, "Held Open", $"held.{id:N}@example.com", null, false, new DateOnly(1980, 1, 1), null, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync(); // the event has its sequence; the transaction stays open
        }

        await using var command = new NpgsqlCommand("select seq_id from npq.mt_events where stream_id = $1", connection, transaction);
        command.Parameters.AddWithValue(id);
        return ((long)(await command.ExecuteScalarAsync())!, transaction, connection);
    }

    private async Task<long> ScalarAsync(string sql, object parameter)
    {
        await using var source = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var command = source.CreateCommand(sql);
        command.Parameters.AddWithValue(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<string> ProgressionAsync()
    {
        await using var source = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var command = source.CreateCommand("select string_agg(name || '=' || last_seq_id, ', ') from npq.mt_event_progression");
        return (await command.ExecuteScalarAsync())?.ToString() ?? "";
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited 60 s for {what}. {(state is null ? "" : await state())}");
            await Task.Delay(100);
        }
    }
}
