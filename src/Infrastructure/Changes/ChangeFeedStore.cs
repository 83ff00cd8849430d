using Npgsql;
using NpgsqlTypes;
using Npq.Application.Changes;
using Npq.Infrastructure.Audit.Log;
using Npq.Infrastructure.Persistence;
using Weasel.Core;
using Weasel.Postgresql.Tables;

namespace Npq.Infrastructure.Changes;

/// <summary>
/// The change feed's tables (ADR 0023): the items, one provider's positions contiguous from 1; each
/// provider's head; who owns which application, declaration and statement (kept from the events, so a
/// replay from the first event gives the same feed); the builder's position and the gaps it passed.
/// </summary>
public sealed class ChangeFeedStore(AuditLogStore audit) : IChangeFeed
{
    // The second feed (ADR 0024): items named from each provider's own view. Its tables are new, so a
    // database that had the first feed builds this one from the first event; cursors of the first answer 410.
    public const string Items = MartenSetup.Schema + ".feed_items";
    public const string Heads = MartenSetup.Schema + ".feed_heads";
    public const string Resources = MartenSetup.Schema + ".feed_resources";
    public const string State = MartenSetup.Schema + ".feed_state";
    public const string Gaps = MartenSetup.Schema + ".feed_gaps";
    public const string Seen = MartenSetup.Schema + ".feed_seen";

    /// <summary>The feed's epoch (ADR 0033): 0 until a restore is recorded, then one more for each; cursors carry the one they were made in.</summary>
    public const string Epoch = MartenSetup.Schema + ".feed_epoch";

    public NpgsqlDataSource Source => audit.Source;

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var items = new Table(Items);
        items.AddColumn<Guid>("provider_id").AsPrimaryKey();
        items.AddColumn<long>("position").AsPrimaryKey();
        items.AddColumn<Guid>("item_id").NotNull();
        items.AddColumn<long>("event_sequence").NotNull(); // internal: how far the log had been read (lag), never served
        items.AddColumn<string>("type").NotNull();
        items.AddColumn<string>("resource_type").NotNull();
        items.AddColumn<Guid>("resource_id").NotNull();
        items.AddColumn<Guid>("participant_id");
        items.AddColumn("occurred_at", "timestamptz").NotNull();
        yield return items;

        var seen = new Table(Seen);
        seen.AddColumn<Guid>("provider_id").AsPrimaryKey();
        seen.AddColumn<Guid>("resource_id").AsPrimaryKey();
        seen.AddColumn("fingerprint", "bytea").NotNull();
        yield return seen;

        var heads = new Table(Heads);
        heads.AddColumn<Guid>("provider_id").AsPrimaryKey();
        heads.AddColumn<long>("position").NotNull();
        yield return heads;

        var resources = new Table(Resources);
        resources.AddColumn<Guid>("resource_id").AsPrimaryKey();
        resources.AddColumn<string>("kind").NotNull();
        resources.AddColumn<Guid>("provider_id").NotNull();
        resources.AddColumn<Guid>("participant_id");
        resources.AddColumn<Guid>("application_id");
        resources.Indexes.Add(new IndexDefinition("ix_feed_resources_application") { Columns = ["application_id"] });
        resources.Indexes.Add(new IndexDefinition("ix_feed_resources_participant") { Columns = ["participant_id"] });
        yield return resources;

        var state = new Table(State);
        state.AddColumn<int>("id").AsPrimaryKey();
        state.AddColumn<long>("last_sequence").NotNull();
        yield return state;

        yield return AuditLogStore.GapTable(Gaps);

        var epoch = new Table(Epoch);
        epoch.AddColumn<int>("id").AsPrimaryKey();
        epoch.AddColumn<int>("epoch").NotNull();
        epoch.AddColumn("since", "timestamptz").NotNull();
        yield return epoch;
    }

    public async Task<ChangesPage> ReadAsync(Guid providerId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await Source.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    $"select item_id, position, type, resource_type, resource_id, participant_id, occurred_at from {Items} where provider_id = $1 and position > $2 order by position limit $3")
                {
                    Parameters = { new() { Value = providerId }, new() { Value = after }, new() { Value = limit } },
                },
                new NpgsqlBatchCommand($"select coalesce((select position from {Heads} where provider_id = $1), 0), coalesce((select epoch from {Epoch} where id = 1), 0)")
                {
                    Parameters = { new() { Value = providerId } },
                },
            },
        };
        var items = new List<ChangeItem>(limit);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new ChangeItem(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetGuid(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero)));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ChangesPage(items, reader.GetInt64(0), reader.GetInt32(1));
    }

    /// <summary>Where the builder is: every event up to this sequence is in the feed.</summary>
    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand($"select coalesce((select last_sequence from {State} where id = 1), 0)");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    internal static async Task WriteItemsAsync(NpgsqlConnection connection, IReadOnlyList<(Guid Provider, long Position, Item Item)> items, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {Items} (provider_id, position, item_id, event_sequence, type, resource_type, resource_id, participant_id, occurred_at) from stdin (format binary)",
            cancellationToken);
        foreach (var (provider, position, item) in items)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(provider, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(position, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, cancellationToken); // random: a rebuilt feed's items never reuse an id
            await importer.WriteAsync(item.Sequence, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(item.Type, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(item.ResourceType, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(item.ResourceId, NpgsqlDbType.Uuid, cancellationToken);
            if (item.ParticipantId is { } participant)
                await importer.WriteAsync(participant, NpgsqlDbType.Uuid, cancellationToken);
            else
                await importer.WriteNullAsync(cancellationToken);
            await importer.WriteAsync(item.OccurredAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>One change for one provider, before it has a position (and so its id).</summary>
    internal sealed record Item(long Sequence, string Type, string ResourceType, Guid ResourceId, Guid? ParticipantId, DateTimeOffset OccurredAt);
}
