using Npq.Domain.Common;

namespace Npq.Application.Common.Errors;

/// <summary>Base of the failures that the API maps to a contract error (one mapper, in the Api layer).</summary>
public abstract class ApiException(string message) : Exception(message);

/// <summary>401: no valid token, or a token of the wrong kind.</summary>
public sealed class NotAuthenticatedException() : ApiException("HTTP Token: Access denied");

/// <summary>404: unknown id, or an id outside the caller's scope (never say which).</summary>
public sealed class ResourceNotFoundException() : ApiException("Resource not found");

/// <summary>403: the declaration was created by another provider (visible through a transfer).</summary>
/// <summary>The database went away in the middle of the request; its transaction rolled back: 503.</summary>
public sealed class DatabaseUnavailableException(Exception inner) : ApiException("The database connection was lost during the request")
{
    public Exception Inner { get; } = inner;
}

/// <summary>The request clashes with another in flight (an <c>Idempotency-Key</c> in use): 409.</summary>
public sealed class ConflictException(string title, string detail) : ApiException(detail)
{
    public string Title { get; } = title;

    public string Detail { get; } = detail;
}

public sealed class ForbiddenException(string title, string detail) : ApiException(detail)
{
    public string Title { get; } = title;

    public string Detail { get; } = detail;
}

/// <summary>410: a retired participant id; the body carries the id changes.</summary>
public sealed class ParticipantIdChangedException(IReadOnlyList<Participants.ParticipantIdChange> changes)
    : ApiException("Participant ID has been changed")
{
    public IReadOnlyList<Participants.ParticipantIdChange> Changes { get; } = changes;
}

/// <summary>410: something the client holds (a feed cursor) no longer means anything; start again.</summary>
public sealed class GoneException(string title, string detail) : ApiException(detail)
{
    public string Title { get; } = title;

    public string Detail { get; } = detail;
}

/// <summary>400 <c>Bad request</c>: malformed input (filters, paging, envelope, JSON).</summary>
public sealed class BadRequestException(string detail) : ApiException(detail)
{
    public string Detail { get; } = detail;
}

/// <summary>413: a request body larger than the service reads.</summary>
public sealed class PayloadTooLargeException(int limit) : ApiException($"The request body is larger than {limit} bytes")
{
    public string Detail { get; } = $"The request body is larger than {limit} bytes";
}

/// <summary>422: broken business rules, one entry per (attribute, message).</summary>
public sealed class RuleViolationException : ApiException
{
    public RuleViolationException(IReadOnlyList<DomainError> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Title}: {e.Detail}")))
    {
        Errors = errors;
    }

    public RuleViolationException(string title, string detail) : this([new DomainError(title, detail)])
    {
    }

    public IReadOnlyList<DomainError> Errors { get; }
}
