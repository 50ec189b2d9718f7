using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PSConvolution.Engine.Convolution.Planning;

namespace PSConvolution.Engine.Convolution.Float;

/// <summary>The multiply-add loops of the float path: every tap of a kernel over a row, for one output row or four.</summary>
internal static partial class RowCorrelation
{
    /// <summary>
    /// <c>acc[x] = sum over t of taps[t] * source[x + offsets[t]]</c>: every tap of a
    /// kernel in one pass, with the accumulators held in registers (8 vectors wide with AVX-512) so each tap costs one load and
    /// one fused multiply-add. The caller guarantees <c>source.Length &gt;= acc.Length + max(offsets)</c>.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Correlate(ReadOnlySpan<float> source, Span<float> accumulator, ReadOnlySpan<float> taps, ReadOnlySpan<int> offsets)
    {
        int n = accumulator.Length;
        int tapCount = taps.Length;
        TapBounds.Check(source.Length, n, offsets);
        if (offsets.Length != tapCount)
        {
            throw new ArgumentException("Every tap needs a weight and an offset.", nameof(offsets));
        }

        ref float src = ref MemoryMarshal.GetReference(source);
        ref float acc = ref MemoryMarshal.GetReference(accumulator);
        ref float tap = ref MemoryMarshal.GetReference(taps);
        ref int offset = ref MemoryMarshal.GetReference(offsets);
        int x = 0;
        CorrelateVectors(ref src, ref acc, ref tap, ref offset, n, tapCount, ref x);
        for (; x < n; x++)
        {
            float a = 0f;
            for (int t = 0; t < tapCount; t++)
            {
                a += Unsafe.Add(ref tap, t) * Unsafe.Add(ref src, x + Unsafe.Add(ref offset, t));
            }

            Unsafe.Add(ref acc, x) = a;
        }
    }

    // The vector loops: the widest the machine has (RowCorrelation.Intrinsics.cs), or Vector<float> (netstandard2.0).
    static partial void CorrelateVectors(ref float src, ref float acc, ref float tap, ref int offset, int n, int tapCount, ref int x);
}
