#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The AVX-512 and AVX2 loops of <see cref="ByteCorrelation"/>: 128 or 64 samples a step, four accumulators. A row
/// of 64 samples or more ends with a step moved back to its end, so no sample is left to the scalar loop.
/// </summary>
internal static partial class ByteCorrelation
{
    [MethodImpl(Jit.HotLoop)]
    static partial void ToBytesVectors(ref byte src, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int n, int shift, short bias, bool absolute, ref byte dst, ref int x)
    {
        short half = (short)ShiftRounding.HalfLessOne(shift);
        short shiftedBias = (short)(bias << shift);
        if (Avx512BW.IsSupported)
        {
            Vector512<short> halfVector = Vector512.Create(half);
            Vector512<short> one = Vector512.Create((short)1);
            Vector512<short> biasVector = Vector512.Create(shiftedBias);
            // The kernel's last row is the one no earlier output row read: it comes from memory, and this loop outruns
            // the hardware's prefetch of it (the AVX2 loop below does not, and gained nothing from asking).
            int last = 0;
            foreach (int offset in offsets)
            {
                last = Math.Max(last, offset);
            }

            for (; x <= n - 128; x += 128)
            {
                Prefetch.Ahead(ref src, last + x);
                Prefetch.Ahead(ref src, last + x + 64);
                Vector512<ushort> a0 = Vector512<ushort>.Zero, a1 = Vector512<ushort>.Zero, a2 = Vector512<ushort>.Zero, a3 = Vector512<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref byte s = ref Unsafe.Add(ref src, x + offsets[t]);
                    Vector512<ushort> v0 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s));
                    Vector512<ushort> v1 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s, 32));
                    Vector512<ushort> v2 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s, 64));
                    Vector512<ushort> v3 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s, 96));
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += v0;
                        a1 += v1;
                        a2 += v2;
                        a3 += v3;
                    }
                    else if (w == ushort.MaxValue)
                    {
                        a0 -= v0;
                        a1 -= v1;
                        a2 -= v2;
                        a3 -= v3;
                    }
                    else
                    {
                        Vector512<ushort> wv = Vector512.Create(w);
                        a0 += v0 * wv;
                        a1 += v1 * wv;
                        a2 += v2 * wv;
                        a3 += v3 * wv;
                    }
                }

                SignedSumStore.Level512(a0.AsInt16(), shift, halfVector, one, biasVector, absolute).StoreUnsafe(ref dst, (nuint)x);
                SignedSumStore.Level512(a1.AsInt16(), shift, halfVector, one, biasVector, absolute).StoreUnsafe(ref dst, (nuint)(x + 32));
                SignedSumStore.Level512(a2.AsInt16(), shift, halfVector, one, biasVector, absolute).StoreUnsafe(ref dst, (nuint)(x + 64));
                SignedSumStore.Level512(a3.AsInt16(), shift, halfVector, one, biasVector, absolute).StoreUnsafe(ref dst, (nuint)(x + 96));
            }
        }

        if (Avx2.IsSupported)
        {
            Vector256<short> halfVector = Vector256.Create(half);
            Vector256<short> one = Vector256.Create((short)1);
            Vector256<short> biasVector = Vector256.Create(shiftedBias);
            Vector256<ushort> max = Vector256.Create((ushort)255);
            // No tail is left to the scalar loop (VectorSteps).
            for (x = VectorSteps.First(x, n, 64); x <= n - 64; x = VectorSteps.Next(x, n, 64))
            {
                Vector256<ushort> a0 = Vector256<ushort>.Zero, a1 = Vector256<ushort>.Zero, a2 = Vector256<ushort>.Zero, a3 = Vector256<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref byte s = ref Unsafe.Add(ref src, x + offsets[t]);
                    Vector256<ushort> v0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s)).AsUInt16();
                    Vector256<ushort> v1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, 16)).AsUInt16();
                    Vector256<ushort> v2 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, 32)).AsUInt16();
                    Vector256<ushort> v3 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, 48)).AsUInt16();
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += v0;
                        a1 += v1;
                        a2 += v2;
                        a3 += v3;
                    }
                    else if (w == ushort.MaxValue)
                    {
                        a0 -= v0;
                        a1 -= v1;
                        a2 -= v2;
                        a3 -= v3;
                    }
                    else
                    {
                        Vector256<ushort> wv = Vector256.Create(w);
                        a0 += v0 * wv;
                        a1 += v1 * wv;
                        a2 += v2 * wv;
                        a3 += v3 * wv;
                    }
                }

                SignedSumStore.Level256(a0.AsInt16(), a1.AsInt16(), shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)x);
                SignedSumStore.Level256(a2.AsInt16(), a3.AsInt16(), shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)(x + 32));
            }
        }
    }
}
#endif
