namespace Npq.Api.Json;

/// <summary>One resource in the contract's envelope (§1.4).</summary>
public sealed record Resource<T>(Guid Id, string Type, T Attributes);

public sealed record SingleEnvelope<T>(Resource<T> Data);

public sealed record ListEnvelope<T>(IReadOnlyList<Resource<T>> Data);
