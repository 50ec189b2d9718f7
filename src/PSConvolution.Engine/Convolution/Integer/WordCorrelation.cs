using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Planning;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The multiply-add of <see cref="DirectIntegerPath"/>: every tap of a kernel over a row of 16-bit samples.</summary>
internal static class WordCorrelation
{
    /// <summary>
    /// <c>acc[x] = sum over t of taps[t] * source[x + offsets[t]]</c> in 16-bit lanes (the callers' bounds keep it from
    /// wrapping); weights of 1 and -1 are an add and a subtract.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Correlate<T>(ReadOnlySpan<T> source, Span<T> accumulator, ReadOnlySpan<T> taps, ReadOnlySpan<int> offsets)
        where T : unmanaged, INumber<T>
    {
        int n = accumulator.Length;
        TapBounds.Check(source.Length, n, offsets);
        if (taps.Length != offsets.Length)
        {
            throw new ArgumentException("Every tap needs a weight and an offset.", nameof(offsets));
        }

        ref T src = ref MemoryMarshal.GetReference(source);
        ref T acc = ref MemoryMarshal.GetReference(accumulator);
        T minusOne = T.Zero - T.One;
        int x = 0;
        if (Avx512BW.IsSupported)
        {
            for (; x <= n - 128; x += 128)
            {
                Vector512<T> a0 = Vector512<T>.Zero, a1 = Vector512<T>.Zero, a2 = Vector512<T>.Zero, a3 = Vector512<T>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref T s = ref Unsafe.Add(ref src, x + offsets[t]);
                    T w = taps[t];
                    if (w == T.One)
                    {
                        a0 += Vector512.LoadUnsafe(ref s);
                        a1 += Vector512.LoadUnsafe(ref s, 32);
                        a2 += Vector512.LoadUnsafe(ref s, 64);
                        a3 += Vector512.LoadUnsafe(ref s, 96);
                    }
                    else if (w == minusOne)
                    {
                        a0 -= Vector512.LoadUnsafe(ref s);
                        a1 -= Vector512.LoadUnsafe(ref s, 32);
                        a2 -= Vector512.LoadUnsafe(ref s, 64);
                        a3 -= Vector512.LoadUnsafe(ref s, 96);
                    }
                    else
                    {
                        Vector512<T> v = Vector512.Create(w);
                        a0 += Vector512.LoadUnsafe(ref s) * v;
                        a1 += Vector512.LoadUnsafe(ref s, 32) * v;
                        a2 += Vector512.LoadUnsafe(ref s, 64) * v;
                        a3 += Vector512.LoadUnsafe(ref s, 96) * v;
                    }
                }

                ref T a = ref Unsafe.Add(ref acc, x);
                a0.StoreUnsafe(ref a);
                a1.StoreUnsafe(ref a, 32);
                a2.StoreUnsafe(ref a, 64);
                a3.StoreUnsafe(ref a, 96);
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<T>.Count;
            for (; x <= n - (2 * lanes); x += 2 * lanes)
            {
                Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref T s = ref Unsafe.Add(ref src, x + offsets[t]);
                    T w = taps[t];
                    if (w == T.One)
                    {
                        a0 += Vector.LoadUnsafe(ref s);
                        a1 += Vector.LoadUnsafe(ref s, (nuint)lanes);
                    }
                    else if (w == minusOne)
                    {
                        a0 -= Vector.LoadUnsafe(ref s);
                        a1 -= Vector.LoadUnsafe(ref s, (nuint)lanes);
                    }
                    else
                    {
                        var v = new Vector<T>(w);
                        a0 += Vector.LoadUnsafe(ref s) * v;
                        a1 += Vector.LoadUnsafe(ref s, (nuint)lanes) * v;
                    }
                }

                a0.StoreUnsafe(ref acc, (nuint)x);
                a1.StoreUnsafe(ref acc, (nuint)(x + lanes));
            }
        }

        for (; x < n; x++)
        {
            T a = T.Zero;
            for (int t = 0; t < taps.Length; t++)
            {
                a += taps[t] * Unsafe.Add(ref src, x + offsets[t]);
            }

            Unsafe.Add(ref acc, x) = a;
        }
    }
}
