using System.Security.Cryptography;

namespace Npq.Application.Audit.Log;

/// <summary>
/// The Merkle tree of RFC 9162 §2.1 (Certificate Transparency 2.0) over the sealed event log: leaf
/// hashes <c>SHA-256(0x00 ‖ leaf)</c>, node hashes <c>SHA-256(0x01 ‖ left ‖ right)</c>, the tree of n
/// leaves split at the largest power of two below n. Pure functions: the hash of any aligned perfect
/// subtree ("node" (level, index): leaves index·2^level … (index+1)·2^level − 1) comes from the caller,
/// so proofs read O(log² n) stored nodes, never the whole log.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var input = new byte[leaf.Length + 1];
        leaf.CopyTo(input.AsSpan(1));
        return SHA256.HashData(input);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = 1;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        return SHA256.HashData(input);
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n ≥ 2).</summary>
    public static long SplitPoint(long n)
    {
        var k = 1L;
        while (k << 1 < n)
            k <<= 1;
        return k;
    }

    /// <summary>A range of leaves [start, end) that is an aligned perfect subtree is a stored node.</summary>
    public static bool IsNode(long start, long end, out int level, out long index)
    {
        var size = end - start;
        level = 0;
        index = 0;
        if (size <= 0 || (size & (size - 1)) != 0 || start % size != 0)
            return false;
        level = System.Numerics.BitOperations.Log2((ulong)size);
        index = start / size;
        return true;
    }

    /// <summary>The stored nodes MTH of [start, end) is made of (the recursion of RFC 9162 §2.1.1).</summary>
    public static void NodesOf(long start, long end, ICollection<(int Level, long Index)> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (IsNode(start, end, out var level, out var index))
        {
            nodes.Add((level, index));
            return;
        }

        var k = SplitPoint(end - start);
        NodesOf(start, start + k, nodes);
        NodesOf(start + k, end, nodes);
    }

    /// <summary>MTH(D[start:end]) from stored nodes.</summary>
    public static byte[] Hash(long start, long end, Func<int, long, byte[]> node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (IsNode(start, end, out var level, out var index))
            return node(level, index);
        var k = SplitPoint(end - start);
        return NodeHash(Hash(start, start + k, node), Hash(start + k, end, node));
    }

    /// <summary>The ranges whose hashes make the inclusion proof of leaf m in the tree of n leaves (RFC 9162 §2.1.3.1).</summary>
    public static IReadOnlyList<(long Start, long End)> InclusionRanges(long m, long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(m, n);
        var path = new List<(long, long)>();
        Path(m, 0, n, path);
        return path;

        static void Path(long m, long start, long end, List<(long, long)> path)
        {
            if (end - start <= 1)
                return;
            var k = SplitPoint(end - start);
            if (m < start + k)
            {
                Path(m, start, start + k, path);
                path.Add((start + k, end));
            }
            else
            {
                Path(m, start + k, end, path);
                path.Add((start, start + k));
            }
        }
    }

    /// <summary>The ranges whose hashes make the consistency proof between trees of m and n leaves (RFC 9162 §2.1.4.1).</summary>
    public static IReadOnlyList<(long Start, long End)> ConsistencyRanges(long m, long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, n);
        var proof = new List<(long, long)>();
        if (m < n)
            SubProof(m, 0, n, true, proof);
        return proof;

        static void SubProof(long m, long start, long end, bool b, List<(long, long)> proof)
        {
            var n = end - start;
            if (m == n)
            {
                if (!b)
                    proof.Add((start, end));
                return;
            }

            var k = SplitPoint(n);
            if (m <= k)
            {
                SubProof(m, start, start + k, b, proof);
                proof.Add((start + k, end));
            }
            else
            {
                SubProof(m - k, start + k, end, false, proof);
                proof.Add((start, start + k));
            }
        }
    }

    /// <summary>Checks an inclusion proof (RFC 9162 §2.1.3.2): the root it leads to equals <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(long index, long size, byte[] leafHash, IReadOnlyList<byte[]> path, byte[] root)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (index < 0 || index >= size)
            return false;
        long fn = index, sn = size - 1;
        var r = leafHash;
        foreach (var p in path)
        {
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>Checks a consistency proof (RFC 9162 §2.1.4.2) between the roots of trees of m ≤ n leaves.</summary>
    public static bool VerifyConsistency(long m, long n, byte[] firstRoot, byte[] secondRoot, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (m <= 0 || m > n)
            return false;
        if (m == n)
            return proof.Count == 0 && firstRoot.AsSpan().SequenceEqual(secondRoot);
        if (proof.Count == 0)
            return false;
        var path = new List<byte[]>(proof);
        if ((m & (m - 1)) == 0)
            path.Insert(0, firstRoot); // m is a power of two: the first root is a node of the second tree
        long fn = m - 1, sn = n - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        byte[] fr = path[0], sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot);
    }

    /// <summary>
    /// The right edge of a growing tree (a "compact range"): one hash per set bit of the size, enough
    /// to append a leaf and to give the root, in O(log n) memory. Used by the sealer and the verifier.
    /// </summary>
    public sealed class Frontier
    {
        private readonly List<byte[]?> _levels = [];

        public long Size { get; private set; }

        /// <summary>The nodes that became complete with this leaf, level 0 (the leaf) upwards.</summary>
        public IReadOnlyList<(int Level, long Index, byte[] Hash)> Append(byte[] leafHash)
        {
            var completed = new List<(int, long, byte[])>();
            var hash = leafHash;
            var index = Size;
            var level = 0;
            completed.Add((0, index, hash));
            while ((index & 1) == 1)
            {
                hash = NodeHash(_levels[level]!, hash);
                _levels[level] = null;
                level++;
                index >>= 1;
                completed.Add((level, index, hash));
            }

            while (_levels.Count <= level)
                _levels.Add(null);
            _levels[level] = hash;
            Size++;
            return completed;
        }

        /// <summary>Restores the frontier of a tree of <paramref name="size"/> leaves from its stored nodes.</summary>
        public static Frontier Of(long size, Func<int, long, byte[]> node)
        {
            ArgumentNullException.ThrowIfNull(node);
            var frontier = new Frontier { Size = size };
            for (var level = 0; level < 63 && (size >> level) > 0; level++)
            {
                frontier._levels.Add(((size >> level) & 1) == 1 ? node(level, (size >> level) - 1) : null);
            }

            return frontier;
        }

        /// <summary>The nodes <see cref="Of"/> needs.</summary>
        public static IEnumerable<(int Level, long Index)> NodesFor(long size)
        {
            for (var level = 0; level < 63 && (size >> level) > 0; level++)
            {
                if (((size >> level) & 1) == 1)
                    yield return (level, (size >> level) - 1);
            }
        }

        /// <summary>MTH of the leaves so far: the perfect subtrees folded from the smallest (right) up.</summary>
        public byte[] Root()
        {
            if (Size == 0)
                return SHA256.HashData([]);
            byte[]? root = null;
            foreach (var hash in _levels)
            {
                if (hash is null)
                    continue;
                root = root is null ? hash : NodeHash(hash, root);
            }

            return root!;
        }
    }
}
