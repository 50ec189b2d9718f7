#if !NET8_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Convolution.Float;

/// <summary>
/// The netstandard2.0 loops of <see cref="RowCorrelation"/>: <see cref="Vector{T}"/> of floats (AVX2-wide under
/// RyuJIT on .NET Framework), a multiply and an add per tap, as the Vector128 loop of the .NET 8 build does.
/// </summary>
internal static partial class RowCorrelation
{
    /// <summary>Four output rows: four <see cref="Correlate"/> passes, the same arithmetic lane for lane.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Correlate4(ReadOnlySpan<float> source, Span<float> acc0, Span<float> acc1, Span<float> acc2, Span<float> acc3, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, ReadOnlySpan<float> w3, ReadOnlySpan<int> offsets)
    {
        int taps = offsets.Length;
        Correlate(source, acc0, w0.Slice(0, taps), offsets);
        Correlate(source, acc1, w1.Slice(0, taps), offsets);
        Correlate(source, acc2, w2.Slice(0, taps), offsets);
        Correlate(source, acc3, w3.Slice(0, taps), offsets);
    }

    [MethodImpl(Jit.HotLoop)]
    static partial void CorrelateVectors(ref float src, ref float acc, ref float tap, ref int offset, int n, int tapCount, ref int x)
    {
        if (!Vector.IsHardwareAccelerated)
        {
            return;
        }

        int lanes = Vector<float>.Count;
        for (; x <= n - (2 * lanes); x += 2 * lanes)
        {
            Vector<float> a0 = Vector<float>.Zero;
            Vector<float> a1 = Vector<float>.Zero;
            for (int t = 0; t < tapCount; t++)
            {
                var w = new Vector<float>(Unsafe.Add(ref tap, t));
                ref float s = ref Unsafe.Add(ref src, x + Unsafe.Add(ref offset, t));
                a0 += VectorMemory.LoadUnsafe(ref s, 0) * w;
                a1 += VectorMemory.LoadUnsafe(ref s, lanes) * w;
            }

            VectorMemory.StoreUnsafe(a0, ref acc, x);
            VectorMemory.StoreUnsafe(a1, ref acc, x + lanes);
        }
    }
}
#endif
