using Npq.Api.Requests;
using System.Text.Json.Serialization;
using Npq.Api.Http;
using Npq.Api.OpenApi;
using Npq.Domain.Declarations;

namespace Npq.Api.V1.Declarations;

/// <summary>Submit a declaration (v1, v2).</summary>
public record DeclarationRequestV1 : IRequestAttributes
{
    [Uuid]
    public required string? ParticipantId { get; init; }

    [ValuesFrom(typeof(DeclarationTypes), nameof(DeclarationTypes.All))]
    public required string? DeclarationType { get; init; }

    /// <summary>RFC 3339 date-time, not in the future.</summary>
    public required string? DeclarationDate { get; init; }

    public required string? CourseIdentifier { get; init; }

    /// <summary>For a completed declaration of a leadership or specialist course: a JSON boolean (or "true"/"false").</summary>
    [JsonConverter(typeof(RequestJson.BooleanOrTextConverter))]
    public bool? HasPassed { get; init; }
}
