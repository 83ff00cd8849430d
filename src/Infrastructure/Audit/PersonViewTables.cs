using System.Buffers;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Npq.Application.NpqApplications;
using Npq.Application.Participants;

namespace Npq.Infrastructure.Audit;

/// <summary>
/// The participant and application view tables as the bulk rebuild writes them with <c>COPY</c>: every
/// column Marten fills on an upsert (the document, its type, a version, and the duplicated fields of
/// <see cref="Persistence.MartenSetup"/>), in the same types. <c>mt_last_modified</c> keeps its default.
/// A test compares these columns with the table Marten creates, and the property test compares whole
/// rows with those Marten wrote, so a duplicated field added in MartenSetup and not here fails a test.
/// </summary>
public sealed class PersonViewTable<T>(string table, params (string Name, NpgsqlDbType Type, Func<T, object?> Value)[] duplicated)
    where T : notnull
{
    public string Table { get; } = table;

    /// <summary>The columns written, in the order of the <c>COPY</c>.</summary>
    public IReadOnlyList<string> Columns { get; } = ["id", "data", "mt_dotnet_type", "mt_version", .. duplicated.Select(c => c.Name)];

    /// <summary>Writes the views with one binary <c>COPY</c>; <paramref name="id"/> gives each one's key.</summary>
    public async Task CopyAsync(NpgsqlConnection connection, string schema, ISerializer serializer, IEnumerable<T> views, Func<T, Guid> id, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"copy {schema}.{Table} ({string.Join(", ", Columns)}) from stdin (format binary)", cancellationToken);
        var json = new ArrayBufferWriter<byte>(4096); // one buffer for every row: no string per document
        foreach (var view in views)
        {
            // Synchronous writes fill Npgsql's buffer; it flushes (and waits on the socket) when full.
            copy.StartRow();
            copy.Write(id(view), NpgsqlDbType.Uuid);
            json.ResetWrittenCount();
            serializer.WriteToCleanJson(json, view);
            copy.Write(json.WrittenMemory, NpgsqlDbType.Jsonb);
            copy.Write(typeof(T).FullName!, NpgsqlDbType.Varchar);
            copy.Write(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            foreach (var (_, type, value) in duplicated)
            {
                if (value(view) is { } present)
                    copy.Write(present, type);
                else
                    copy.WriteNull();
            }
        }

        await copy.CompleteAsync(cancellationToken);
    }
}

/// <summary>The two tables the person projection keeps.</summary>
public static class PersonViewTables
{
    public static PersonViewTable<ParticipantView> Participants { get; } = new(
        "mt_doc_participantview",
        ("created_at", NpgsqlDbType.TimestampTz, p => p.CreatedAt),
        ("updated_at", NpgsqlDbType.TimestampTz, p => p.UpdatedAt),
        ("teacher_reference_number", NpgsqlDbType.Varchar, p => p.TeacherReferenceNumber));

    public static PersonViewTable<ApplicationView> Applications { get; } = new(
        "mt_doc_applicationview",
        ("lead_provider_id", NpgsqlDbType.Uuid, a => a.LeadProviderId),
        ("participant_id", NpgsqlDbType.Uuid, a => a.ParticipantId),
        ("cohort", NpgsqlDbType.Integer, a => a.Cohort),
        ("created_at", NpgsqlDbType.TimestampTz, a => a.CreatedAt),
        ("updated_at", NpgsqlDbType.TimestampTz, a => a.UpdatedAt),
        ("teacher_reference_number", NpgsqlDbType.Varchar, a => a.TeacherReferenceNumber));

    public static IReadOnlyList<string> Tables { get; } = [Participants.Table, Applications.Table];
}
