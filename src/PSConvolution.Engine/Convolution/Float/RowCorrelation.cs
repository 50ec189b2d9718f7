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

#if NET8_0_OR_GREATER
    /// <summary>Floats per vector of the widest loops here: a direct 2-D tap costs about 1/<c>Lanes</c> of a scalar one.</summary>
    public static int Lanes => System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? 16 : System.Numerics.Vector<float>.Count;

    /// <summary>Whether <see cref="Correlate4Folded"/> has vector loops here (AVX-512 or FMA); otherwise it is a scalar loop.</summary>
    public static bool CanFold => System.Runtime.Intrinsics.X86.Avx512F.IsSupported || System.Runtime.Intrinsics.X86.Fma.IsSupported;
#else
    /// <summary>Floats per vector of the loops here (<see cref="System.Numerics.Vector{T}"/>).</summary>
    public static int Lanes => System.Numerics.Vector.IsHardwareAccelerated ? System.Numerics.Vector<float>.Count : 1;

    /// <summary>Whether <see cref="Correlate4Folded"/> has vector loops here; never on .NET Framework.</summary>
    public static bool CanFold => false;
#endif

    /// <summary>
    /// Four rows of a symmetric (or antisymmetric) vertical pass at once:
    /// <c>acc_q[x] = sum over t of w_q[t] * (source[x + low[t]] + sign * source[x + high[t]])</c>. Rows i and kh-1-i
    /// share a weight, so each pair costs one add and one multiply-add per term instead of two multiply-adds. An odd
    /// kernel's centre row is a pair of itself with half its weight: (c + c) × w/2 is c × w exactly.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Correlate4Folded(ReadOnlySpan<float> source, Span<float> acc0, Span<float> acc1, Span<float> acc2, Span<float> acc3, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, ReadOnlySpan<float> w3, ReadOnlySpan<int> low, ReadOnlySpan<int> high, bool subtract)
    {
        int n = acc0.Length;
        int pairs = low.Length;
        if (high.Length != pairs || acc1.Length != n || acc2.Length != n || acc3.Length != n || w0.Length < pairs || w1.Length < pairs || w2.Length < pairs || w3.Length < pairs)
        {
            throw new ArgumentException("Every row needs its accumulators, and every pair a weight and two offsets.");
        }

        TapBounds.Check(source.Length, n, low);
        TapBounds.Check(source.Length, n, high);
        int x = 0;
        Correlate4FoldedVectors(source, acc0, acc1, acc2, acc3, w0, w1, w2, w3, low, high, subtract, ref x);
        float sign = subtract ? -1f : 1f;
        for (; x < n; x++)
        {
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (int t = 0; t < pairs; t++)
            {
                float v = source[x + low[t]] + (sign * source[x + high[t]]);
                a0 += w0[t] * v;
                a1 += w1[t] * v;
                a2 += w2[t] * v;
                a3 += w3[t] * v;
            }

            acc0[x] = a0;
            acc1[x] = a1;
            acc2[x] = a2;
            acc3[x] = a3;
        }
    }

    static partial void Correlate4FoldedVectors(ReadOnlySpan<float> source, Span<float> acc0, Span<float> acc1, Span<float> acc2, Span<float> acc3, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, ReadOnlySpan<float> w3, ReadOnlySpan<int> low, ReadOnlySpan<int> high, bool subtract, ref int x);

    // The vector loops: the widest the machine has (RowCorrelation.Intrinsics.cs), or Vector<float> (netstandard2.0).
    static partial void CorrelateVectors(ref float src, ref float acc, ref float tap, ref int offset, int n, int tapCount, ref int x);
}
