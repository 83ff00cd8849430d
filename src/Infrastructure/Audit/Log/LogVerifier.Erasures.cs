using Npgsql;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Audit.Log;

// audit verify, continued: erasures (ADR 0040) are taken from the log itself, not from the tables that index them.
public sealed partial class LogVerifier
{
    /// <summary>
    /// What was erased, as the log's own <c>personal_data_erased</c> events record it (ADR 0040): event → member →
    /// commitment, and for each plain-form event erased, the data_sha256 its leaf holds.
    /// </summary>
    private static async Task<LeafMaterial.Erasures> ErasedInLogAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var erased = new Dictionary<long, Dictionary<string, string>>();
        var plain = new Dictionary<long, string>();
        await using var command = new NpgsqlCommand($"select data::text from {MartenSetup.Schema}.mt_events where type = 'personal_data_erased'", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var document = System.Text.Json.JsonDocument.Parse(reader.GetString(0));
            foreach (var value in document.RootElement.GetProperty("Values").EnumerateArray())
            {
                if (value.GetProperty("Commitment").GetString() is not { } commitment)
                    continue;
                var sequence = value.GetProperty("Sequence").GetInt64();
                if (!erased.TryGetValue(sequence, out var members))
                    erased[sequence] = members = new Dictionary<string, string>(StringComparer.Ordinal);
                members[value.GetProperty("Path").GetString()!] = commitment;
            }

            if (document.RootElement.TryGetProperty("SealedPlain", out var sealedPlain) && sealedPlain.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                foreach (var item in sealedPlain.EnumerateArray())
                    plain[item.GetProperty("Sequence").GetInt64()] = item.GetProperty("DataSha256").GetString()!;
            }
        }

        return new LeafMaterial.Erasures(erased, plain);
    }
}
