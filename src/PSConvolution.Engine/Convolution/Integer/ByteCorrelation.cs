using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PSConvolution.Engine.Convolution.Planning;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// <see cref="DirectIntegerPath"/>'s correlation and store in one loop, for kernels whose sum is rounded in integers:
/// the padded rows stay bytes, each tap widens its bytes in registers, and the sums become levels before they leave
/// the registers. Against <see cref="WordCorrelation"/> followed by <see cref="SignedSumStore"/> it writes and reads
/// no 16-bit rows: a 3x3 kernel then moves about a third of the bytes through the caches.
/// </summary>
internal static partial class ByteCorrelation
{
#if NET8_0_OR_GREATER
    /// <summary>Whether this machine has the loops (AVX2 or AVX-512); without them the word rows are used.</summary>
    public static bool IsSupported => System.Runtime.Intrinsics.X86.Avx2.IsSupported;
#else
    /// <summary>Whether this machine has the loops; never on .NET Framework, which has no hardware intrinsics.</summary>
    public static bool IsSupported => false;
#endif

    /// <summary>
    /// <c>destination[x] = SignedSumStore.Level(sum over t of taps[t] * source[x + offsets[t]])</c>, the sum taken in
    /// wrapping 16-bit lanes as <see cref="WordCorrelation"/> takes it: the same bits, so the same levels.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void ToBytes(ReadOnlySpan<byte> source, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, short bias, bool absolute, Span<byte> destination)
    {
        int n = destination.Length;
        TapBounds.Check(source.Length, n, offsets);
        if (taps.Length != offsets.Length)
        {
            throw new ArgumentException("Every tap needs a weight and an offset.", nameof(offsets));
        }

        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int x = 0;
        ToBytesVectors(ref src, taps, offsets, n, shift, bias, absolute, ref dst, ref x);
        for (; x < n; x++)
        {
            int a = 0;
            for (int t = 0; t < taps.Length; t++)
            {
                a += taps[t] * Unsafe.Add(ref src, x + offsets[t]);
            }

            Unsafe.Add(ref dst, x) = SignedSumStore.Level(unchecked((short)a), shift, bias, absolute);
        }
    }

    // The AVX-512 and AVX2 loops; without an implementation (netstandard2.0) the call is removed.
    static partial void ToBytesVectors(ref byte src, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int n, int shift, short bias, bool absolute, ref byte dst, ref int x);
}
