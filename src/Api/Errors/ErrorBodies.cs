using Npq.Domain.Common;

namespace Npq.Api.Errors;

/// <summary>The contract's error bodies (§1.5).</summary>
public static class ErrorBodies
{
    public sealed record SingleError(string Error);

    public sealed record ErrorEntry(string Title, string Detail);

    public sealed record ErrorList(IReadOnlyList<ErrorEntry> Errors);

    public sealed record IdChange(Guid FromParticipantId, Guid ToParticipantId, DateTimeOffset ChangedAt);

    public sealed record GoneEntry(string Title, string Detail, IReadOnlyList<IdChange> ParticipantIdChanges);

    public sealed record GoneList(IReadOnlyList<GoneEntry> Errors);

    public static SingleError AccessDenied { get; } = new("HTTP Token: Access denied");

    public static SingleError NotFound { get; } = new("Resource not found");

    public static SingleError InternalError { get; } = new("Internal server error");

    public static ErrorList BadRequest(string detail) => new([new ErrorEntry("Bad request", detail)]);

    public static ErrorList Unprocessable(IEnumerable<DomainError> errors) =>
        new(errors.Select(e => new ErrorEntry(e.Title, e.Detail)).Distinct().ToList());
}
