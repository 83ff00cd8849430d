using System.Text;
using System.Text.Json.Nodes;
using Npq.Application.Audit.Log;

namespace Npq.UnitTests.Audit;

/// <summary>The committed form of personal data (ADR 0040) and witnesses' keys and requests (ADR 0039).</summary>
public sealed class PersonalDataAndCosignatureTests
{
    private static readonly Guid Person = Guid.Parse("01a248c2-e9cd-76f8-9b53-f5095aa82a82");

    private static StoredEvent Registered(string data) => new(42, Guid.Parse("ec262ea2-232e-4b38-9d9b-d1d8183ef989"), Person, 1, "participant_registered",
        new DateTimeOffset(2026, 12, 6, 0, 31, 3, TimeSpan.Zero), data, "{\"actor\":\"anonymous\"}", "c", "RegisterApplication");

    private const string Data = """{"Email":"wanda@example.com","FullName":"Wanda W","DateOfBirth":"1981-04-02","NationalInsuranceNumber":null,"ParticipantId":"01a248c2-e9cd-76f8-9b53-f5095aa82a82","TeacherReferenceNumber":"3456789","TeacherReferenceNumberVerified":true}""";

    [Fact]
    public void Personal_values_are_committed_to_under_the_persons_key_and_the_rest_as_it_is()
    {
        var key = new byte[32];
        var committed = JsonNode.Parse(Encoding.UTF8.GetString(PersonalData.Committed(Registered(Data), key, null)))!;
        committed["FullName"]!.GetValue<string>().ShouldStartWith(PersonalData.CommitmentPrefix);
        committed["DateOfBirth"]!.GetValue<string>().ShouldStartWith(PersonalData.CommitmentPrefix);
        committed["NationalInsuranceNumber"].ShouldBeNull("nothing to hide");
        committed["TeacherReferenceNumberVerified"]!.GetValue<bool>().ShouldBeTrue();
        committed.ToJsonString().ShouldNotContain("Wanda");
        PersonalData.Committed(Registered(Data), [.. key.Select(_ => (byte)1)], null).ShouldNotBe(PersonalData.Committed(Registered(Data), key, null), "another key, other commitments");
        Should.Throw<InvalidOperationException>(() => PersonalData.Committed(Registered(Data), (byte[]?)null, null));
        PersonalData.PersonOf(Registered(Data)).ShouldBe(Person);
    }

    [Fact]
    public void An_erased_value_stands_for_its_commitment_only_where_it_reads_null()
    {
        var key = new byte[32];
        var e = Registered(Data);
        var sealedData = PersonalData.Committed(e, key, null);
        var erased = e with { Data = PersonalData.Erased(e) };
        var commitments = PersonalData.MembersOf(e.Type).Where(m => JsonNode.Parse(Data)![m] is not null)
            .ToDictionary(m => m, m => PersonalData.Commitment(key, e.Id, m, JsonNode.Parse(Data)![m]!));

        PersonalData.Committed(erased, (byte[]?)null, commitments).ShouldBe(sealedData, "the key gone, the recorded commitments make the same data");
        var rewritten = erased with { Data = erased.Data.Replace("\"FullName\":null", "\"FullName\":\"Someone Else\"", StringComparison.Ordinal) };
        PersonalData.Committed(rewritten, (byte[]?)null, commitments).ShouldNotBe(sealedData, "a value written where one was erased is not its commitment");
        LogLeaf.Input(e, sealedData).ShouldBe(LogLeaf.Input(erased, sealedData));
        Encoding.UTF8.GetString(LogLeaf.Input(e, sealedData)).ShouldContain("\"data_form\":\"personal-data-committed/v1\",\"data_sha256\":");
    }

    [Fact]
    public void A_witness_key_round_trips_and_the_request_body_is_as_tlog_witness_writes_it()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var vkey = Cosignature.VerifierKey("witness.example.org/w1", key);
        var parsed = Cosignature.ParseVerifierKey(vkey)!;
        parsed.Name.ShouldBe("witness.example.org/w1");
        parsed.PublicKey.ShouldBe(key);
        Cosignature.ParseVerifierKey(vkey.Replace("+", "+0", StringComparison.Ordinal)).ShouldBeNull();
        Cosignature.ParseVerifierKey(Checkpoint.VerifierKey("log.example/l", key)).ShouldBeNull("a log's key (type 0x01) is not a witness's");
        Cosignature.AddCheckpointBody(5, [new byte[32]], "origin\n7\nroot\n\n— sig\n")
            .ShouldBe("old 5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\norigin\n7\nroot\n\n— sig\n");
        Cosignature.Message("origin\n7\nroot\n", 1679315147).ShouldBe("cosignature/v1\ntime 1679315147\norigin\n7\nroot\n");
    }
}
