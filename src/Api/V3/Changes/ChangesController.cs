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
        var (epoch, after) = string.IsNullOrEmpty(cursor) || latest ? ((int?)null, 0L) : cursors.Decode(caller.ProviderId, cursor);
        var page = await mediator.Send(new ListChanges(caller, latest ? long.MaxValue : after, size, epoch), cancellationToken);
        var position = latest ? page.Head : page.Items.Count > 0 ? page.Items[^1].Position : after;
        return new ApiJsonResult(new ChangesV3(
            page.Items.Select(Item).ToList(), cursors.Encode(caller.ProviderId, page.Epoch, position), position < page.Head));
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
/// The feed's cursors: opaque and versioned, base64url of the version, the position and an HMAC of the
/// provider and all the rest, so a cursor changed by hand, or another provider's, is a 400 rather than a
/// silent jump. Version 3 also carries the feed's epoch (ADR 0033) and is made only once a restore has
/// been recorded; before that cursors stay version 2 (epoch 0), which the previous release reads too, so a
/// rolling upgrade never hands a CRM a cursor the other half of the processes refuses. A cursor of the
/// first feed (version 1, before ADR 0024) is a 410: its positions mean nothing in this feed.
/// </summary>
public sealed class ChangeCursor(IOptions<TokenOptions> options)
{
    private const byte RetiredVersion = 1;
    private const byte EpochZeroVersion = 2;
    private const byte EpochVersion = 3;
    // The current secret's key signs; the secrets still accepted during a rotation (issue 28) verify too.
    private readonly byte[][] _keys = [.. options.Value.AllSecrets.Select(secret => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "npq change-feed cursor"u8))];

    public string Encode(Guid provider, int epoch, long position)
    {
        var version = epoch == 0 ? EpochZeroVersion : EpochVersion;
        var bytes = new byte[Length(version)];
        bytes[0] = version;
        var fields = Fields(version, epoch, position);
        fields.CopyTo(bytes.AsSpan(1));
        Mac(_keys[0], provider, version, fields).AsSpan(0, 16).CopyTo(bytes.AsSpan(1 + fields.Length));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The cursor's epoch and position; a 400 when it is not one of ours for this provider, a 410 when it is of the first feed.</summary>
    public (int Epoch, long Position) Decode(Guid provider, string cursor)
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

        if (bytes.Length == 0 || bytes[0] is not (RetiredVersion or EpochZeroVersion or EpochVersion) || bytes.Length != Length(bytes[0]))
            throw Invalid();
        var version = bytes[0];
        var epoch = version == EpochVersion ? BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1)) : 0;
        var position = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(version == EpochVersion ? 5 : 1));
        var fields = bytes.AsSpan(1, bytes.Length - 17).ToArray();
        if (position < 0 || epoch < 0 || !_keys.Any(key => CryptographicOperations.FixedTimeEquals(bytes.AsSpan(bytes.Length - 16), Mac(key, provider, version, fields).AsSpan(0, 16))))
            throw Invalid();
        if (version == RetiredVersion)
            throw new GoneException("cursor", "This cursor belongs to an earlier feed that has been replaced. Resync from the beginning: ask again without a cursor and rebuild your copy.");
        return (epoch, position);
    }

    private static int Length(byte version) => 1 + (version == EpochVersion ? 4 : 0) + 8 + 16;

    private static byte[] Fields(byte version, int epoch, long position)
    {
        var fields = new byte[version == EpochVersion ? 12 : 8];
        if (version == EpochVersion)
            BinaryPrimitives.WriteInt32BigEndian(fields, epoch);
        BinaryPrimitives.WriteInt64BigEndian(fields.AsSpan(fields.Length - 8), position);
        return fields;
    }

    private static byte[] Mac(byte[] key, Guid provider, byte version, byte[] fields)
    {
        // Version 1 signed the provider and position alone; later versions sign their version byte too.
        var input = new byte[16 + fields.Length + (version == RetiredVersion ? 0 : 1)];
        provider.TryWriteBytes(input);
        fields.CopyTo(input, 16);
        if (version != RetiredVersion)
            input[^1] = version;
        return HMACSHA256.HashData(key, input);
    }

    private static BadRequestException Invalid() =>
        new("The cursor is not valid: pass back a next_cursor exactly as it was given, or 'latest'");
}
