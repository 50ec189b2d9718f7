#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The AVX-512 and AVX2 loops of <see cref="WordCorrelation"/>: four vectors of 32 or 16 words a step.</summary>
internal static partial class WordCorrelation
{
    [MethodImpl(Jit.HotLoop)]
    static partial void CorrelateAvx512(ref ushort src, ref ushort acc, int n, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, ref int x)
    {
        if (Avx512BW.IsSupported)
        {
            for (; x <= n - 128; x += 128)
            {
                Vector512<ushort> a0 = Vector512<ushort>.Zero, a1 = Vector512<ushort>.Zero, a2 = Vector512<ushort>.Zero, a3 = Vector512<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref ushort s = ref Unsafe.Add(ref src, x + offsets[t]);
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += Vector512.LoadUnsafe(ref s);
                        a1 += Vector512.LoadUnsafe(ref s, 32);
                        a2 += Vector512.LoadUnsafe(ref s, 64);
                        a3 += Vector512.LoadUnsafe(ref s, 96);
                    }
                    else if (w == ushort.MaxValue)
                    {
                        a0 -= Vector512.LoadUnsafe(ref s);
                        a1 -= Vector512.LoadUnsafe(ref s, 32);
                        a2 -= Vector512.LoadUnsafe(ref s, 64);
                        a3 -= Vector512.LoadUnsafe(ref s, 96);
                    }
                    else
                    {
                        Vector512<ushort> v = Vector512.Create(w);
                        a0 += Vector512.LoadUnsafe(ref s) * v;
                        a1 += Vector512.LoadUnsafe(ref s, 32) * v;
                        a2 += Vector512.LoadUnsafe(ref s, 64) * v;
                        a3 += Vector512.LoadUnsafe(ref s, 96) * v;
                    }
                }

                ref ushort a = ref Unsafe.Add(ref acc, x);
                a0.StoreUnsafe(ref a);
                a1.StoreUnsafe(ref a, 32);
                a2.StoreUnsafe(ref a, 64);
                a3.StoreUnsafe(ref a, 96);
            }
        }

        if (Avx2.IsSupported)
        {
            // Four vectors a tap, as above: the Vector<T> loop's two left the tap's weight test and offset load
            // shared by only 32 words. No tail is left to the narrower loops (VectorSteps).
            for (x = VectorSteps.First(x, n, 64); x <= n - 64; x = VectorSteps.Next(x, n, 64))
            {
                Vector256<ushort> a0 = Vector256<ushort>.Zero, a1 = Vector256<ushort>.Zero, a2 = Vector256<ushort>.Zero, a3 = Vector256<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref ushort s = ref Unsafe.Add(ref src, x + offsets[t]);
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += Vector256.LoadUnsafe(ref s);
                        a1 += Vector256.LoadUnsafe(ref s, 16);
                        a2 += Vector256.LoadUnsafe(ref s, 32);
                        a3 += Vector256.LoadUnsafe(ref s, 48);
                    }
                    else if (w == ushort.MaxValue)
                    {
                        a0 -= Vector256.LoadUnsafe(ref s);
                        a1 -= Vector256.LoadUnsafe(ref s, 16);
                        a2 -= Vector256.LoadUnsafe(ref s, 32);
                        a3 -= Vector256.LoadUnsafe(ref s, 48);
                    }
                    else
                    {
                        Vector256<ushort> v = Vector256.Create(w);
                        a0 += Vector256.LoadUnsafe(ref s) * v;
                        a1 += Vector256.LoadUnsafe(ref s, 16) * v;
                        a2 += Vector256.LoadUnsafe(ref s, 32) * v;
                        a3 += Vector256.LoadUnsafe(ref s, 48) * v;
                    }
                }

                ref ushort a = ref Unsafe.Add(ref acc, x);
                a0.StoreUnsafe(ref a);
                a1.StoreUnsafe(ref a, 16);
                a2.StoreUnsafe(ref a, 32);
                a3.StoreUnsafe(ref a, 48);
            }
        }
    }
}
#endif
