using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Http;
using Npq.Application.Audit.Log;
using Npq.Application.Common.Errors;

namespace Npq.Api.Audit;

// The auditors' API, continued: the sealed log (issue 18, ADR 0022).

/// <summary>
/// The sealed log: the log's public key for anyone, and for auditors its signed
/// checkpoints and RFC 9162 proofs (an event's inclusion in a checkpoint, one checkpoint's consistency
/// with a later one). Hashes and keys are base64, as C2SP checkpoints write them.
/// </summary>
public sealed partial class AuditController
{
    [HttpGet("log-key")]
    [AllowAnonymous]
    public async Task<IActionResult> Key(CancellationToken cancellationToken) =>
        new ApiJsonResult(new { data = await mediator.Send(new GetLogKey(HttpContext.Caller()), cancellationToken) });

    [HttpGet("checkpoints")]
    public async Task<IActionResult> Checkpoints(CancellationToken cancellationToken)
    {
        var after = ReadLong("after", 0);
        var limit = ReadLong("limit", 100);
        if (limit is < 1 or > 1000)
            throw new BadRequestException("'limit' must be between 1 and 1000");
        var checkpoints = await mediator.Send(new ListCheckpoints(HttpContext.Caller(), after, (int)limit), cancellationToken);
        return new ApiJsonResult(new { data = checkpoints, next_after = checkpoints.Count > 0 ? checkpoints[^1].TreeSize : after });
    }

    [HttpGet("events/{sequence:long}/proof")]
    public async Task<IActionResult> Inclusion(long sequence, CancellationToken cancellationToken)
    {
        var checkpoint = ReadLong("checkpoint", -1);
        if (checkpoint < 1)
            throw new BadRequestException("'checkpoint' must name a checkpoint by its tree size");
        return new ApiJsonResult(new { data = await mediator.Send(new GetInclusionProof(HttpContext.Caller(), sequence, checkpoint), cancellationToken) });
    }

    /// <summary>The latest signed checkpoint (C2SP signed note), for anyone to keep and compare (issue 30).</summary>
    [HttpGet("checkpoint")]
    [AllowAnonymous]
    public async Task<IActionResult> LatestCheckpoint(CancellationToken cancellationToken)
    {
        var checkpoint = await mediator.Send(new GetLatestCheckpoint(HttpContext.Caller()), cancellationToken);
        Response.Headers.CacheControl = "no-cache";
        return Content(checkpoint.Note, "text/plain; charset=utf-8");
    }

    /// <summary>A hash tile (C2SP tlog-tiles), for anyone: immutable once it exists, whatever its width.</summary>
    [HttpGet("tile/{level:int}/{**path}")]
    [AllowAnonymous]
    public async Task<IActionResult> HashTile(int level, string path, CancellationToken cancellationToken)
    {
        var (index, width) = LogTiles.ParsePath(path) ?? throw new ResourceNotFoundException();
        var tile = await mediator.Send(new GetHashTile(HttpContext.Caller(), level, index, width), cancellationToken);
        Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return File(tile, "application/octet-stream");
    }

    /// <summary>An entry bundle: each leaf's input and the canonical event data it commits to. Auditors only: it holds personal data.</summary>
    [HttpGet("tile/entries/{**path}")]
    public async Task<IActionResult> EntryBundle(string path, CancellationToken cancellationToken)
    {
        var (index, width) = LogTiles.ParsePath(path) ?? throw new ResourceNotFoundException();
        var bundle = await mediator.Send(new GetEntryBundle(HttpContext.Caller(), index, width), cancellationToken);
        Response.Headers.CacheControl = "private, no-store";
        return File(bundle, "application/octet-stream");
    }

    [HttpGet("checkpoints/{first:long}/consistency/{second:long}")]
    public async Task<IActionResult> Consistency(long first, long second, CancellationToken cancellationToken) =>
        new ApiJsonResult(new { data = await mediator.Send(new GetConsistencyProof(HttpContext.Caller(), first, second), cancellationToken) });

}
