using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Application.Changes;
using Npq.Application.Common.Errors;
using Npq.Infrastructure.Tokens;

namespace Npq.Api.V3.Changes;

/// <summary>One change in the caller's feed, with where to read the resource now.</summary>
public sealed record ChangeV3(
    [property: Description("The item's id: the same change may be delivered twice (at least once); keep the ids you have applied.")] Guid Id,
    [property: Description("The change's place in your feed: 1, 2, 3, … with no gaps. A jump means something was missed: report it.")] long Position,
    [property: Description("What happened to the resource as you see it: application_created, application_updated, application_removed (no longer yours, after a transfer); likewise declaration_…, statement_… and participant_updated.")] string Type,
    [property: Description("npq-application, participant-declaration, statement or participant.")] string ResourceType,
    Guid ResourceId,
    [property: Description("The participant the change concerns, when there is one: read their record again too.")] Guid? ParticipantId,
    [property: Description("The resource's updated_at after the change (for a removal, when it left your hands).")] DateTimeOffset OccurredAt,
    ChangeLinks Links);

/// <summary>Where the resource (and its participant) can be read now; a 404 there means it is no longer yours (a transfer).</summary>
public sealed record ChangeLinks(string Self, string? Participant);

/// <summary>A page of the feed.</summary>
public sealed record ChangesV3(
    IReadOnlyList<ChangeV3> Data,
    [property: Description("Pass it back as ?cursor= for the next page; store it to resume after a restart.")] string NextCursor,
    [property: Description("True when more changes are waiting: ask again at once. False: poll again later.")] bool HasMore);

/// <summary>
/// A change feed for providers' CRMs (issue 19, ADR 0023), served beside, never instead of, the
/// contract's endpoints: every change the caller can see, in commit order, with no gaps in position.
/// </summary>
[ApiController]
[ApiVersion(3)]
[Route("api/v{version:apiVersion}/changes")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class ChangesController(IMediator mediator, ChangeCursor cursors) : ControllerBase
{
    /// <summary>
    /// Your changes after a cursor, oldest first. With no cursor the feed starts at the beginning (build
    /// your whole copy from it); <c>cursor=latest</c> starts from now.
    /// </summary>
    [HttpGet]
    [EndpointSummary("Your changes since a cursor: every change you can see, in commit order, with no gaps")]
    [EndpointDescription(
        "An addition of this service, beside the list endpoints' updated_since. Each item names a resource that changed and links to it: " +
        "read it there (a 404 means it is no longer yours, after a transfer). Delivery is at least once: keep the ids you have applied. " +
        "Positions run 1, 2, 3, … with no gaps. Store next_cursor; while has_more is true ask again at once, otherwise poll again later. " +
        "See the guidance page 'Keeping in step with the change feed'.")]
    [ProducesResponseType<ChangesV3>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(
        [FromQuery, Description("A next_cursor you were given; 'latest' to start from now; none to start from the beginning.")] string? cursor,
        [FromQuery, Description("Items per page, 1 to 1000 (default 100).")] string? limit,
        CancellationToken cancellationToken)
    {
        var caller = HttpContext.Caller();
        var size = limit is null ? 100
            : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 1000 ? parsed
            : throw new BadRequestException("'limit' must be a whole number from 1 to 1000");
        var latest = cursor == "latest";
        var after = string.IsNullOrEmpty(cursor) || latest ? 0 : cursors.Decode(caller.ProviderId, cursor);
        var page = await mediator.Send(new ListChanges(caller, latest ? long.MaxValue : after, size), cancellationToken);
        var position = latest ? page.Head : page.Items.Count > 0 ? page.Items[^1].Position : after;
        return new ApiJsonResult(new ChangesV3(
            page.Items.Select(Item).ToList(), cursors.Encode(caller.ProviderId, position), position < page.Head));
    }

    private static ChangeV3 Item(ChangeItem c) => new(
        c.Id, c.Position, c.Type, c.ResourceType, c.ResourceId, c.ParticipantId, c.OccurredAt,
        new ChangeLinks(Link(c.ResourceType, c.ResourceId), c.ParticipantId is { } p ? Link("participant", p) : null));

    private static string Link(string resourceType, Guid id) => resourceType switch
    {
        "npq-application" => $"/api/v3/npq-applications/{id}",
        "participant-declaration" => $"/api/v3/participant-declarations/{id}",
        "statement" => $"/api/v3/statements/{id}",
        _ => $"/api/v3/participants/npq/{id}",
    };
}

/// <summary>
/// The feed's cursors: opaque and versioned (<c>2</c> ‖ position ‖ HMAC of the provider and position,
/// base64url), so a cursor changed by hand, or another provider's, is a 400 rather than a silent jump.
/// A cursor of the first feed (version 1, before ADR 0024) is a 410: its positions mean nothing in this
/// feed, so the client starts again from the beginning.
/// </summary>
public sealed class ChangeCursor(IOptions<TokenOptions> options)
{
    private const byte Version = 2;
    private const byte RetiredVersion = 1;
    // The current secret's key signs; the secrets still accepted during a rotation (issue 28) verify too.
    private readonly byte[][] _keys = [.. options.Value.AllSecrets.Select(secret => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "npq change-feed cursor"u8))];

    public string Encode(Guid provider, long position)
    {
        var bytes = new byte[1 + 8 + 16];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), position);
        Mac(_keys[0], provider, position, Version).AsSpan(0, 16).CopyTo(bytes.AsSpan(9));
        return Base64Url.EncodeToString(bytes);
    }

    public long Decode(Guid provider, string cursor)
    {
        byte[] bytes;
        try
        {
            bytes = cursor.Length <= 64 ? Base64Url.DecodeFromChars(cursor) : [];
        }
        catch (FormatException)
        {
            bytes = [];
        }

        if (bytes.Length != 25 || bytes[0] is not (Version or RetiredVersion))
            throw Invalid();
        var position = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1));
        if (position < 0 || !_keys.Any(key => CryptographicOperations.FixedTimeEquals(bytes.AsSpan(9), Mac(key, provider, position, bytes[0]).AsSpan(0, 16))))
            throw Invalid();
        if (bytes[0] == RetiredVersion)
            throw new GoneException("cursor", "This cursor belongs to an earlier feed that has been replaced. Resync from the beginning: ask again without a cursor and rebuild your copy.");
        return position;
    }

    private static byte[] Mac(byte[] key, Guid provider, long position, byte version)
    {
        // Version 1 signed the provider and position alone; version 2 signs its version too.
        Span<byte> input = stackalloc byte[version == RetiredVersion ? 24 : 25];
        provider.TryWriteBytes(input);
        BinaryPrimitives.WriteInt64BigEndian(input[16..], position);
        if (version != RetiredVersion)
            input[24] = version;
        return HMACSHA256.HashData(key, input);
    }

    private static BadRequestException Invalid() =>
        new("The cursor is not valid: pass back a next_cursor exactly as it was given, or 'latest'");
}
