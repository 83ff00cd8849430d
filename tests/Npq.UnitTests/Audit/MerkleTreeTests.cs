using System.Security.Cryptography;
using System.Text;
using Npq.Application.Audit.Log;

namespace Npq.UnitTests.Audit;

/// <summary>RFC 9162's tree, proofs and their verification, against the definition computed naively.</summary>
public sealed class MerkleTreeTests
{
    private static readonly byte[][] Leaves = Enumerable.Range(0, 70).Select(i => MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"event {i}"))).ToArray();

    /// <summary>MTH straight from RFC 9162 §2.1.1.</summary>
    private static byte[] Mth(ReadOnlySpan<byte[]> leaves)
    {
        if (leaves.Length == 0)
            return SHA256.HashData([]);
        if (leaves.Length == 1)
            return leaves[0];
        var k = 1;
        while (k << 1 < leaves.Length)
            k <<= 1;
        return MerkleTree.NodeHash(Mth(leaves[..k]), Mth(leaves[k..]));
    }

    private static byte[] Stored(int level, long index) => Mth(Leaves.AsSpan((int)(index << level), 1 << level));

    [Fact]
    public void Leaf_and_node_hashes_are_domain_separated_as_rfc_9162_says()
    {
        MerkleTree.LeafHash([1, 2]).ShouldBe(SHA256.HashData([0, 1, 2]));
        MerkleTree.NodeHash(new byte[32], Enumerable.Repeat((byte)1, 32).ToArray())
            .ShouldBe(SHA256.HashData([1, .. new byte[32], .. Enumerable.Repeat((byte)1, 32)]));
    }

    [Fact]
    public void The_frontier_and_the_stored_nodes_give_the_root_of_every_size()
    {
        var frontier = new MerkleTree.Frontier();
        for (var n = 1; n <= Leaves.Length; n++)
        {
            frontier.Append(Leaves[n - 1]);
            var expected = Mth(Leaves.AsSpan(0, n));
            frontier.Root().ShouldBe(expected, $"size {n}");
            MerkleTree.Hash(0, n, Stored).ShouldBe(expected);
            MerkleTree.Frontier.Of(n, Stored).Root().ShouldBe(expected);
        }
    }

    [Fact]
    public void Appending_reports_every_node_it_completes()
    {
        var frontier = new MerkleTree.Frontier();
        for (var i = 0; i < 7; i++)
            frontier.Append(Leaves[i]);
        var completed = frontier.Append(Leaves[7]); // leaf 7 completes (1,3), (2,1) and (3,0)
        completed.Select(c => (c.Level, c.Index)).ShouldBe([(0, 7L), (1, 3L), (2, 1L), (3, 0L)]);
        foreach (var (level, index, hash) in completed)
            hash.ShouldBe(Stored(level, index));
    }

    [Fact]
    public void Every_inclusion_proof_verifies_and_a_changed_one_does_not()
    {
        for (var n = 1; n <= 40; n++)
        {
            var root = Mth(Leaves.AsSpan(0, n));
            for (var m = 0; m < n; m++)
            {
                var path = MerkleTree.InclusionRanges(m, n).Select(r => MerkleTree.Hash(r.Start, r.End, Stored)).ToList();
                MerkleTree.VerifyInclusion(m, n, Leaves[m], path, root).ShouldBeTrue($"leaf {m} of {n}");
                MerkleTree.VerifyInclusion(m, n, Leaves[(m + 1) % 70], path, root).ShouldBeFalse();
                if (path.Count > 0)
                {
                    var bent = path.ToList();
                    bent[^1] = Leaves[69];
                    MerkleTree.VerifyInclusion(m, n, Leaves[m], bent, root).ShouldBeFalse();
                }
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_verifies_and_a_rewritten_history_does_not()
    {
        for (var n = 1; n <= 40; n++)
        {
            var second = Mth(Leaves.AsSpan(0, n));
            for (var m = 1; m <= n; m++)
            {
                var first = Mth(Leaves.AsSpan(0, m));
                var proof = MerkleTree.ConsistencyRanges(m, n).Select(r => MerkleTree.Hash(r.Start, r.End, Stored)).ToList();
                MerkleTree.VerifyConsistency(m, n, first, second, proof).ShouldBeTrue($"{m} → {n}");
                if (m < n)
                {
                    var forked = Mth([.. Leaves.AsSpan(0, m - 1), Leaves[69]]);
                    MerkleTree.VerifyConsistency(m, n, forked, second, proof).ShouldBeFalse($"forked {m} → {n}");
                }
            }
        }
    }

    [Fact]
    public void The_rfc_9162_example_tree_of_seven_leaves_has_the_proofs_the_rfc_lists()
    {
        // RFC 9162 §2.1.5: the inclusion proof for d0 in the tree of 7 leaves is [b, h, l]: the leaf d1, the node (1,1), the node over d4..d6.
        MerkleTree.InclusionRanges(0, 7).ShouldBe([(1L, 2L), (2L, 4L), (4L, 7L)]);
        // … for d3: [c, g, l]; for d4: [f, j, k].
        MerkleTree.InclusionRanges(3, 7).ShouldBe([(2L, 3L), (0L, 2L), (4L, 7L)]);
        MerkleTree.InclusionRanges(4, 7).ShouldBe([(5L, 6L), (6L, 7L), (0L, 4L)]);
        // Consistency between 3 and 7 leaves: [c, d, g, l]; between 4 and 7: [l]; between 6 and 7: [i, j, k].
        MerkleTree.ConsistencyRanges(3, 7).ShouldBe([(2L, 3L), (3L, 4L), (0L, 2L), (4L, 7L)]);
        MerkleTree.ConsistencyRanges(4, 7).ShouldBe([(4L, 7L)]);
        MerkleTree.ConsistencyRanges(6, 7).ShouldBe([(4L, 6L), (6L, 7L), (0L, 4L)]);
    }
}
