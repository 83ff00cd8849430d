using System.Globalization;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.Audit.Log;

/// <summary>
/// The sealed log in C2SP <c>tlog-tiles</c> form (issue 30), so that anyone can check it over HTTP with
/// their own program:
/// <list type="bullet">
/// <item>the latest signed checkpoint;</item>
/// <item>hash tiles: tile <c>L/N</c> holds the hashes of up to 256 consecutive tree nodes at height
/// <c>8·L</c> (level 0: the leaf hashes), concatenated;</item>
/// <item>entry bundles: for each leaf of tile <c>0/N</c>, the leaf input (big-endian uint16 length, then the
/// bytes) and the canonical event data it commits to by <c>data_sha256</c> (big-endian uint32 length, then
/// the bytes). The data holds personal data, so bundles are for auditors only.</item>
/// </list>
/// A tile of width W (1–255) is partial; a tile never changes once it exists, whatever its width.
/// </summary>
public static class LogTiles
{
    public const int Height = 8, Width = 256;

    /// <summary>
    /// A tile's path below <c>tile/L/</c> or <c>tile/entries/</c> (<c>x001/x234/067.p/8</c>): its index and
    /// width (256 when full). Null when it is not one in the C2SP form.
    /// </summary>
    public static (long Index, int Width)? ParsePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/');
        var width = Width;
        if (parts.Length >= 2 && parts[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            if (!int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out width) || width is < 1 or > 255
                || parts[^1] != width.ToString(CultureInfo.InvariantCulture))
            {
                return null;
            }

            parts = [.. parts[..^2], parts[^2][..^2]];
        }

        // At most six groups of three digits: an index below 10^18, whose tile's first leaf (·256) fits a long.
        if (parts.Length is < 1 or > 6)
            return null;
        long index = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var last = i == parts.Length - 1;
            var digits = last ? part : part.StartsWith('x') ? part[1..] : "";
            if (digits.Length != 3 || !digits.All(char.IsAsciiDigit))
                return null;
            index = (index * 1000) + int.Parse(digits, CultureInfo.InvariantCulture);
        }

        return (index, width);
    }

    /// <summary>The C2SP path of tile <paramref name="index"/> of width <paramref name="width"/> (without the level).</summary>
    public static string Path(long index, int width)
    {
        var digits = index.ToString(CultureInfo.InvariantCulture);
        digits = digits.PadLeft(((digits.Length + 2) / 3) * 3, '0');
        var groups = Enumerable.Range(0, digits.Length / 3).Select(i => digits.Substring(i * 3, 3)).ToList();
        var path = string.Join('/', groups.Take(groups.Count - 1).Select(g => "x" + g).Append(groups[^1]));
        return width == Width ? path : $"{path}.p/{width}";
    }
}

/// <summary>The latest signed checkpoint, for anyone (issue 30): a C2SP signed note.</summary>
public sealed record GetLatestCheckpoint(Caller Caller) : IQuery<CheckpointView>, IAnonymousRequest;

public sealed class GetLatestCheckpointHandler(IAuditLog log) : IQueryHandler<GetLatestCheckpoint, CheckpointView>
{
    public async ValueTask<CheckpointView> Handle(GetLatestCheckpoint query, CancellationToken cancellationToken) =>
        await log.LatestCheckpointAsync(cancellationToken) ?? throw new ResourceNotFoundException();
}

/// <summary>A hash tile, for anyone: hashes only, nothing of any event's content.</summary>
public sealed record GetHashTile(Caller Caller, int Level, long Index, int Width) : IQuery<byte[]>, IAnonymousRequest;

public sealed class GetHashTileHandler(IAuditLog log) : IQueryHandler<GetHashTile, byte[]>
{
    public async ValueTask<byte[]> Handle(GetHashTile query, CancellationToken cancellationToken) =>
        await log.HashTileAsync(query.Level, query.Index, query.Width, cancellationToken) ?? throw new ResourceNotFoundException();
}

/// <summary>An entry bundle, for auditors: the leaves' inputs and the event data they commit to.</summary>
public sealed record GetEntryBundle(Caller Caller, long Index, int Width) : IQuery<byte[]>, IAuditorRequest;

public sealed class GetEntryBundleHandler(IAuditLog log) : IQueryHandler<GetEntryBundle, byte[]>
{
    public async ValueTask<byte[]> Handle(GetEntryBundle query, CancellationToken cancellationToken) =>
        await log.EntryBundleAsync(query.Index, query.Width, cancellationToken) ?? throw new ResourceNotFoundException();
}
