#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The AVX-512 and AVX2 loops of <see cref="FixedPointPasses"/>. A pair of rows (or of taps) is interleaved into
/// 16-bit pairs once and multiplied by a pair of weights with <c>vpmaddwd</c>; with AVX-512, 32 samples (the
/// vertical passes) or 64 (the horizontal) a step, with AVX2 16 or 32, in <see cref="VectorSteps"/>, so a row of at
/// least one step leaves none to the narrower loops or the scalar one. The interleaves and packs work within
/// 128-bit lanes; one permute a store puts the samples back in order.
/// </summary>
internal static partial class FixedPointPasses
{
    [MethodImpl(Jit.HotLoop)]
    static partial void VerticalVectors(ref byte src, ReadOnlySpan<int> rows, ReadOnlySpan<int> pairs, int start, int offset, int n, ref short dst, ref int x)
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        if (Avx512BW.IsSupported)
        {
            Vector512<int> begin512 = Vector512.Create(start);
            for (x = VectorSteps.First(x, n, 32); x <= n - 32; x = VectorSteps.Next(x, n, 32))
            {
                Vector512<int> lo = begin512, hi = begin512;
                for (int p = 0; p < pairs.Length; p++)
                {
                    (Vector512<short> a, Vector512<short> b) = Interleave512(ref Unsafe.Add(ref src, rows[2 * p] + offset + x), ref Unsafe.Add(ref src, rows[(2 * p) + 1] + offset + x));
                    Vector512<short> w = Vector512.Create(pairs[p]).AsInt16();
                    lo += Avx512BW.MultiplyAddAdjacent(a, w);
                    hi += Avx512BW.MultiplyAddAdjacent(b, w);
                }

                StoreShorts512(lo, hi, ref Unsafe.Add(ref dst, x));
            }
        }

        Vector256<int> begin = Vector256.Create(start);
        for (x = VectorSteps.First(x, n, 16); x <= n - 16; x = VectorSteps.Next(x, n, 16))
        {
            Vector256<int> lo = begin, hi = begin;
            for (int p = 0; p < pairs.Length; p++)
            {
                (Vector256<short> a, Vector256<short> b) = Interleave(ref Unsafe.Add(ref src, rows[2 * p] + offset + x), ref Unsafe.Add(ref src, rows[(2 * p) + 1] + offset + x));
                Vector256<short> w = Vector256.Create(pairs[p]).AsInt16();
                lo = Avx2.Add(lo, Avx2.MultiplyAddAdjacent(a, w));
                hi = Avx2.Add(hi, Avx2.MultiplyAddAdjacent(b, w));
            }

            StoreShorts(lo, hi, ref Unsafe.Add(ref dst, x));
        }
    }

    [MethodImpl(Jit.HotLoop)]
    static partial void VerticalFourVectors(ref byte src, ReadOnlySpan<int> rows, ReadOnlySpan<int> pairs, int start, int offset, int n, ref short dst, int pitch, ref int x)
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        int count = rows.Length / 2;

        // The four rows no earlier block read, asked for ahead of the loops (Prefetch), a cache line at a time: the
        // last four, before the repeat of the last row that an odd number of rows ends with.
        int fresh = rows.Length >= 6 && rows[^1] == rows[^2] ? rows.Length - 2 : rows.Length - 1;
        bool prefetch = fresh >= 3;
        int f0 = rows[fresh] + offset, f1 = rows[Math.Max(fresh - 1, 0)] + offset, f2 = rows[Math.Max(fresh - 2, 0)] + offset, f3 = rows[Math.Max(fresh - 3, 0)] + offset;
        ref int w0 = ref Unsafe.AsRef(in pairs[0]);
        ref int w1 = ref Unsafe.Add(ref w0, count);
        ref int w2 = ref Unsafe.Add(ref w1, count);
        ref int w3 = ref Unsafe.Add(ref w2, count);
        if (Avx512BW.IsSupported)
        {
            // Eight accumulators, four weight pairs and the two interleaved halves: within AVX-512's 32 registers.
            Vector512<int> begin512 = Vector512.Create(start);
            for (x = VectorSteps.First(x, n, 32); x <= n - 32; x = VectorSteps.Next(x, n, 32))
            {
                if (prefetch && (x & 63) == 0)
                {
                    Prefetch.Ahead(ref src, f0 + x);
                    Prefetch.Ahead(ref src, f1 + x);
                    Prefetch.Ahead(ref src, f2 + x);
                    Prefetch.Ahead(ref src, f3 + x);
                }

                Vector512<int> a0 = begin512, b0 = begin512, a1 = begin512, b1 = begin512, a2 = begin512, b2 = begin512, a3 = begin512, b3 = begin512;
                for (int p = 0; p < count; p++)
                {
                    (Vector512<short> a, Vector512<short> b) = Interleave512(ref Unsafe.Add(ref src, rows[2 * p] + offset + x), ref Unsafe.Add(ref src, rows[(2 * p) + 1] + offset + x));
                    Vector512<short> c0 = Vector512.Create(Unsafe.Add(ref w0, p)).AsInt16();
                    Vector512<short> c1 = Vector512.Create(Unsafe.Add(ref w1, p)).AsInt16();
                    Vector512<short> c2 = Vector512.Create(Unsafe.Add(ref w2, p)).AsInt16();
                    Vector512<short> c3 = Vector512.Create(Unsafe.Add(ref w3, p)).AsInt16();
                    a0 += Avx512BW.MultiplyAddAdjacent(a, c0);
                    b0 += Avx512BW.MultiplyAddAdjacent(b, c0);
                    a1 += Avx512BW.MultiplyAddAdjacent(a, c1);
                    b1 += Avx512BW.MultiplyAddAdjacent(b, c1);
                    a2 += Avx512BW.MultiplyAddAdjacent(a, c2);
                    b2 += Avx512BW.MultiplyAddAdjacent(b, c2);
                    a3 += Avx512BW.MultiplyAddAdjacent(a, c3);
                    b3 += Avx512BW.MultiplyAddAdjacent(b, c3);
                }

                ref short d = ref Unsafe.Add(ref dst, x);
                StoreShorts512(a0, b0, ref d);
                StoreShorts512(a1, b1, ref Unsafe.Add(ref d, pitch));
                StoreShorts512(a2, b2, ref Unsafe.Add(ref d, 2 * pitch));
                StoreShorts512(a3, b3, ref Unsafe.Add(ref d, 3 * pitch));
            }
        }

        Vector256<int> begin = Vector256.Create(start);
        for (x = VectorSteps.First(x, n, 16); x <= n - 16; x = VectorSteps.Next(x, n, 16))
        {
            if (prefetch && (x & 63) == 0)
            {
                Prefetch.Ahead(ref src, f0 + x);
                Prefetch.Ahead(ref src, f1 + x);
                Prefetch.Ahead(ref src, f2 + x);
                Prefetch.Ahead(ref src, f3 + x);
            }

            Vector256<int> a0 = begin, b0 = begin, a1 = begin, b1 = begin, a2 = begin, b2 = begin, a3 = begin, b3 = begin;
            for (int p = 0; p < count; p++)
            {
                (Vector256<short> a, Vector256<short> b) = Interleave(ref Unsafe.Add(ref src, rows[2 * p] + offset + x), ref Unsafe.Add(ref src, rows[(2 * p) + 1] + offset + x));
                Vector256<short> c0 = Vector256.Create(Unsafe.Add(ref w0, p)).AsInt16();
                Vector256<short> c1 = Vector256.Create(Unsafe.Add(ref w1, p)).AsInt16();
                Vector256<short> c2 = Vector256.Create(Unsafe.Add(ref w2, p)).AsInt16();
                Vector256<short> c3 = Vector256.Create(Unsafe.Add(ref w3, p)).AsInt16();
                a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(a, c0));
                b0 = Avx2.Add(b0, Avx2.MultiplyAddAdjacent(b, c0));
                a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(a, c1));
                b1 = Avx2.Add(b1, Avx2.MultiplyAddAdjacent(b, c1));
                a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(a, c2));
                b2 = Avx2.Add(b2, Avx2.MultiplyAddAdjacent(b, c2));
                a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(a, c3));
                b3 = Avx2.Add(b3, Avx2.MultiplyAddAdjacent(b, c3));
            }

            ref short d = ref Unsafe.Add(ref dst, x);
            StoreShorts(a0, b0, ref d);
            StoreShorts(a1, b1, ref Unsafe.Add(ref d, pitch));
            StoreShorts(a2, b2, ref Unsafe.Add(ref d, 2 * pitch));
            StoreShorts(a3, b3, ref Unsafe.Add(ref d, 3 * pitch));
        }
    }

    [MethodImpl(Jit.HotLoop)]
    static partial void HorizontalVectors(ref short src, ReadOnlySpan<int> pairs, ReadOnlySpan<int> offsets, int n, ref byte dst, ref int x)
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        if (Avx512BW.IsSupported)
        {
            Vector512<int> half512 = Vector512.Create(1 << (OutputShift - 1));
            Vector512<short> centre512 = Vector512.Create((short)128);

            // The byte pack leaves, by 64-bit quarters of lanes, samples 0-7, 32-39, 8-15, 40-47, 16-23, 48-55,
            // 24-31, 56-63.
            Vector512<long> order = Vector512.Create(0L, 2, 4, 6, 1, 3, 5, 7);
            for (x = VectorSteps.First(x, n, 64); x <= n - 64; x = VectorSteps.Next(x, n, 64))
            {
                Vector512<int> a0 = half512, b0 = half512, a1 = half512, b1 = half512;
                for (int p = 0; p < pairs.Length; p++)
                {
                    ref short s0 = ref Unsafe.Add(ref src, x + offsets[2 * p]);
                    ref short s1 = ref Unsafe.Add(ref src, x + offsets[(2 * p) + 1]);
                    Vector512<short> w = Vector512.Create(pairs[p]).AsInt16();
                    Vector512<short> l0 = Vector512.LoadUnsafe(ref s0), l1 = Vector512.LoadUnsafe(ref s1);
                    Vector512<short> h0 = Vector512.LoadUnsafe(ref s0, 32), h1 = Vector512.LoadUnsafe(ref s1, 32);
                    a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(l0, l1), w);
                    b0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(l0, l1), w);
                    a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(h0, h1), w);
                    b1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(h0, h1), w);
                }

                // As with AVX2, the word packs put every sample of each 32 back in its place.
                Vector512<short> first = Avx512BW.PackSignedSaturate(Avx512F.ShiftRightArithmetic(a0, OutputShift), Avx512F.ShiftRightArithmetic(b0, OutputShift)) + centre512;
                Vector512<short> second = Avx512BW.PackSignedSaturate(Avx512F.ShiftRightArithmetic(a1, OutputShift), Avx512F.ShiftRightArithmetic(b1, OutputShift)) + centre512;
                Vector512<byte> bytes = Avx512BW.PackUnsignedSaturate(first, second);
                Avx512F.PermuteVar8x64(bytes.AsInt64(), order).AsByte().StoreUnsafe(ref Unsafe.Add(ref dst, x));
            }
        }

        Vector256<int> half = Vector256.Create(1 << (OutputShift - 1));
        Vector256<short> centre = Vector256.Create((short)128);
        for (x = VectorSteps.First(x, n, 32); x <= n - 32; x = VectorSteps.Next(x, n, 32))
        {
            Vector256<int> a0 = half, b0 = half, a1 = half, b1 = half;
            for (int p = 0; p < pairs.Length; p++)
            {
                ref short s0 = ref Unsafe.Add(ref src, x + offsets[2 * p]);
                ref short s1 = ref Unsafe.Add(ref src, x + offsets[(2 * p) + 1]);
                Vector256<short> w = Vector256.Create(pairs[p]).AsInt16();
                Vector256<short> l0 = Vector256.LoadUnsafe(ref s0), l1 = Vector256.LoadUnsafe(ref s1);
                Vector256<short> h0 = Vector256.LoadUnsafe(ref s0, 16), h1 = Vector256.LoadUnsafe(ref s1, 16);
                a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(l0, l1), w));
                b0 = Avx2.Add(b0, Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(l0, l1), w));
                a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(h0, h1), w));
                b1 = Avx2.Add(b1, Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(h0, h1), w));
            }

            // UnpackLow holds samples 0-3 and 8-11 of the sixteen, UnpackHigh 4-7 and 12-15: packing them lane by
            // lane puts every sample back in its place. The byte pack interleaves the two halves' lanes, which
            // one permute undoes.
            Vector256<short> first = Avx2.Add(Avx2.PackSignedSaturate(Avx2.ShiftRightArithmetic(a0, OutputShift), Avx2.ShiftRightArithmetic(b0, OutputShift)), centre);
            Vector256<short> second = Avx2.Add(Avx2.PackSignedSaturate(Avx2.ShiftRightArithmetic(a1, OutputShift), Avx2.ShiftRightArithmetic(b1, OutputShift)), centre);
            Vector256<byte> bytes = Avx2.PackUnsignedSaturate(first, second);
            Avx2.Permute4x64(bytes.AsUInt64(), 0b11_01_10_00).AsByte().StoreUnsafe(ref Unsafe.Add(ref dst, x));
        }
    }

    // Sixteen samples of two rows as 16-bit pairs (a, b): samples 0-7 and 8-15.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<short> Low, Vector256<short> High) Interleave(ref byte a, ref byte b)
    {
        Vector128<byte> ra = Vector128.LoadUnsafe(ref a);
        Vector128<byte> rb = Vector128.LoadUnsafe(ref b);
        return (Avx2.ConvertToVector256Int16(Sse2.UnpackLow(ra, rb)), Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(ra, rb)));
    }

    // Thirty-two samples of two rows as 16-bit pairs (a, b): the in-lane byte interleave leaves samples 0-7 and
    // 16-23 in the first, 8-15 and 24-31 in the second.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<short> Low, Vector512<short> High) Interleave512(ref byte a, ref byte b)
    {
        Vector256<byte> ra = Vector256.LoadUnsafe(ref a);
        Vector256<byte> rb = Vector256.LoadUnsafe(ref b);
        return (Avx512BW.ConvertToVector512Int16(Avx2.UnpackLow(ra, rb)), Avx512BW.ConvertToVector512Int16(Avx2.UnpackHigh(ra, rb)));
    }

    // Sums of samples 0-7 with 16-23 and 8-15 with 24-31 (Interleave512), shifted to 16 bits and stored in order:
    // the pack leaves, by 64-bit quarters of lanes, samples 0-3, 8-11, 4-7, 12-15, 16-19, 24-27, 20-23, 28-31.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreShorts512(Vector512<int> low, Vector512<int> high, ref short dst)
    {
        Vector512<short> packed = Avx512BW.PackSignedSaturate(Avx512F.ShiftRightArithmetic(low, VerticalShift), Avx512F.ShiftRightArithmetic(high, VerticalShift));
        Avx512F.PermuteVar8x64(packed.AsInt64(), Vector512.Create(0L, 2, 1, 3, 4, 6, 5, 7)).AsInt16().StoreUnsafe(ref dst);
    }

    // Sums of samples 0-7 and 8-15, shifted to 16 bits and stored in order: the pack takes 0-3, 8-11, 4-7, 12-15.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreShorts(Vector256<int> low, Vector256<int> high, ref short dst)
    {
        Vector256<short> packed = Avx2.PackSignedSaturate(Avx2.ShiftRightArithmetic(low, VerticalShift), Avx2.ShiftRightArithmetic(high, VerticalShift));
        Avx2.Permute4x64(packed.AsUInt64(), 0b11_01_10_00).AsInt16().StoreUnsafe(ref dst);
    }
}
#endif
