namespace Npq.Infrastructure.Audit.Log;

/// <summary>The C2SP <c>tlog-proof</c> text: the leaf's index, its inclusion path (base64, one per line), a blank line, the signed checkpoint.</summary>
public static class TlogProof
{
    public const string Header = "c2sp.org/tlog-proof@v1";

    public static string Of(long index, IEnumerable<byte[]> path, string checkpointNote) =>
        $"{Header}\nindex {index.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n" +
        string.Concat(path.Select(h => Convert.ToBase64String(h) + "\n")) + "\n" + checkpointNote;
}
