using System;
using System.Security.Cryptography;
using System.Text;

namespace PSConvolution.Engine.Batch;

/// <summary>
/// A path as 128 bits of its SHA-256 (of the upper-cased path where the file system ignores case): what a call
/// remembers of every input and output it has seen, so that a million-file call keeps 16 bytes a path, not the
/// path. Two different paths share a key with a probability of about 1e-27 for a million files.
/// </summary>
public readonly record struct PathKey(ulong High, ulong Low)
{
    /// <summary>True where the file system ignores case (Windows, macOS), so paths that differ only in case are one file.</summary>
    public static readonly bool IgnoreCase = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS();

    /// <summary>Compares paths as the file system does.</summary>
    public static readonly StringComparer Comparer = IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The key of a path, as given (callers pass full paths).</summary>
    public static PathKey Of(string path)
    {
        string text = IgnoreCase ? path.ToUpperInvariant() : path;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return new PathKey(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash.Slice(8)));
    }
}
