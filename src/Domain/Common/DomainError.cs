namespace Npq.Domain.Common;

/// <summary>
/// A broken business rule. <see cref="Title"/> is the contract's error title (the attribute that
/// failed, e.g. <c>application</c> or <c>funded_place</c>); <see cref="Detail"/> explains it.
/// </summary>
public sealed record DomainError(string Title, string Detail);
