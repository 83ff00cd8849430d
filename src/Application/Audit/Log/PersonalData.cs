using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Npq.Application.Audit.Log;

/// <summary>
/// Personal data in the sealed log (issue 30, ADR 0040). The events that hold a person's name, email, TRN,
/// date of birth or NI number are sealed in the <see cref="Form"/> form: the leaf commits to the event's data
/// with each such value replaced by a salted commitment, HMAC-SHA-256 under a key of the person's own. The
/// values stay in the event for everything that reads it; erasing them deletes the key and nulls the values,
/// and the commitments, kept in the erasure's own event, still make the same data, so every leaf and root verifies.
/// Without the key a commitment cannot be guessed back, not even for a date of birth.
/// </summary>
public static class PersonalData
{
    /// <summary>The leaf's <c>data_form</c> when its <c>data_sha256</c> is of the committed data.</summary>
    public const string Form = "personal-data-committed/v1";

    /// <summary>How a commitment is written in place of a value.</summary>
    public const string CommitmentPrefix = "hmac-sha256:";

    /// <summary>The member (of the event's data) naming the person whose key commits to the values.</summary>
    public const string PersonMember = "ParticipantId";

    /// <summary>The personal members of each event type (Marten's type names), all at the top of the event's data.</summary>
    private static readonly Dictionary<string, string[]> Members = new(StringComparer.Ordinal)
    {
        ["participant_registered"] = ["FullName", "Email", "TeacherReferenceNumber", "DateOfBirth", "NationalInsuranceNumber"],
        ["participant_email_changed"] = ["Email"],
        ["participant_name_changed"] = ["FullName", "PreviousNames"],
        ["participant_trn_verified"] = ["TeacherReferenceNumber"],
        ["application_registered"] = ["TeacherReferenceNumberAtSubmission"],
    };

    /// <summary>The event types that hold personal data.</summary>
    public static IReadOnlyCollection<string> Types => Members.Keys;

    public static bool Holds(string type) => Members.ContainsKey(type);

    public static IReadOnlyList<string> MembersOf(string type) => Members.TryGetValue(type, out var members) ? members : [];

    /// <summary>The person an event's personal values belong to; null when it names none.</summary>
    public static Guid? PersonOf(StoredEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var document = JsonDocument.Parse(e.Data);
        return document.RootElement.TryGetProperty(PersonMember, out var id) && id.ValueKind == JsonValueKind.String && id.TryGetGuid(out var person)
            ? person
            : null;
    }

    /// <summary>A new person's key: 32 random bytes.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>HMAC-SHA-256(key, event id ‖ "\n" ‖ member ‖ "\n" ‖ RFC 8785 JSON of the value).</summary>
    public static string Commitment(byte[] key, Guid eventId, string member, JsonNode value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var document = JsonDocument.Parse(value.ToJsonString());
        return Commitment(key, eventId, member, document.RootElement);
    }

    private static string Commitment(byte[] key, Guid eventId, string member, JsonElement value)
    {
        var canonical = new StringBuilder();
        CanonicalJson.Write(value, canonical);
        var message = Encoding.UTF8.GetBytes($"{eventId:D}\n{member}\n{canonical}");
        return CommitmentPrefix + Convert.ToBase64String(HMACSHA256.HashData(key, message));
    }

    /// <summary>
    /// The data a leaf of the committed form commits to: the event's data, in RFC 8785 form, with each personal
    /// value replaced by its commitment under the key of the person the event names (<paramref name="keyOf"/>).
    /// A member erased (<paramref name="erased"/>: member → commitment) must read null, and stands for its
    /// commitment; any other value there is kept as it is, so the data no longer matches. One parse, one write.
    /// </summary>
    public static byte[] Committed(StoredEvent e, Func<Guid, byte[]?> keyOf, IReadOnlyDictionary<string, string>? erased)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(keyOf);
        var members = MembersOf(e.Type);
        using var document = JsonDocument.Parse(e.Data, new JsonDocumentOptions { MaxDepth = 256 });
        var root = document.RootElement;
        byte[]? key = null;
        var b = new StringBuilder(e.Data.Length + 64 * members.Count);
        b.Append('{');
        var first = true;
        foreach (var property in root.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (!first)
                b.Append(',');
            first = false;
            CanonicalJson.WriteString(property.Name, b);
            b.Append(':');
            var value = property.Value;
            if (!members.Contains(property.Name) || (value.ValueKind == JsonValueKind.Null && erased?.ContainsKey(property.Name) != true))
            {
                CanonicalJson.Write(value, b); // not personal, or null and never erased: nothing to hide
                continue;
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                CanonicalJson.WriteString(erased![property.Name], b);
                continue;
            }

            if (erased?.ContainsKey(property.Name) == true)
            {
                CanonicalJson.Write(value, b); // a value where one was erased: kept, so it fails
                continue;
            }

            key ??= (root.TryGetProperty(PersonMember, out var id) && id.ValueKind == JsonValueKind.String && id.TryGetGuid(out var person) ? keyOf(person) : null)
                    ?? throw new InvalidOperationException($"Event {e.Sequence} holds personal data and its person has no key.");
            CanonicalJson.WriteString(Commitment(key, e.Id, property.Name, value), b);
        }

        b.Append('}');
        return Encoding.UTF8.GetBytes(b.ToString());
    }

    /// <summary>The committed data with one key for the event's person.</summary>
    public static byte[] Committed(StoredEvent e, byte[]? key, IReadOnlyDictionary<string, string>? erased) => Committed(e, _ => key, erased);

    /// <summary>The event's data with its personal members nulled: what an erasure leaves in the event.</summary>
    public static string Erased(StoredEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var data = JsonNode.Parse(e.Data)!.AsObject();
        foreach (var member in MembersOf(e.Type))
        {
            if (data.ContainsKey(member))
                data[member] = null;
        }

        return data.ToJsonString();
    }
}
