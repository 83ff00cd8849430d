using Microsoft.Extensions.Options;
using Npq.Api.V3.Changes;
using Npq.Application.Audit.Log;
using Npq.Application.Common.Errors;
using Npq.Infrastructure.Audit.Log;
using Npq.Infrastructure.Tokens;

namespace Npq.UnitTests.Audit;

/// <summary>ADR 0033: the signed record of a restore, and the change feed's cursors across epochs.</summary>
public sealed class RestoreNoteAndCursorTests
{
    [Fact]
    public void A_restore_note_signs_and_reads_back_and_is_never_taken_for_a_checkpoint()
    {
        var signer = new CheckpointSigner(Options.Create(new AuditLogOptions { Origin = "example.org/log", SigningKey = CheckpointSigner.NewSeed() }));
        var restore = new RestoreNote("example.org/log", 2, 40, new byte[32], new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero),
            "Restored before\na faulty import", [(45, Enumerable.Repeat((byte)1, 32).ToArray()), (50, Enumerable.Repeat((byte)2, 32).ToArray())]);

        var note = signer.SignBody(restore.Body);
        var parsed = RestoreNote.Parse(note).ShouldNotBeNull();

        parsed.Restore.Epoch.ShouldBe(2);
        parsed.Restore.RestoredSize.ShouldBe(40);
        parsed.Restore.Reason.ShouldBe("Restored before a faulty import", "one line: a reason cannot add lines to what is signed");
        parsed.Restore.Abandoned.Select(a => a.Size).ShouldBe([45L, 50L]);
        parsed.Restore.Abandoned[1].Root.ShouldBe(Enumerable.Repeat((byte)2, 32).ToArray());
        CheckpointSigner.Verify(signer.PublicKey!, parsed.Body, parsed.Signatures.Single().Signature).ShouldBeTrue();
        CheckpointSigner.Verify(signer.PublicKey!, parsed.Body.Replace("abandoned 50", "abandoned 51", StringComparison.Ordinal), parsed.Signatures.Single().Signature)
            .ShouldBeFalse();
        Checkpoint.Parse(note).ShouldBeNull();
        RestoreNote.Parse(signer.Sign(new Checkpoint("example.org/log", 40, new byte[32], DateTimeOffset.UnixEpoch))).ShouldBeNull();
    }

    [Fact]
    public void Cursors_stay_in_the_earlier_format_until_a_restore_then_carry_their_epoch()
    {
        var cursors = new ChangeCursor(Options.Create(new TokenOptions { Secret = "a-secret-long-enough-for-the-test-0123456789" }));
        var provider = Guid.NewGuid();

        var beforeAnyRestore = cursors.Encode(provider, 0, 17);
        var afterOne = cursors.Encode(provider, 1, 17);

        beforeAnyRestore.Length.ShouldBe(34, "25 bytes: the format the previous release reads, so a rolling upgrade never hands out a cursor half the processes refuse");
        cursors.Decode(provider, beforeAnyRestore).ShouldBe((0, 17L));
        cursors.Decode(provider, afterOne).ShouldBe((1, 17L));
        Should.Throw<BadRequestException>(() => cursors.Decode(Guid.NewGuid(), afterOne), "another provider's");
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(afterOne);
        bytes[4] = 0; // the epoch changed by hand
        Should.Throw<BadRequestException>(() => cursors.Decode(provider, System.Buffers.Text.Base64Url.EncodeToString(bytes)));
    }
}
