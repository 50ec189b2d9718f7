using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PSConvolution.Engine.Convolution.Planning;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The multiply-add of <see cref="DirectIntegerPath"/>: every tap of a kernel over a row of 16-bit samples.</summary>
internal static partial class WordCorrelation
{
    /// <summary>
    /// <c>acc[x] = sum over t of taps[t] * source[x + offsets[t]]</c> in 16-bit lanes, wrapping (the same bits for
    /// signed and unsigned sums; the callers' bounds keep the true sum inside the lane); weights of 1 and -1
    /// (65535) are an add and a subtract.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Correlate(ReadOnlySpan<ushort> source, Span<ushort> accumulator, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets)
    {
        int n = accumulator.Length;
        TapBounds.Check(source.Length, n, offsets);
        if (taps.Length != offsets.Length)
        {
            throw new ArgumentException("Every tap needs a weight and an offset.", nameof(offsets));
        }

        ref ushort src = ref MemoryMarshal.GetReference(source);
        ref ushort acc = ref MemoryMarshal.GetReference(accumulator);
        int x = 0;
        CorrelateAvx512(ref src, ref acc, n, taps, offsets, ref x);
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<ushort>.Count;
            for (; x <= n - (2 * lanes); x += 2 * lanes)
            {
                Vector<ushort> a0 = Vector<ushort>.Zero, a1 = Vector<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref ushort s = ref Unsafe.Add(ref src, x + offsets[t]);
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += VectorMemory.LoadUnsafe(ref s, 0);
                        a1 += VectorMemory.LoadUnsafe(ref s, lanes);
                    }
                    else if (w == ushort.MaxValue)
                    {
                        a0 -= VectorMemory.LoadUnsafe(ref s, 0);
                        a1 -= VectorMemory.LoadUnsafe(ref s, lanes);
                    }
                    else
                    {
                        var v = new Vector<ushort>(w);
                        a0 += VectorMemory.LoadUnsafe(ref s, 0) * v;
                        a1 += VectorMemory.LoadUnsafe(ref s, lanes) * v;
                    }
                }

                VectorMemory.StoreUnsafe(a0, ref acc, x);
                VectorMemory.StoreUnsafe(a1, ref acc, x + lanes);
            }
        }

        for (; x < n; x++)
        {
            int a = 0;
            for (int t = 0; t < taps.Length; t++)
            {
                a += taps[t] * Unsafe.Add(ref src, x + offsets[t]);
            }

            Unsafe.Add(ref acc, x) = unchecked((ushort)a);
        }
    }

    // The widest loops, where the machine has them; without an implementation (netstandard2.0) the call is removed.
    static partial void CorrelateAvx512(ref ushort src, ref ushort acc, int n, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, ref int x);
}
