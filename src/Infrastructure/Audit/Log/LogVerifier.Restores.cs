using System.Text.Json;
using Npgsql;
using Npq.Application.Audit.Log;
using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Audit.Log;

/// <summary>A lawful restore, as <c>audit verify</c> reports it (ADR 0033).</summary>
/// <param name="ExplainedCopies">How many copies of checkpoints kept outside the database the restore gave up (not findings).</param>
public sealed record RestoreSeen(int Epoch, DateTimeOffset At, string Reason, long RestoredSize, int AbandonedCheckpoints, int ExplainedCopies);

public sealed partial class LogVerifier
{
    private sealed record Restore(RestoreNote Note)
    {
        public bool Abandons(long size, byte[] root) => Note.Abandoned.Any(a => a.Size == size && a.Root.AsSpan().SequenceEqual(root));
    }

    /// <summary>
    /// The restore records in the log whose note the log's key (or a retired one, within its bound) signed.
    /// They are events like any other, so the pass over the leaves also proves they were sealed where they stand.
    /// </summary>
    private static async Task<List<Restore>> RestoresAsync(NpgsqlConnection connection, Keys keys, List<Finding> findings, CancellationToken cancellationToken)
    {
        var restores = new List<Restore>();
        await using var command = new NpgsqlCommand($"select seq_id, data::text from {MartenSetup.Schema}.mt_events where type = $1 order by seq_id", connection);
        command.Parameters.AddWithValue(AuditLogRestored.TypeName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sequence = reader.GetInt64(0);
            var note = NoteOf(reader.GetString(1));
            if (note is null || RestoreNote.Parse(note) is not { } parsed)
            {
                findings.Add(new Finding(Attack.ForeignSignature, $"event {sequence} claims a restore but holds no signed restore note"));
                continue;
            }

            if (!SignedBy(keys, parsed.Body, parsed.Signatures, parsed.Restore.RestoredSize))
            {
                findings.Add(new Finding(Attack.ForeignSignature, $"the restore of epoch {parsed.Restore.Epoch} (event {sequence}) is not signed by the log's key"));
                continue;
            }

            restores.Add(new Restore(parsed.Restore));
        }

        return restores;
    }

    private static string? NoteOf(string data)
    {
        using var document = JsonDocument.Parse(data);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (string.Equals(property.Name, nameof(AuditLogRestored.Note), StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                return property.Value.GetString();
        }

        return null;
    }

    /// <summary>Signed by the current key, or by a retired key within its bound (<paramref name="size"/>: the tree size the note speaks for).</summary>
    private static bool SignedBy(Keys keys, string body, IReadOnlyList<(string KeyName, byte[] KeyId, byte[] Signature)> signatures, long size) =>
        SignedBy(keys.Current, body, signatures)
        || keys.Retired.Any(r => (r.LastCheckpoint is not { } last || size <= last) && SignedBy(r.Key, body, signatures));

    private static bool SignedBy((string KeyName, byte[] PublicKey) key, string body, IReadOnlyList<(string KeyName, byte[] KeyId, byte[] Signature)> signatures)
    {
        var keyId = Checkpoint.KeyId(key.KeyName, key.PublicKey);
        return signatures.Any(s => s.KeyName == key.KeyName && s.KeyId.AsSpan().SequenceEqual(keyId) && CheckpointSigner.Verify(key.PublicKey, body, s.Signature));
    }
}
