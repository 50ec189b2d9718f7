#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The AVX-512 and AVX2 loops of <see cref="ByteCorrelation"/>: 128 samples a step (four 512-bit or eight 256-bit
/// accumulators), then AVX2 steps of 64 for what is left. A row of 64 samples or more ends with a step moved back to
/// its end, so no sample is left to the scalar loop.
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
            x = ToBytesAvx2(ref src, taps, offsets, n, shift, half, shiftedBias, absolute, ref dst, x);
        }
    }

    // The AVX2 loops from x on: the whole row with AVX-512 off, else the last 0-127 samples the AVX-512 loop leaves.
    // Returns where they stopped: the row's end where the row holds 64 samples or more, else x.
    [MethodImpl(Jit.HotLoop)]
    private static int ToBytesAvx2(ref byte src, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int n, int shift, short half, short shiftedBias, bool absolute, ref byte dst, int x)
    {
        Vector256<short> halfVector = Vector256.Create(half);
        Vector256<short> one = Vector256.Create((short)1);
        Vector256<short> biasVector = Vector256.Create(shiftedBias);
        Vector256<ushort> max = Vector256.Create((ushort)255);

        // 128 samples a step, as the AVX-512 loop takes them: the loop over the taps reads each tap's offset and
        // weight and branches on the weight once for eight vectors instead of four. The position is a local, not
        // the ref parameter, which would be stored and loaded again every step. Sharpen (K1) on the 12 MP photo
        // with AVX-512 off, one thread, against 64 samples a step in the same process: 0.80x-0.89x the time in
        // processes where it ran slowly (about 9.5 ms a call), 0.93x-1.01x where it ran at about 5.5 ms.
        int i = x;
        for (; i <= n - 128; i += 128)
        {
            Vector256<ushort> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int t = 0; t < taps.Length; t++)
            {
                ref byte s = ref Unsafe.Add(ref src, i + offsets[t]);
                AddTap(ref s, taps[t], ref a0, ref a1, ref a2, ref a3);
                AddTap(ref Unsafe.Add(ref s, 64), taps[t], ref a4, ref a5, ref a6, ref a7);
            }

            SignedSumStore.Level256(a0.AsInt16(), a1.AsInt16(), shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)i);
            SignedSumStore.Level256(a2.AsInt16(), a3.AsInt16(), shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)(i + 32));
            SignedSumStore.Level256(a4.AsInt16(), a5.AsInt16(), shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)(i + 64));
            SignedSumStore.Level256(a6.AsInt16(), a7.AsInt16(), shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)(i + 96));
        }

        // The last 0-127 samples 64 at a time, the last step moved back to end at the row's end (VectorSteps), so
        // no sample of a row of 64 or more is left to the scalar loop.
        for (i = VectorSteps.First(i, n, 64); i <= n - 64; i = VectorSteps.Next(i, n, 64))
        {
            Vector256<ushort> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int t = 0; t < taps.Length; t++)
            {
                AddTap(ref Unsafe.Add(ref src, i + offsets[t]), taps[t], ref a0, ref a1, ref a2, ref a3);
            }

            SignedSumStore.Level256(a0.AsInt16(), a1.AsInt16(), shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)i);
            SignedSumStore.Level256(a2.AsInt16(), a3.AsInt16(), shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)(i + 32));
        }

        return i;
    }

    // One tap's 64 samples from s, widened, into four accumulators of 16: added or subtracted for a weight of 1 or -1
    // (65535 in wrapping 16-bit lanes), else multiplied.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTap(ref byte s, ushort w, ref Vector256<ushort> a0, ref Vector256<ushort> a1, ref Vector256<ushort> a2, ref Vector256<ushort> a3)
    {
        Vector256<ushort> v0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s)).AsUInt16();
        Vector256<ushort> v1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, 16)).AsUInt16();
        Vector256<ushort> v2 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, 32)).AsUInt16();
        Vector256<ushort> v3 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, 48)).AsUInt16();
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
}
#endif
