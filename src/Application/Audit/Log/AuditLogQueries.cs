using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.Audit.Log;

/// <summary>The log's public key, as auditors' tools take it (ADR 0022).</summary>
public sealed record LogKey(string Origin, string Algorithm, string KeyName, string KeyId, string PublicKey, string VerifierKey)
{
    /// <summary>The log's earlier keys, whose checkpoints still verify (ADR 0032); empty until a key is rotated.</summary>
    public IReadOnlyList<RetiredLogKey> RetiredKeys { get; init; } = [];
}

/// <summary>An earlier key of the log: its id and verifier key, and the largest tree size it may have signed, when bounded.</summary>
public sealed record RetiredLogKey(string KeyId, string VerifierKey, long? LastCheckpoint);

/// <summary>A signed checkpoint: the tree of the first <see cref="TreeSize"/> events, its root, when, and the signed note.</summary>
public sealed record CheckpointView(long TreeSize, string RootHash, DateTimeOffset Time, string Note);

/// <summary>RFC 9162 inclusion proof of one event in one checkpoint's tree (hashes base64).</summary>
public sealed record InclusionProof(
    long Sequence, long LeafIndex, long TreeSize, string LeafInput, string LeafHash, IReadOnlyList<string> InclusionPath, string RootHash, string Checkpoint);

/// <summary>RFC 9162 consistency proof between two checkpoints' trees (hashes base64).</summary>
public sealed record ConsistencyProof(long FirstTreeSize, long SecondTreeSize, string FirstRootHash, string SecondRootHash, IReadOnlyList<string> Consistency);

/// <summary>The sealed log, as the audit API reads it (implemented in Infrastructure).</summary>
public interface IAuditLog
{
    LogKey? Key { get; }

    /// <summary>The sealer's position: every sequence number up to it has its event committed, or never will.</summary>
    Task<long> SealedThroughAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<CheckpointView>> CheckpointsAsync(long after, int limit, CancellationToken cancellationToken);

    /// <summary>Null when the event or the checkpoint is unknown, or the event is not in that checkpoint's tree.</summary>
    Task<InclusionProof?> InclusionAsync(long sequence, long checkpoint, CancellationToken cancellationToken);

    /// <summary>Null when either checkpoint is unknown.</summary>
    Task<ConsistencyProof?> ConsistencyAsync(long first, long second, CancellationToken cancellationToken);

    /// <summary>The checkpoint of the largest tree; null before the first.</summary>
    Task<CheckpointView?> LatestCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Hash tile <paramref name="index"/> of tile level <paramref name="level"/> (<see cref="LogTiles"/>); null when not all its nodes are sealed.</summary>
    Task<byte[]?> HashTileAsync(int level, long index, int width, CancellationToken cancellationToken);

    /// <summary>
    /// Receipts for the events of stream <paramref name="streamId"/> that a token of <paramref name="leadProviderId"/>
    /// caused and the latest checkpoint covers (at most 100, oldest first).
    /// </summary>
    Task<IReadOnlyList<Receipt>> ReceiptsAsync(Guid streamId, Guid leadProviderId, CancellationToken cancellationToken);

    /// <summary>Entry bundle <paramref name="index"/> (<see cref="LogTiles"/>); null when not all its leaves are sealed.</summary>
    Task<byte[]?> EntryBundleAsync(long index, int width, CancellationToken cancellationToken);
}

/// <summary>The public key of the log (published: anyone may check a checkpoint).</summary>
public sealed record GetLogKey(Caller Caller) : IQuery<LogKey>, IAnonymousRequest;

public sealed class GetLogKeyHandler(IAuditLog log) : IQueryHandler<GetLogKey, LogKey>
{
    public ValueTask<LogKey> Handle(GetLogKey query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(log.Key ?? throw new ResourceNotFoundException());
}

public sealed record ListCheckpoints(Caller Caller, long After, int Limit) : IQuery<IReadOnlyList<CheckpointView>>, IAuditorRequest;

public sealed class ListCheckpointsHandler(IAuditLog log) : IQueryHandler<ListCheckpoints, IReadOnlyList<CheckpointView>>
{
    public async ValueTask<IReadOnlyList<CheckpointView>> Handle(ListCheckpoints query, CancellationToken cancellationToken) =>
        await log.CheckpointsAsync(query.After, query.Limit, cancellationToken);
}

public sealed record GetInclusionProof(Caller Caller, long Sequence, long Checkpoint) : IQuery<InclusionProof>, IAuditorRequest;

public sealed class GetInclusionProofHandler(IAuditLog log) : IQueryHandler<GetInclusionProof, InclusionProof>
{
    public async ValueTask<InclusionProof> Handle(GetInclusionProof query, CancellationToken cancellationToken) =>
        await log.InclusionAsync(query.Sequence, query.Checkpoint, cancellationToken) ?? throw new ResourceNotFoundException();
}

public sealed record GetConsistencyProof(Caller Caller, long First, long Second) : IQuery<ConsistencyProof>, IAuditorRequest;

public sealed class GetConsistencyProofHandler(IAuditLog log) : IQueryHandler<GetConsistencyProof, ConsistencyProof>
{
    public async ValueTask<ConsistencyProof> Handle(GetConsistencyProof query, CancellationToken cancellationToken) =>
        await log.ConsistencyAsync(query.First, query.Second, cancellationToken) ?? throw new ResourceNotFoundException();
}
