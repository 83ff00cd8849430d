using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Npq.Application.Audit.Log;

/// <summary>One row of <c>mt_events</c> as stored (data and headers as PostgreSQL returns the jsonb).</summary>
public sealed record StoredEvent(
    long Sequence,
    Guid Id,
    Guid StreamId,
    long Version,
    string Type,
    DateTimeOffset Timestamp,
    string Data,
    string? Headers,
    string? CorrelationId,
    string? CausationId);

/// <summary>
/// The leaf of an event in the sealed log (ADR 0022): the RFC 8785 canonical JSON of its global
/// sequence, id, stream, version, type, timestamp (UTC, microseconds), correlation and causation ids,
/// canonical headers, and the SHA-256 of its canonical data. Anything an edit can change is in it;
/// nothing that PostgreSQL may rewrite (key order, whitespace) is. An event holding personal data is
/// sealed with <c>data_form</c> <see cref="PersonalData.Form"/>: its <c>data_sha256</c> is of the committed
/// data (<see cref="PersonalData.Committed"/>), so erasing the values leaves the leaf as it was (ADR 0040).
/// </summary>
public static class LogLeaf
{
    /// <param name="committed">The committed data of an event sealed in the committed form; null for the plain form.</param>
    /// <param name="erasedDataSha256">For a plain-form event erased since (ADR 0040): the hash its leaf holds, which its data no longer has.</param>
    public static byte[] Input(StoredEvent e, byte[]? committed = null, string? erasedDataSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        var b = new StringBuilder(256);
        // Members in RFC 8785 order (sorted by name), so the text is canonical as written.
        b.Append("{\"causation_id\":");
        Text(e.CausationId, b);
        b.Append(",\"correlation_id\":");
        Text(e.CorrelationId, b);
        if (committed is not null)
            b.Append(",\"data_form\":\"").Append(PersonalData.Form).Append('"');
        b.Append(",\"data_sha256\":\"").Append(erasedDataSha256 ?? Convert.ToHexStringLower(SHA256.HashData(committed ?? CanonicalJson.Canonicalise(e.Data)))).Append('"');
        b.Append(",\"headers\":");
        if (e.Headers is null)
            b.Append("null");
        else
            b.Append(Encoding.UTF8.GetString(CanonicalJson.Canonicalise(e.Headers)));
        b.Append(",\"id\":\"").Append(e.Id.ToString("D")).Append('"');
        b.Append(",\"sequence\":").Append(e.Sequence.ToString(CultureInfo.InvariantCulture));
        b.Append(",\"stream_id\":\"").Append(e.StreamId.ToString("D")).Append('"');
        b.Append(",\"timestamp\":\"").Append(e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append('"');
        b.Append(",\"type\":");
        CanonicalJson.WriteString(e.Type, b);
        b.Append(",\"version\":").Append(e.Version.ToString(CultureInfo.InvariantCulture));
        b.Append('}');
        return Encoding.UTF8.GetBytes(b.ToString());
    }

    public static byte[] Hash(StoredEvent e, byte[]? committed = null) => MerkleTree.LeafHash(Input(e, committed));

    private static void Text(string? value, StringBuilder b)
    {
        if (value is null)
            b.Append("null");
        else
            CanonicalJson.WriteString(value, b);
    }
}
