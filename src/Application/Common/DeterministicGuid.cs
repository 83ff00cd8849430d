using System.Security.Cryptography;
using System.Text;

namespace Npq.Application.Common;

/// <summary>A GUID that is always the same for the same name (seeded reference data, idempotent side effects).</summary>
public static class DeterministicGuid
{
    public static Guid From(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8: name-based, custom hash
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }
}
