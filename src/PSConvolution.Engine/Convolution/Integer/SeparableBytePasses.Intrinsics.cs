#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The AVX-512 and AVX2 loops of <see cref="SeparableBytePasses"/>: 64 or 32 samples a step. Against the
/// portable Vector&lt;T&gt; loops they widen bytes with one zero-extending load instead of an unpack and a lane
/// permute, skip the multiply for a weight of 1 (the binomial's outer taps), and narrow with one saturating pack.
/// A row of 32 samples or more ends with a vector moved back to its end, so no sample is left to the scalar loop.
/// </summary>
internal static partial class SeparableBytePasses
{
    [MethodImpl(Jit.HotLoop)]
    static partial void VerticalBytesAvx512(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, ushort constant, int offset, int n, ref ushort dst, ref int x)
    {
        if (Avx2.IsSupported && constant == 0 && IsSymmetricSmall(taps))
        {
            VerticalSymmetric(ref src, rowStarts, taps, offset, n, ref dst, ref x);
        }

        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> c = Vector512.Create(constant);
            for (; x <= n - 64; x += 64)
            {
                Vector512<ushort> a0 = c, a1 = c;
                for (int i = 0; i < rowStarts.Length; i++)
                {
                    ref byte s = ref Unsafe.Add(ref src, rowStarts[i] + offset + x);
                    Vector512<ushort> v0 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s));
                    Vector512<ushort> v1 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s, 32));
                    ushort w = taps[i];
                    if (w == 1)
                    {
                        a0 += v0;
                        a1 += v1;
                    }
                    else
                    {
                        Vector512<ushort> wv = Vector512.Create(w);
                        a0 += v0 * wv;
                        a1 += v1 * wv;
                    }
                }

                a0.StoreUnsafe(ref dst, (nuint)x);
                a1.StoreUnsafe(ref dst, (nuint)(x + 32));
            }
        }

        if (Avx2.IsSupported)
        {
            Vector256<ushort> c = Vector256.Create(constant);
            // No tail is left to the scalar loop (VectorSteps).
            for (x = VectorSteps.First(x, n, 32); x <= n - 32; x = VectorSteps.Next(x, n, 32))
            {
                Vector256<ushort> a0 = c, a1 = c;
                for (int i = 0; i < rowStarts.Length; i++)
                {
                    ref byte s = ref Unsafe.Add(ref src, rowStarts[i] + offset + x);
                    Vector256<ushort> v0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s)).AsUInt16();
                    Vector256<ushort> v1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, 16)).AsUInt16();
                    ushort w = taps[i];
                    if (w == 1)
                    {
                        a0 += v0;
                        a1 += v1;
                    }
                    else
                    {
                        Vector256<ushort> wv = Vector256.Create(w);
                        a0 += v0 * wv;
                        a1 += v1 * wv;
                    }
                }

                a0.StoreUnsafe(ref dst, (nuint)x);
                a1.StoreUnsafe(ref dst, (nuint)(x + 16));
            }
        }
    }

    [MethodImpl(Jit.HotLoop)]
    static partial void HorizontalStoreAvx512<TCheck, TKept>(ref ushort src, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, int n, ref byte dst, ref int x, ref TCheck check, ref byte kept, in TKept keep)
        where TCheck : struct, ISumCheck
        where TKept : struct, IKeptSamples
    {
        if (SymmetricSmall(taps, offsets, out int step))
        {
            if (taps[0] == 1)
            {
                HorizontalSymmetric<TCheck, TKept, OuterOne>(ref src, taps, step, shift, n, ref dst, ref x, ref check, ref kept, in keep);
            }
            else
            {
                HorizontalSymmetric<TCheck, TKept, OuterAny>(ref src, taps, step, shift, n, ref dst, ref x, ref check, ref kept, in keep);
            }
        }

        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> bias = Vector512.Create((ushort)ShiftRounding.HalfLessOne(shift));
            Vector512<ushort> one = Vector512.Create((ushort)(shift > 0 ? 1 : 0));
            Vector128<ushort> count = Vector128.CreateScalar((ushort)shift);
            for (; x <= n - 64; x += 64)
            {
                Vector512<ushort> a0 = Vector512<ushort>.Zero, a1 = Vector512<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref ushort s = ref Unsafe.Add(ref src, x + offsets[t]);
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += Vector512.LoadUnsafe(ref s);
                        a1 += Vector512.LoadUnsafe(ref s, 32);
                    }
                    else
                    {
                        Vector512<ushort> wv = Vector512.Create(w);
                        a0 += Vector512.LoadUnsafe(ref s) * wv;
                        a1 += Vector512.LoadUnsafe(ref s, 32) * wv;
                    }
                }

                check.Vectors(a0, a1, x);
                StoreLevels(a0, a1, count, bias, one, ref dst, x, ref kept, in keep);
            }
        }

        if (Avx2.IsSupported)
        {
            Vector256<ushort> bias = Vector256.Create((ushort)ShiftRounding.HalfLessOne(shift));
            Vector256<ushort> one = Vector256.Create((ushort)(shift > 0 ? 1 : 0));
            Vector128<ushort> count = Vector128.CreateScalar((ushort)shift);
            for (x = VectorSteps.First(x, n, 32); x <= n - 32; x = VectorSteps.Next(x, n, 32))
            {
                Vector256<ushort> a0 = Vector256<ushort>.Zero, a1 = Vector256<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref ushort s = ref Unsafe.Add(ref src, x + offsets[t]);
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += Vector256.LoadUnsafe(ref s);
                        a1 += Vector256.LoadUnsafe(ref s, 16);
                    }
                    else
                    {
                        Vector256<ushort> wv = Vector256.Create(w);
                        a0 += Vector256.LoadUnsafe(ref s) * wv;
                        a1 += Vector256.LoadUnsafe(ref s, 16) * wv;
                    }
                }

                check.Vectors(a0, a1, x);
                StoreLevels(a0, a1, count, bias, one, ref dst, x, ref kept, in keep);
            }
        }
    }

    // Three or five taps, symmetric, one step apart (Gaussian3's 1 2 1, Gaussian5's 1 4 6 4 1): the common blurs get
    // loops with their weights held in registers, each pair of samples that shares a weight added before the one
    // multiply, and no loop over taps, which for five taps costs more than the arithmetic.
    private static bool SymmetricSmall(ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, out int step)
    {
        step = 0;
        return Avx2.IsSupported && IsSymmetricSmall(taps) && EvenlySpacedFromZero(offsets, out step);
    }

    [MethodImpl(Jit.HotLoop)]
    private static void HorizontalSymmetric<TCheck, TKept, TOuter>(ref ushort src, ReadOnlySpan<ushort> taps, int step, int shift, int n, ref byte dst, ref int x, ref TCheck check, ref byte kept, in TKept keep)
        where TCheck : struct, ISumCheck
        where TKept : struct, IKeptSamples
        where TOuter : struct, IOuterWeight
    {
        bool five = taps.Length == 5;
        ushort outer = taps[0], inner = five ? taps[1] : (ushort)0, centre = taps[taps.Length / 2];
        int last = (taps.Length - 1) * step;

        // The position and the taps' offsets in locals: through the ref parameter the position would be stored and
        // loaded again every step, and the offsets computed again.
        int i = x;
        nuint o1 = (nuint)step, o2 = (nuint)(last / 2), o3 = (nuint)(3 * step), o4 = (nuint)last;
        // With AVX-512 the taps' samples are not loaded at their offsets, as a 64-byte load at any offset but a
        // multiple of 64 bytes spans two cache lines: each step loads the 64 samples from i and the 16 after them, and
        // vpermt2w picks each tap's 32 samples out of two neighbouring vectors. Against five unaligned loads a vector
        // (the loop at e3f3e70; 20 alternating pairs in one process, one thread), RGB Gaussian5 at 12 MP took 0.776x
        // the time and RGBA 0.83x. The last load reads 16 samples past the step, of which the row holds `last` (the
        // taps' reach, 4 x 3 samples for RGB): the step that would read beyond the row is left to the loop below.
        // `last` is at most 16 (four steps of at most four channels), so the loop always runs; the test keeps the 16
        // samples after a step enough should a pixel ever have more channels.
        if (Avx512BW.IsSupported && last <= 16)
        {
            Vector512<ushort> w0 = Vector512.Create(outer), w1 = Vector512.Create(inner), w2 = Vector512.Create(centre);
            Vector512<ushort> bias = Vector512.Create((ushort)ShiftRounding.HalfLessOne(shift));
            Vector512<ushort> one = Vector512.Create((ushort)(shift > 0 ? 1 : 0));
            Vector128<ushort> count = Vector128.CreateScalar((ushort)shift);

            // Lane j of tap t's vector is sample j + t·step of the pair (p, next): index j + t·step, which vpermt2w
            // reads from the second vector where it is 32 or more.
            Vector512<ushort> lanes = Vector512.Create((ushort)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
            Vector512<ushort> t1 = lanes + Vector512.Create((ushort)o1), t2 = lanes + Vector512.Create((ushort)o2);
            Vector512<ushort> t3 = lanes + Vector512.Create((ushort)o3), t4 = lanes + Vector512.Create((ushort)o4);
            for (; i <= n + last - 80; i += 64)
            {
                ref ushort s = ref Unsafe.Add(ref src, i);
                Vector512<ushort> p0 = Vector512.LoadUnsafe(ref s);
                Vector512<ushort> p1 = Vector512.LoadUnsafe(ref s, 32);
                Vector512<ushort> p2 = Vector256.LoadUnsafe(ref s, 64).ToVector512Unsafe();
                Vector512<ushort> a0 = default(TOuter).Times(p0 + Avx512BW.PermuteVar32x16x2(p0, t4, p1), w0) + (Avx512BW.PermuteVar32x16x2(p0, t2, p1) * w2);
                Vector512<ushort> a1 = default(TOuter).Times(p1 + Avx512BW.PermuteVar32x16x2(p1, t4, p2), w0) + (Avx512BW.PermuteVar32x16x2(p1, t2, p2) * w2);
                if (five)
                {
                    a0 += (Avx512BW.PermuteVar32x16x2(p0, t1, p1) + Avx512BW.PermuteVar32x16x2(p0, t3, p1)) * w1;
                    a1 += (Avx512BW.PermuteVar32x16x2(p1, t1, p2) + Avx512BW.PermuteVar32x16x2(p1, t3, p2)) * w1;
                }

                check.Vectors(a0, a1, i);
                StoreLevels(a0, a1, count, bias, one, ref dst, i, ref kept, in keep);
            }
        }

        {
            Vector256<ushort> w0 = Vector256.Create(outer), w1 = Vector256.Create(inner), w2 = Vector256.Create(centre);
            Vector256<ushort> bias = Vector256.Create((ushort)ShiftRounding.HalfLessOne(shift));
            Vector256<ushort> one = Vector256.Create((ushort)(shift > 0 ? 1 : 0));
            Vector128<ushort> count = Vector128.CreateScalar((ushort)shift);

            // 64 samples a step, as AVX-512 takes them: a check then tests four vectors at once, and the loop's own
            // tests come half as often as at 32. The last 0-63 samples of the row take the general AVX2 loop of
            // HorizontalStoreAvx512, which moves its last vector back to end at the row's end.
            for (; i <= n - 64; i += 64)
            {
                ref ushort s = ref Unsafe.Add(ref src, i);
                Vector256<ushort> a0 = default(TOuter).Times(Vector256.LoadUnsafe(ref s) + Vector256.LoadUnsafe(ref s, o4), w0);
                Vector256<ushort> a1 = default(TOuter).Times(Vector256.LoadUnsafe(ref s, 16) + Vector256.LoadUnsafe(ref s, o4 + 16), w0);
                Vector256<ushort> a2 = default(TOuter).Times(Vector256.LoadUnsafe(ref s, 32) + Vector256.LoadUnsafe(ref s, o4 + 32), w0);
                Vector256<ushort> a3 = default(TOuter).Times(Vector256.LoadUnsafe(ref s, 48) + Vector256.LoadUnsafe(ref s, o4 + 48), w0);
                if (five)
                {
                    a0 += (Vector256.LoadUnsafe(ref s, o1) + Vector256.LoadUnsafe(ref s, o3)) * w1;
                    a1 += (Vector256.LoadUnsafe(ref s, o1 + 16) + Vector256.LoadUnsafe(ref s, o3 + 16)) * w1;
                    a2 += (Vector256.LoadUnsafe(ref s, o1 + 32) + Vector256.LoadUnsafe(ref s, o3 + 32)) * w1;
                    a3 += (Vector256.LoadUnsafe(ref s, o1 + 48) + Vector256.LoadUnsafe(ref s, o3 + 48)) * w1;
                }

                a0 += Vector256.LoadUnsafe(ref s, o2) * w2;
                a1 += Vector256.LoadUnsafe(ref s, o2 + 16) * w2;
                a2 += Vector256.LoadUnsafe(ref s, o2 + 32) * w2;
                a3 += Vector256.LoadUnsafe(ref s, o2 + 48) * w2;
                check.Vectors(a0, a1, a2, a3, i);
                StoreLevels(a0, a1, count, bias, one, ref dst, i, ref kept, in keep);
                StoreLevels(a2, a3, count, bias, one, ref dst, i + 32, ref kept, in keep);
            }
        }

        x = i;
    }

    // The vertical pass's form of HorizontalSymmetric: three or five rows with symmetric weights (no row of the
    // constant border among them), the weights in registers, rows i and kh-1-i added before the multiply.
    [MethodImpl(Jit.HotLoop)]
    private static void VerticalSymmetric(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, int offset, int n, ref ushort dst, ref int x)
    {
        bool five = taps.Length == 5;
        ushort outer = taps[0], inner = five ? taps[1] : (ushort)0, centre = taps[taps.Length / 2];
        ref byte r0 = ref Unsafe.Add(ref src, rowStarts[0] + offset);
        ref byte r1 = ref Unsafe.Add(ref src, rowStarts[1] + offset);
        ref byte r2 = ref Unsafe.Add(ref src, rowStarts[2] + offset);
        ref byte r3 = ref Unsafe.Add(ref src, rowStarts[five ? 3 : 2] + offset);
        ref byte r4 = ref Unsafe.Add(ref src, rowStarts[^1] + offset);

        // With three rows: the pair is rows 0 and 2, the centre row 1 (r1); with five, pairs 0-4 and 1-3, centre 2.
        ref byte middle = ref five ? ref r2 : ref r1;
        int i = x; // a local: through the ref parameter it would be stored and loaded again every step
        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> w0 = Vector512.Create(outer), w1 = Vector512.Create(inner), w2 = Vector512.Create(centre);
            for (; i <= n - 64; i += 64)
            {
                Vector512<ushort> a0 = (Widen512(ref r0, i) + Widen512(ref r4, i)) * w0;
                Vector512<ushort> a1 = (Widen512(ref r0, i + 32) + Widen512(ref r4, i + 32)) * w0;
                if (five)
                {
                    a0 += (Widen512(ref r1, i) + Widen512(ref r3, i)) * w1;
                    a1 += (Widen512(ref r1, i + 32) + Widen512(ref r3, i + 32)) * w1;
                }

                a0 += Widen512(ref middle, i) * w2;
                a1 += Widen512(ref middle, i + 32) * w2;
                a0.StoreUnsafe(ref dst, (nuint)i);
                a1.StoreUnsafe(ref dst, (nuint)(i + 32));
            }
        }

        {
            Vector256<ushort> w0 = Vector256.Create(outer), w1 = Vector256.Create(inner), w2 = Vector256.Create(centre);
            for (i = VectorSteps.First(i, n, 32); i <= n - 32; i = VectorSteps.Next(i, n, 32))
            {
                Vector256<ushort> a0 = (Widen256(ref r0, i) + Widen256(ref r4, i)) * w0;
                Vector256<ushort> a1 = (Widen256(ref r0, i + 16) + Widen256(ref r4, i + 16)) * w0;
                if (five)
                {
                    a0 += (Widen256(ref r1, i) + Widen256(ref r3, i)) * w1;
                    a1 += (Widen256(ref r1, i + 16) + Widen256(ref r3, i + 16)) * w1;
                }

                a0 += Widen256(ref middle, i) * w2;
                a1 += Widen256(ref middle, i + 16) * w2;
                a0.StoreUnsafe(ref dst, (nuint)i);
                a1.StoreUnsafe(ref dst, (nuint)(i + 16));
            }
        }

        x = i;
    }

    // VerticalSymmetric for four output rows with AVX-512: rows v0..v7 (v0..v5 with three taps), output k from rows k
    // to k + kh - 1, each row loaded and widened once, 32 samples a step, the last moved back to end at the row's end.
    // Against the Vector<T> loop (256 bits) it took RGB Gaussian5 at 12 MP from 7.04-7.09 ms to 6.44-6.70. The rows
    // are evenly spaced in every block inside the image, so each is addressed from one of three row pointers and the
    // step, and the loop keeps its pointers in registers (eight rows and four outputs of their own spilled half of
    // them to the stack at every step). The blocks whose rows repeat an edge row, at the top and bottom, are computed
    // a row at a time (VerticalBytes). Without AVX-512 the same rows go to VerticalFourAvx2.
    [MethodImpl(Jit.HotLoop)]
    static partial void VerticalFourVectors(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, int offset, int n, ref ushort targets, int pitch, ref bool done)
    {
        if (!Avx2.IsSupported || !IsSymmetricSmall(taps) || n < 32 || !EvenlySpaced(rowStarts, out int rowStep))
        {
            return;
        }

        done = true;
        bool five = taps.Length == 5;
        ref byte row0 = ref Unsafe.Add(ref src, rowStarts[0] + offset);
        nuint s1 = (nuint)rowStep, s2 = (nuint)(2 * rowStep);
        nint third = 3 * (nint)rowStep, sixth = 6 * (nint)rowStep;
        nuint p1 = (nuint)pitch, p2 = (nuint)(2 * pitch);
        nint p3 = 3 * (nint)pitch;
        if (!Avx512BW.IsSupported)
        {
            if (taps[0] == 1)
            {
                VerticalFourAvx2<OuterOne>(ref row0, s1, s2, third, sixth, five, taps, n, ref targets, p1, p2, p3);
            }
            else
            {
                VerticalFourAvx2<OuterAny>(ref row0, s1, s2, third, sixth, five, taps, n, ref targets, p1, p2, p3);
            }

            return;
        }

        Vector512<ushort> w0 = Vector512.Create(taps[0]), w1 = Vector512.Create(five ? taps[1] : (ushort)0), w2 = Vector512.Create(taps[taps.Length / 2]);
        for (int i = 0; i <= n - 32; i = VectorSteps.Next(i, n, 32))
        {
            ref byte a = ref Unsafe.Add(ref row0, i);
            ref byte c = ref Unsafe.Add(ref a, third);
            ref byte e = ref Unsafe.Add(ref a, sixth);
            ref ushort d = ref Unsafe.Add(ref targets, i);
            ref ushort d3 = ref Unsafe.Add(ref d, p3);
            Vector512<ushort> v0 = Widen512(ref a, 0), v1 = Widen512(ref a, s1), v2 = Widen512(ref a, s2);
            Vector512<ushort> v3 = Widen512(ref c, 0), v4 = Widen512(ref c, s1), v5 = Widen512(ref c, s2);
            PrefetchFresh(ref a, ref c, ref e, s1, s2, five);
            if (five)
            {
                Vector512<ushort> v6 = Widen512(ref e, 0), v7 = Widen512(ref e, s1);
                (((v0 + v4) * w0) + ((v1 + v3) * w1) + (v2 * w2)).StoreUnsafe(ref d);
                (((v1 + v5) * w0) + ((v2 + v4) * w1) + (v3 * w2)).StoreUnsafe(ref d, p1);
                (((v2 + v6) * w0) + ((v3 + v5) * w1) + (v4 * w2)).StoreUnsafe(ref d, p2);
                (((v3 + v7) * w0) + ((v4 + v6) * w1) + (v5 * w2)).StoreUnsafe(ref d3);
            }
            else
            {
                (((v0 + v2) * w0) + (v1 * w2)).StoreUnsafe(ref d);
                (((v1 + v3) * w0) + (v2 * w2)).StoreUnsafe(ref d, p1);
                (((v2 + v4) * w0) + (v3 * w2)).StoreUnsafe(ref d, p2);
                (((v3 + v5) * w0) + (v4 * w2)).StoreUnsafe(ref d3);
            }
        }
    }

    // VerticalFourVectors with AVX2: 32 samples a step in two halves of 16, each half widening its eight rows straight
    // from memory, so that eight rows, three weights and the sums fit AVX2's sixteen registers (widening 32 samples of
    // all eight rows at once, as the Vector<T> loop did, held sixteen vectors besides the weights, and the JIT spilled
    // four of them and six row offsets at every step). The fresh rows are prefetched once a step, as in the AVX-512 loop. Against the Vector<T> loop, 40
    // alternating pairs in one process, RGB Gaussian5 at 12 MP took 0.905x and 0.922x the time, and 1.096x and 1.080x
    // measured the other way round (K2, one thread).
    [MethodImpl(Jit.HotLoop)]
    private static void VerticalFourAvx2<TOuter>(ref byte row0, nuint s1, nuint s2, nint third, nint sixth, bool five, ReadOnlySpan<ushort> taps, int n, ref ushort targets, nuint p1, nuint p2, nint p3)
        where TOuter : struct, IOuterWeight
    {
        Vector256<ushort> w0 = Vector256.Create(taps[0]), w1 = Vector256.Create(five ? taps[1] : (ushort)0), w2 = Vector256.Create(taps[taps.Length / 2]);
        for (int i = 0; i <= n - 32; i = VectorSteps.Next(i, n, 32))
        {
            ref byte a = ref Unsafe.Add(ref row0, i);
            ref byte c = ref Unsafe.Add(ref a, third);
            ref byte e = ref Unsafe.Add(ref a, sixth);
            ref ushort d = ref Unsafe.Add(ref targets, i);
            ref ushort d3 = ref Unsafe.Add(ref d, p3);
            PrefetchFresh(ref a, ref c, ref e, s1, s2, five);
            if (five)
            {
                FiveHalf<TOuter>(ref a, ref c, ref e, s1, s2, 0, w0, w1, w2, ref d, ref d3, p1, p2);
                FiveHalf<TOuter>(ref a, ref c, ref e, s1, s2, 16, w0, w1, w2, ref d, ref d3, p1, p2);
            }
            else
            {
                ThreeHalf<TOuter>(ref a, ref c, s1, s2, 0, w0, w2, ref d, ref d3, p1, p2);
                ThreeHalf<TOuter>(ref a, ref c, s1, s2, 16, w0, w2, ref d, ref d3, p1, p2);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static partial void PrefetchFresh(ref byte a, ref byte c, ref byte e, nuint s1, nuint s2, bool five)
    {
        if (five)
        {
            Platform.Prefetch.Ahead(ref Unsafe.Add(ref c, s1), 0);
            Platform.Prefetch.Ahead(ref Unsafe.Add(ref c, s2), 0);
            Platform.Prefetch.Ahead(ref e, 0);
            Platform.Prefetch.Ahead(ref Unsafe.Add(ref e, s1), 0);
        }
        else
        {
            Platform.Prefetch.Ahead(ref Unsafe.Add(ref a, s2), 0);
            Platform.Prefetch.Ahead(ref c, 0);
            Platform.Prefetch.Ahead(ref Unsafe.Add(ref c, s1), 0);
            Platform.Prefetch.Ahead(ref Unsafe.Add(ref c, s2), 0);
        }
    }

    // Four output rows of 16 samples at column k from the eight rows at a, a + s1, a + s2, c, c + s1, c + s2, e and
    // e + s1 (c and e three and six rows below a), five symmetric taps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FiveHalf<TOuter>(ref byte a, ref byte c, ref byte e, nuint s1, nuint s2, int k, Vector256<ushort> w0, Vector256<ushort> w1, Vector256<ushort> w2, ref ushort d, ref ushort d3, nuint p1, nuint p2)
        where TOuter : struct, IOuterWeight
    {
        nuint at = (nuint)k;
        Vector256<ushort> v0 = Widen256(ref a, at), v1 = Widen256(ref a, s1 + at), v2 = Widen256(ref a, s2 + at);
        Vector256<ushort> v3 = Widen256(ref c, at), v4 = Widen256(ref c, s1 + at), v5 = Widen256(ref c, s2 + at);
        Vector256<ushort> v6 = Widen256(ref e, at), v7 = Widen256(ref e, s1 + at);
        (default(TOuter).Times(v0 + v4, w0) + ((v1 + v3) * w1) + (v2 * w2)).StoreUnsafe(ref d, at);
        (default(TOuter).Times(v1 + v5, w0) + ((v2 + v4) * w1) + (v3 * w2)).StoreUnsafe(ref d, p1 + at);
        (default(TOuter).Times(v2 + v6, w0) + ((v3 + v5) * w1) + (v4 * w2)).StoreUnsafe(ref d, p2 + at);
        (default(TOuter).Times(v3 + v7, w0) + ((v4 + v6) * w1) + (v5 * w2)).StoreUnsafe(ref d3, at);
    }

    // The same from the six rows at a, a + s1, a + s2, c, c + s1 and c + s2, three symmetric taps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ThreeHalf<TOuter>(ref byte a, ref byte c, nuint s1, nuint s2, int k, Vector256<ushort> w0, Vector256<ushort> w2, ref ushort d, ref ushort d3, nuint p1, nuint p2)
        where TOuter : struct, IOuterWeight
    {
        nuint at = (nuint)k;
        Vector256<ushort> v0 = Widen256(ref a, at), v1 = Widen256(ref a, s1 + at), v2 = Widen256(ref a, s2 + at);
        Vector256<ushort> v3 = Widen256(ref c, at), v4 = Widen256(ref c, s1 + at), v5 = Widen256(ref c, s2 + at);
        (default(TOuter).Times(v0 + v2, w0) + (v1 * w2)).StoreUnsafe(ref d, at);
        (default(TOuter).Times(v1 + v3, w0) + (v2 * w2)).StoreUnsafe(ref d, p1 + at);
        (default(TOuter).Times(v2 + v4, w0) + (v3 * w2)).StoreUnsafe(ref d, p2 + at);
        (default(TOuter).Times(v3 + v5, w0) + (v4 * w2)).StoreUnsafe(ref d3, at);
    }

    // The outer weight of a symmetric kernel: 1 for the binomial blurs (Gaussian3's 1 2 1, Gaussian5's 1 4 6 4 1),
    // where the pair of outer samples needs no multiply, or any other. A type argument, so each loop is compiled for
    // one and tests nothing per step. With AVX2, 40 alternating pairs in one process, RGB Gaussian5 at 12 MP took
    // 0.976x and 0.963x the time with it (1.033x and 1.036x measured the other way round); with AVX-512 it measured no
    // change (why was not looked into).
    private interface IOuterWeight
    {
        Vector256<ushort> Times(Vector256<ushort> pair, Vector256<ushort> weight);

        Vector512<ushort> Times(Vector512<ushort> pair, Vector512<ushort> weight);
    }

    private readonly struct OuterOne : IOuterWeight
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<ushort> Times(Vector256<ushort> pair, Vector256<ushort> weight) => pair;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<ushort> Times(Vector512<ushort> pair, Vector512<ushort> weight) => pair;
    }

    private readonly struct OuterAny : IOuterWeight
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<ushort> Times(Vector256<ushort> pair, Vector256<ushort> weight) => pair * weight;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<ushort> Times(Vector512<ushort> pair, Vector512<ushort> weight) => pair * weight;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> Widen512(ref byte row, nuint at) => Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref row, at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> Widen512(ref byte row, int x) => Widen512(ref row, (nuint)x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Widen256(ref byte row, int x) => Widen256(ref row, (nuint)x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Widen256(ref byte row, nuint at) => Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, at)).AsUInt16();

    // 64 sums divided by 2^shift (the count), rounded to nearest with ties to even, stored as bytes in order. The count is a vector
    // made once for the loop (a shift by an int is masked and moved into a vector register at every step), and at a
    // count of 0, where nothing is rounded, one and bias are 0: the same instructions whatever the count, no branch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLevels<TKept>(Vector512<ushort> a0, Vector512<ushort> a1, Vector128<ushort> count, Vector512<ushort> bias, Vector512<ushort> one, ref byte dst, int x, ref byte kept, in TKept keep)
        where TKept : struct, IKeptSamples
    {
        a0 = Avx512BW.ShiftRightLogical(a0 + bias + (Avx512BW.ShiftRightLogical(a0, count) & one), count);
        a1 = Avx512BW.ShiftRightLogical(a1 + bias + (Avx512BW.ShiftRightLogical(a1, count) & one), count);

        keep.Keep(Avx512BW.ConvertToVector256ByteWithSaturation(a0), ref kept, (nuint)x).StoreUnsafe(ref dst, (nuint)x);
        keep.Keep(Avx512BW.ConvertToVector256ByteWithSaturation(a1), ref kept, (nuint)(x + 32)).StoreUnsafe(ref dst, (nuint)(x + 32));
    }

    // The same for 32 sums with AVX2.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLevels<TKept>(Vector256<ushort> a0, Vector256<ushort> a1, Vector128<ushort> count, Vector256<ushort> bias, Vector256<ushort> one, ref byte dst, int x, ref byte kept, in TKept keep)
        where TKept : struct, IKeptSamples
    {
        a0 = Avx2.ShiftRightLogical(a0 + bias + (Avx2.ShiftRightLogical(a0, count) & one), count);
        a1 = Avx2.ShiftRightLogical(a1 + bias + (Avx2.ShiftRightLogical(a1, count) & one), count);

        // Every lane is at most 255 here (the weights are non-negative and sum to 2^shift), so the signed saturating
        // pack narrows exactly; it works within 128-bit lanes, so the quarters are put back in order after it.
        Vector256<byte> packed = Avx2.PackUnsignedSaturate(a0.AsInt16(), a1.AsInt16());
        keep.Keep(Avx2.Permute4x64(packed.AsUInt64(), 0b11_01_10_00).AsByte(), ref kept, (nuint)x).StoreUnsafe(ref dst, (nuint)x);
    }
}
#endif
