using System.Security.Cryptography;

namespace ErasWeb.Media;

/// <summary>How files are identified everywhere: lower-case hex sha256 of their bytes.</summary>
public static class ContentHash
{
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
