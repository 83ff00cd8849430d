using System.Text;
using System.Text.Json;
using Npq.Api.V1.NpqApplications;
using Npq.Api.V3.NpqApplications;
using Npq.Application.NpqApplications;
using Npq.Domain.NpqApplications;

namespace Npq.Api.Json;

/// <summary>
/// The application attributes of each version written from the stored <see cref="ApplicationView"/>
/// JSON: the rules of <see cref="ResponseMapping"/> for applications, on raw rows.
/// </summary>
public static class ApplicationJson
{
    public static StoredJsonRewrite<ApplicationView, ApplicationAttributesV1> V1 { get; } =
        StoredJsonRewrite.Create<ApplicationView, ApplicationAttributesV1>(new Dictionary<string, Func<Func<string, int>, StoredJsonRule>>
        {
            [nameof(ApplicationAttributesV1.Status)] = slot => Status(slot(nameof(ApplicationView.Status))),
            [nameof(ApplicationAttributesV1.Cohort)] = slot => NumberAsString(slot(nameof(ApplicationView.Cohort))),
            [nameof(ApplicationAttributesV1.EmailValidated)] = _ => (StoredRow _, ref RawJson json) => json.Write("true"u8),
        });

    public static StoredJsonRewrite<ApplicationView, ApplicationAttributesV3> V3 { get; } =
        StoredJsonRewrite.Create<ApplicationView, ApplicationAttributesV3>(new Dictionary<string, Func<Func<string, int>, StoredJsonRule>>
        {
            [nameof(ApplicationAttributesV3.Status)] = slot => Status(slot(nameof(ApplicationView.Status))),
            [nameof(ApplicationAttributesV3.Cohort)] = slot => NumberAsString(slot(nameof(ApplicationView.Cohort))),
            [nameof(ApplicationAttributesV3.EmailValidated)] = _ => (StoredRow _, ref RawJson json) => json.Write("true"u8),
            // HEAD: the TRN only when it has been verified (§8).
            [nameof(ApplicationAttributesV3.TeacherReferenceNumber)] = slot =>
            {
                var trn = slot(nameof(ApplicationView.TeacherReferenceNumber));
                var validated = slot(nameof(ApplicationView.TeacherReferenceNumberValidated));
                return (StoredRow row, ref RawJson json) => json.Write(row.IsTrue(validated) ? row.Raw(trn) : "null"u8);
            },
        });

    // Stored as Marten writes enums (their names, EnumStorage.AsString); shown as §4.4 spells them.
    private static readonly (byte[] Stored, byte[] Wire)[] Statuses = Enum.GetValues<ApplicationStatus>()
        .Select(s => (Encoding.UTF8.GetBytes($"\"{s}\""), Encoding.UTF8.GetBytes($"\"{WireValues.Of(s)}\"")))
        .ToArray();

    private static StoredJsonRule Status(int slot) => (StoredRow row, ref RawJson json) =>
    {
        var raw = row.Raw(slot);
        foreach (var (stored, wire) in Statuses)
        {
            if (raw.SequenceEqual(stored))
            {
                json.Write(wire);
                return;
            }
        }

        throw new JsonException($"Unknown stored application status {Encoding.UTF8.GetString(raw)}");
    };

    // A stored number's digits, as a JSON string (cohort 2025 → "2025").
    private static StoredJsonRule NumberAsString(int slot) =>
        (StoredRow row, ref RawJson json) => json.WriteQuoted(row.Raw(slot));
}
