using System.Text;
using Npq.Application.Audit.Log;

namespace Npq.UnitTests.Audit;

public sealed class CanonicalJsonAndCheckpointTests
{
    [Theory]
    [InlineData("{\"b\": 1, \"a\": [true, null, \"x\"]}", "{\"a\":[true,null,\"x\"],\"b\":1}")]
    [InlineData("{\"\\u00e9\":1,\"z\":2,\"Z\":3}", "{\"Z\":3,\"z\":2,\"é\":1}")]
    [InlineData("\"tab\\there \\u0001 \\\"q\\\" \\/\"", "\"tab\\there \\u0001 \\\"q\\\" /\"")]
    [InlineData("[1.0, 100, 1e21, 1e-7, 0.000001, 123.450, -0, 4.5e15]", "[1,100,1e+21,1e-7,0.000001,123.45,0,4500000000000000]")]
    public void Json_is_written_as_rfc_8785_says(string json, string canonical) =>
        Encoding.UTF8.GetString(CanonicalJson.Canonicalise(json)).ShouldBe(canonical);

    [Fact]
    public void Key_order_and_whitespace_do_not_change_the_leaf_but_any_value_does()
    {
        var e = new StoredEvent(7, Guid.NewGuid(), Guid.NewGuid(), 2, "application_accepted", new DateTimeOffset(2026, 12, 1, 10, 0, 0, 123, TimeSpan.Zero),
            "{\"a\": 1, \"b\": \"x\"}", "{\"actor\": \"system\"}", "req-1", "AcceptApplication");
        var same = e with { Data = "{\"b\":\"x\",\"a\":1}", Headers = "{ \"actor\" : \"system\" }" };

        LogLeaf.Hash(same).ShouldBe(LogLeaf.Hash(e));
        LogLeaf.Hash(e with { Data = "{\"a\": 2, \"b\": \"x\"}" }).ShouldNotBe(LogLeaf.Hash(e));
        LogLeaf.Hash(e with { Sequence = 8 }).ShouldNotBe(LogLeaf.Hash(e));
        LogLeaf.Hash(e with { Timestamp = e.Timestamp.AddTicks(10) }).ShouldNotBe(LogLeaf.Hash(e));
        LogLeaf.Hash(e with { Headers = "{\"actor\": \"someone else\"}" }).ShouldNotBe(LogLeaf.Hash(e));
        LogLeaf.Hash(e with { CorrelationId = "req-2" }).ShouldNotBe(LogLeaf.Hash(e));
    }

    [Fact]
    public void A_checkpoint_signed_before_issue_30_with_its_time_line_still_reads_back()
    {
        var note = "example.org/log\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\ntime 2026-12-01T12:00:00Z\n\n\u2014 example.org/log AAAAAAAA\n";
        var parsed = Checkpoint.Parse(note).ShouldNotBeNull();
        parsed.Checkpoint.Size.ShouldBe(42);
        parsed.Checkpoint.At.ShouldBe(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        parsed.Body.ShouldEndWith("\ntime 2026-12-01T12:00:00Z\n", customMessage: "the signature covers the body as it was signed");
    }

    [Fact]
    public void A_signed_checkpoint_reads_back_and_its_verifier_key_names_its_key()
    {
        var publicKey = Enumerable.Range(0, 32).Select(i => (byte)(i * 8 + 3)).ToArray(); // its base64 holds '+' and '/'
        Convert.ToBase64String(publicKey).ShouldContain("+");
        var checkpoint = new Checkpoint("example.org/log", 42, Enumerable.Repeat((byte)7, 32).ToArray(), new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var note = checkpoint.Note("example.org/log", Checkpoint.KeyId("example.org/log", publicKey), new byte[64]);

        // C2SP tlog-checkpoint with no extension line (issue 30).
        note.ShouldStartWith("example.org/log\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\n\u2014 example.org/log ");
        var parsed = Checkpoint.Parse(note).ShouldNotBeNull();
        parsed.Checkpoint.Size.ShouldBe(42);
        parsed.Checkpoint.Root.ShouldBe(checkpoint.Root);
        parsed.Body.ShouldBe(checkpoint.Body);
        parsed.Signatures.Single().KeyId.ShouldBe(Checkpoint.KeyId("example.org/log", publicKey));

        var vkey = Checkpoint.VerifierKey("example.org/log", publicKey);
        Checkpoint.ParseVerifierKey(vkey).ShouldNotBeNull().PublicKey.ShouldBe(publicKey);
        Checkpoint.ParseVerifierKey(vkey.Replace("example.org", "example.com", StringComparison.Ordinal)).ShouldBeNull(); // the id no longer matches
        Checkpoint.Parse("not a note").ShouldBeNull();
    }
}
