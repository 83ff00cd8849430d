namespace Npq.Infrastructure.Audit.Log;

/// <summary>The sealed log's settings (<c>Npq:Audit:*</c>, ADR 0022).</summary>
public sealed class AuditLogOptions
{
    /// <summary>The log's name in its checkpoints, and the signing key's name.</summary>
    public string Origin { get; set; } = "npq-lead-provider-api/audit-log";

    /// <summary>The Ed25519 private key's 32-byte seed, base64. Never stored in the database.</summary>
    public string? SigningKey { get; set; }

    /// <summary>A file holding the seed (base64), for a key mounted as a secret.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>A checkpoint after this many new events…</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>…or this long after the last one, when there are new events.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A second place every checkpoint is written to (one file each, never overwritten).</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>False turns the sealer off in this process (another process, or none, seals).</summary>
    public bool Seal { get; set; } = true;

    /// <summary>
    /// The log's earlier keys (issue 28, ADR 0032): checkpoints they signed still verify, and the log-key
    /// endpoint publishes them. Only their public (verifier) keys: the private ones are destroyed.
    /// </summary>
    public List<RetiredKey> RetiredKeys { get; set; } = [];

    /// <summary>
    /// Witnesses (issue 30, ADR 0039), run by others, asked to cosign each new checkpoint; their
    /// cosignatures are served with it.
    /// </summary>
    public List<WitnessOptions> Witnesses { get; set; } = [];

    /// <summary>How often the witnesses are asked about the latest checkpoint (a refusal or an outage is retried then).</summary>
    public TimeSpan WitnessInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A witness speaking C2SP tlog-witness.</summary>
public sealed class WitnessOptions
{
    /// <summary>Its verifier key (<c>name+id+base64(0x04 ‖ key)</c>), from its operator.</summary>
    public string VerifierKey { get; set; } = "";

    /// <summary>Its submission prefix: <c>add-checkpoint</c> is posted under it.</summary>
    public string Url { get; set; } = "";
}

/// <summary>An earlier signing key of the log, by its C2SP verifier key.</summary>
public sealed class RetiredKey
{
    public string VerifierKey { get; set; } = "";

    /// <summary>
    /// When set, the largest tree size it may have signed: a checkpoint it signed beyond is refused (a key
    /// retired because it leaked signs nothing after). Unset for a planned rotation, where processes of the
    /// old key may still sign a checkpoint or two while the new one is rolled out.
    /// </summary>
    public long? LastCheckpoint { get; set; }
}
