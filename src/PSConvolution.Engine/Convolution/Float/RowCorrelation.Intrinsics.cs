#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Planning;

namespace PSConvolution.Engine.Convolution.Float;

/// <summary>The loops of <see cref="RowCorrelation"/> in AVX-512, FMA (Vector256) and Vector128.</summary>
internal static partial class RowCorrelation
{
    [MethodImpl(Jit.HotLoop)]
    static partial void CorrelateVectors(ref float src, ref float acc, ref float tap, ref int offset, int n, int tapCount, ref int x)
    {
        if (Avx512F.IsSupported)
        {
            x = CorrelatePairedAvx512(ref src, ref acc, ref tap, ref offset, n, tapCount, x);

            // Eight accumulators: enough independent chains to hide the FMA latency, and each tap's broadcast
            // and offset are loaded once per 128 outputs.
            for (; x <= n - 128; x += 128)
            {
                ref float a = ref Unsafe.Add(ref acc, x);
                Vector512<float> a0 = Vector512<float>.Zero;
                Vector512<float> a1 = Vector512<float>.Zero;
                Vector512<float> a2 = Vector512<float>.Zero;
                Vector512<float> a3 = Vector512<float>.Zero;
                Vector512<float> a4 = Vector512<float>.Zero;
                Vector512<float> a5 = Vector512<float>.Zero;
                Vector512<float> a6 = Vector512<float>.Zero;
                Vector512<float> a7 = Vector512<float>.Zero;
                for (int t = 0; t < tapCount; t++)
                {
                    Vector512<float> w = Vector512.Create(Unsafe.Add(ref tap, t));
                    ref float s = ref Unsafe.Add(ref src, x + Unsafe.Add(ref offset, t));
                    a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s), w, a0);
                    a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, 16), w, a1);
                    a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, 32), w, a2);
                    a3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, 48), w, a3);
                    a4 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, 64), w, a4);
                    a5 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, 80), w, a5);
                    a6 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, 96), w, a6);
                    a7 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, 112), w, a7);
                }

                a0.StoreUnsafe(ref a);
                a1.StoreUnsafe(ref a, 16);
                a2.StoreUnsafe(ref a, 32);
                a3.StoreUnsafe(ref a, 48);
                a4.StoreUnsafe(ref a, 64);
                a5.StoreUnsafe(ref a, 80);
                a6.StoreUnsafe(ref a, 96);
                a7.StoreUnsafe(ref a, 112);
            }

            for (; x <= n - 16; x += 16)
            {
                ref float a = ref Unsafe.Add(ref acc, x);
                Vector512<float> a0 = Vector512<float>.Zero;
                for (int t = 0; t < tapCount; t++)
                {
                    a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref src, x + Unsafe.Add(ref offset, t))), Vector512.Create(Unsafe.Add(ref tap, t)), a0);
                }

                a0.StoreUnsafe(ref a);
            }
        }

        if (Fma.IsSupported)
        {
            x = CorrelatePairedFma(ref src, ref acc, ref tap, ref offset, n, tapCount, x);
            for (; x <= n - 32; x += 32)
            {
                ref float a = ref Unsafe.Add(ref acc, x);
                Vector256<float> a0 = Vector256<float>.Zero;
                Vector256<float> a1 = Vector256<float>.Zero;
                Vector256<float> a2 = Vector256<float>.Zero;
                Vector256<float> a3 = Vector256<float>.Zero;
                for (int t = 0; t < tapCount; t++)
                {
                    Vector256<float> w = Vector256.Create(Unsafe.Add(ref tap, t));
                    ref float s = ref Unsafe.Add(ref src, x + Unsafe.Add(ref offset, t));
                    a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s), w, a0);
                    a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s, 8), w, a1);
                    a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s, 16), w, a2);
                    a3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s, 24), w, a3);
                }

                a0.StoreUnsafe(ref a);
                a1.StoreUnsafe(ref a, 8);
                a2.StoreUnsafe(ref a, 16);
                a3.StoreUnsafe(ref a, 24);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; x <= n - 8; x += 8)
            {
                ref float a = ref Unsafe.Add(ref acc, x);
                Vector128<float> a0 = Vector128<float>.Zero;
                Vector128<float> a1 = Vector128<float>.Zero;
                for (int t = 0; t < tapCount; t++)
                {
                    Vector128<float> w = Vector128.Create(Unsafe.Add(ref tap, t));
                    ref float s = ref Unsafe.Add(ref src, x + Unsafe.Add(ref offset, t));
                    a0 += Vector128.LoadUnsafe(ref s) * w;
                    a1 += Vector128.LoadUnsafe(ref s, 4) * w;
                }

                a0.StoreUnsafe(ref a);
                a1.StoreUnsafe(ref a, 4);
            }
        }
    }

    /// <summary>
    /// The FMA loop for taps spaced evenly, <c>spacing</c> samples apart (a kernel row over interleaved channels):
    /// output vectors <c>D = spacing·S</c> samples apart read the same samples S taps apart (S = 8 for RGB, D = 24), so
    /// each loaded vector serves two outputs, one tap each. Three pairs of output vectors a step, 48 samples, six
    /// accumulators, three loads for each of T + S taps instead of six for each of T. Every output adds its taps'
    /// products in the same order, fused, as the 32-sample loop does, and the loop stops where that one would go on
    /// to the same samples, so the results are the same to the bit. Returns where it stopped: <paramref name="x"/>
    /// where the taps are not so spaced, or too few to gain (<see cref="TryPairing"/>).
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    private static int CorrelatePairedFma(ref float src, ref float acc, ref float tap, ref int offset, int n, int tapCount, int x)
    {
        if (!TryPairing(ref offset, tapCount, x, 8, out int spacing, out int pairTaps, out int lane))
        {
            return x;
        }

        int pairDistance = spacing * pairTaps;

        // Stop on a multiple of 96 within the 32-sample loop's range, so that loop goes on from a multiple of 32 and
        // fuses exactly the samples it would have fused alone.
        int fused = n - (n % 32);
        int end = fused - (fused % 96);
        for (; x < end; x += 48)
        {
            ref float s0 = ref Unsafe.Add(ref src, x);
            Vector256<float> a0 = Vector256<float>.Zero, a1 = Vector256<float>.Zero, a2 = Vector256<float>.Zero;
            Vector256<float> b0 = Vector256<float>.Zero, b1 = Vector256<float>.Zero, b2 = Vector256<float>.Zero;
            int k = 0;
            for (; k < pairTaps; k++)
            {
                Vector256<float> w = Vector256.Create(Unsafe.Add(ref tap, k));
                ref float s = ref Unsafe.Add(ref s0, spacing * k);
                a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s), w, a0);
                a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s, (nuint)lane), w, a1);
                a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s, (nuint)(2 * lane)), w, a2);
            }

            for (; k < tapCount; k++)
            {
                Vector256<float> w = Vector256.Create(Unsafe.Add(ref tap, k));
                Vector256<float> v = Vector256.Create(Unsafe.Add(ref tap, k - pairTaps));
                ref float s = ref Unsafe.Add(ref s0, spacing * k);
                Vector256<float> l0 = Vector256.LoadUnsafe(ref s);
                Vector256<float> l1 = Vector256.LoadUnsafe(ref s, (nuint)lane);
                Vector256<float> l2 = Vector256.LoadUnsafe(ref s, (nuint)(2 * lane));
                a0 = Fma.MultiplyAdd(l0, w, a0);
                a1 = Fma.MultiplyAdd(l1, w, a1);
                a2 = Fma.MultiplyAdd(l2, w, a2);
                b0 = Fma.MultiplyAdd(l0, v, b0);
                b1 = Fma.MultiplyAdd(l1, v, b1);
                b2 = Fma.MultiplyAdd(l2, v, b2);
            }

            for (; k < tapCount + pairTaps; k++)
            {
                Vector256<float> v = Vector256.Create(Unsafe.Add(ref tap, k - pairTaps));
                ref float s = ref Unsafe.Add(ref s0, spacing * k);
                b0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s), v, b0);
                b1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s, (nuint)lane), v, b1);
                b2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref s, (nuint)(2 * lane)), v, b2);
            }

            ref float a = ref Unsafe.Add(ref acc, x);
            a0.StoreUnsafe(ref a);
            a1.StoreUnsafe(ref a, (nuint)lane);
            a2.StoreUnsafe(ref a, (nuint)(2 * lane));
            b0.StoreUnsafe(ref a, (nuint)pairDistance);
            b1.StoreUnsafe(ref a, (nuint)(pairDistance + lane));
            b2.StoreUnsafe(ref a, (nuint)(pairDistance + (2 * lane)));
        }

        return x;
    }

    // How the paired loops pair outputs, for vectors of `width` floats, a row from its start: taps spaced 1 to 4
    // apart; pairTaps, the fewest taps whose span is whole vectors (width for spacing 3, else width / spacing), so
    // pairs stand spacing·pairTaps samples apart (three vectors for spacing 3, one otherwise); lane, the distance
    // between the three pairs, so that the six vectors are consecutive. False where the taps are not so spaced, or
    // no more than pairTaps (the loop then loads no fewer vectors).
    private static bool TryPairing(ref int offset, int tapCount, int x, int width, out int spacing, out int pairTaps, out int lane)
    {
        spacing = x == 0 ? EvenSpacing(ref offset, tapCount) : 0;
        pairTaps = spacing == 3 ? width : spacing == 0 ? 0 : width / spacing;
        lane = spacing == 3 ? width : 2 * width;
        return spacing != 0 && tapCount > pairTaps;
    }

    // The spacing of taps at 0, s, 2s, ... for s of 1 to 4 (interleaved channels); 0 for any other offsets.
    private static int EvenSpacing(ref int offset, int tapCount)
    {
        int spacing = tapCount > 1 ? Unsafe.Add(ref offset, 1) : 0;
        if (spacing is < 1 or > 4 || offset != 0)
        {
            return 0;
        }

        for (int t = 2; t < tapCount; t++)
        {
            if (Unsafe.Add(ref offset, t) != t * spacing)
            {
                return 0;
            }
        }

        return spacing;
    }

    /// <summary>
    /// The AVX-512 form of <see cref="CorrelatePairedFma"/>: vectors of 16, pairs 48 samples apart for spacing 3 (16
    /// taps; lanes 0, 16, 32 with 48, 64, 80) and 16 apart otherwise (lanes 0, 32, 64 with 16, 48, 80), 96 samples a
    /// step. Every vector loop here fuses, so it stops on any multiple of 96 within the 16-sample loop's range.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    private static int CorrelatePairedAvx512(ref float src, ref float acc, ref float tap, ref int offset, int n, int tapCount, int x)
    {
        if (!TryPairing(ref offset, tapCount, x, 16, out int spacing, out int pairTaps, out int lane))
        {
            return x;
        }

        int pairDistance = spacing * pairTaps;
        int vectors = n - (n % 16);
        int end = vectors - (vectors % 96);
        for (; x < end; x += 96)
        {
            ref float s0 = ref Unsafe.Add(ref src, x);
            Vector512<float> a0 = Vector512<float>.Zero, a1 = Vector512<float>.Zero, a2 = Vector512<float>.Zero;
            Vector512<float> b0 = Vector512<float>.Zero, b1 = Vector512<float>.Zero, b2 = Vector512<float>.Zero;
            int k = 0;
            for (; k < pairTaps; k++)
            {
                Vector512<float> w = Vector512.Create(Unsafe.Add(ref tap, k));
                ref float s = ref Unsafe.Add(ref s0, spacing * k);
                a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s), w, a0);
                a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, (nuint)lane), w, a1);
                a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, (nuint)(2 * lane)), w, a2);
            }

            for (; k < tapCount; k++)
            {
                Vector512<float> w = Vector512.Create(Unsafe.Add(ref tap, k));
                Vector512<float> v = Vector512.Create(Unsafe.Add(ref tap, k - pairTaps));
                ref float s = ref Unsafe.Add(ref s0, spacing * k);
                Vector512<float> l0 = Vector512.LoadUnsafe(ref s);
                Vector512<float> l1 = Vector512.LoadUnsafe(ref s, (nuint)lane);
                Vector512<float> l2 = Vector512.LoadUnsafe(ref s, (nuint)(2 * lane));
                a0 = Avx512F.FusedMultiplyAdd(l0, w, a0);
                a1 = Avx512F.FusedMultiplyAdd(l1, w, a1);
                a2 = Avx512F.FusedMultiplyAdd(l2, w, a2);
                b0 = Avx512F.FusedMultiplyAdd(l0, v, b0);
                b1 = Avx512F.FusedMultiplyAdd(l1, v, b1);
                b2 = Avx512F.FusedMultiplyAdd(l2, v, b2);
            }

            for (; k < tapCount + pairTaps; k++)
            {
                Vector512<float> v = Vector512.Create(Unsafe.Add(ref tap, k - pairTaps));
                ref float s = ref Unsafe.Add(ref s0, spacing * k);
                b0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s), v, b0);
                b1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, (nuint)lane), v, b1);
                b2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, (nuint)(2 * lane)), v, b2);
            }

            ref float a = ref Unsafe.Add(ref acc, x);
            a0.StoreUnsafe(ref a);
            a1.StoreUnsafe(ref a, (nuint)lane);
            a2.StoreUnsafe(ref a, (nuint)(2 * lane));
            b0.StoreUnsafe(ref a, (nuint)pairDistance);
            b1.StoreUnsafe(ref a, (nuint)(pairDistance + lane));
            b2.StoreUnsafe(ref a, (nuint)(pairDistance + (2 * lane)));
        }

        return x;
    }

    /// <summary>
    /// Four output rows at once: <c>acc_q[x] = sum over t of weights_q[t] * source[x + offsets[t]]</c>. Each source
    /// sample is loaded once for all four rows, which matters when a tall kernel's rows come from the second-level
    /// cache. With AVX-512 or FMA (Vector256); otherwise four <see cref="Correlate"/> passes, with the same results
    /// (each lane adds the same products in the same order).
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Correlate4(ReadOnlySpan<float> source, Span<float> acc0, Span<float> acc1, Span<float> acc2, Span<float> acc3, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, ReadOnlySpan<float> w3, ReadOnlySpan<int> offsets)
    {
        int n = acc0.Length;
        int taps = offsets.Length;
        if (!(Avx512F.IsSupported || Fma.IsSupported) || acc1.Length != n || acc2.Length != n || acc3.Length != n || w0.Length < taps || w1.Length < taps || w2.Length < taps || w3.Length < taps)
        {
            Correlate(source, acc0, w0.Slice(0, taps), offsets);
            Correlate(source, acc1, w1.Slice(0, taps), offsets);
            Correlate(source, acc2, w2.Slice(0, taps), offsets);
            Correlate(source, acc3, w3.Slice(0, taps), offsets);
            return;
        }

        TapBounds.Check(source.Length, n, offsets);

        ref float src = ref MemoryMarshal.GetReference(source);
        ref int offset = ref MemoryMarshal.GetReference(offsets);
        ref float k0 = ref MemoryMarshal.GetReference(w0);
        ref float k1 = ref MemoryMarshal.GetReference(w1);
        ref float k2 = ref MemoryMarshal.GetReference(w2);
        ref float k3 = ref MemoryMarshal.GetReference(w3);
        int x = 0;
        if (!Avx512F.IsSupported)
        {
            x = Correlate4Fma(ref src, ref offset, taps, n, acc0, acc1, acc2, acc3, ref k0, ref k1, ref k2, ref k3);
        }

        for (; Avx512F.IsSupported && x <= n - 32; x += 32)
        {
            Vector512<float> a0 = Vector512<float>.Zero, b0 = Vector512<float>.Zero;
            Vector512<float> a1 = Vector512<float>.Zero, b1 = Vector512<float>.Zero;
            Vector512<float> a2 = Vector512<float>.Zero, b2 = Vector512<float>.Zero;
            Vector512<float> a3 = Vector512<float>.Zero, b3 = Vector512<float>.Zero;
            for (int t = 0; t < taps; t++)
            {
                ref float s = ref Unsafe.Add(ref src, x + Unsafe.Add(ref offset, t));
                Vector512<float> lo = Vector512.LoadUnsafe(ref s);
                Vector512<float> hi = Vector512.LoadUnsafe(ref s, 16);
                Vector512<float> c0 = Vector512.Create(Unsafe.Add(ref k0, t));
                Vector512<float> c1 = Vector512.Create(Unsafe.Add(ref k1, t));
                Vector512<float> c2 = Vector512.Create(Unsafe.Add(ref k2, t));
                Vector512<float> c3 = Vector512.Create(Unsafe.Add(ref k3, t));
                a0 = Avx512F.FusedMultiplyAdd(lo, c0, a0);
                b0 = Avx512F.FusedMultiplyAdd(hi, c0, b0);
                a1 = Avx512F.FusedMultiplyAdd(lo, c1, a1);
                b1 = Avx512F.FusedMultiplyAdd(hi, c1, b1);
                a2 = Avx512F.FusedMultiplyAdd(lo, c2, a2);
                b2 = Avx512F.FusedMultiplyAdd(hi, c2, b2);
                a3 = Avx512F.FusedMultiplyAdd(lo, c3, a3);
                b3 = Avx512F.FusedMultiplyAdd(hi, c3, b3);
            }

            a0.StoreUnsafe(ref MemoryMarshal.GetReference(acc0), (nuint)x);
            b0.StoreUnsafe(ref MemoryMarshal.GetReference(acc0), (nuint)(x + 16));
            a1.StoreUnsafe(ref MemoryMarshal.GetReference(acc1), (nuint)x);
            b1.StoreUnsafe(ref MemoryMarshal.GetReference(acc1), (nuint)(x + 16));
            a2.StoreUnsafe(ref MemoryMarshal.GetReference(acc2), (nuint)x);
            b2.StoreUnsafe(ref MemoryMarshal.GetReference(acc2), (nuint)(x + 16));
            a3.StoreUnsafe(ref MemoryMarshal.GetReference(acc3), (nuint)x);
            b3.StoreUnsafe(ref MemoryMarshal.GetReference(acc3), (nuint)(x + 16));
        }

        if (x < n)
        {
            // The last few samples: the single-row kernel on the remaining columns, same arithmetic (FMA).
            int rest = n - x;
            Correlate(source.Slice(x), acc0.Slice(x, rest), w0.Slice(0, taps), offsets);
            Correlate(source.Slice(x), acc1.Slice(x, rest), w1.Slice(0, taps), offsets);
            Correlate(source.Slice(x), acc2.Slice(x, rest), w2.Slice(0, taps), offsets);
            Correlate(source.Slice(x), acc3.Slice(x, rest), w3.Slice(0, taps), offsets);
        }
    }

    // The Vector256 form of the four-row loop: 16 samples a step, eight accumulators, two loads a tap. It stops where
    // the one-row loop's FMA steps of 32 stop, so every sample is fused (or not) exactly as it would be there.
    private static int Correlate4Fma(ref float src, ref int offset, int taps, int n, Span<float> acc0, Span<float> acc1, Span<float> acc2, Span<float> acc3, ref float k0, ref float k1, ref float k2, ref float k3)
    {
        int x = 0;
        int fused = n - (n % 32);
        for (; x < fused; x += 16)
        {
            Vector256<float> a0 = Vector256<float>.Zero, b0 = Vector256<float>.Zero;
            Vector256<float> a1 = Vector256<float>.Zero, b1 = Vector256<float>.Zero;
            Vector256<float> a2 = Vector256<float>.Zero, b2 = Vector256<float>.Zero;
            Vector256<float> a3 = Vector256<float>.Zero, b3 = Vector256<float>.Zero;
            for (int t = 0; t < taps; t++)
            {
                ref float s = ref Unsafe.Add(ref src, x + Unsafe.Add(ref offset, t));
                Vector256<float> lo = Vector256.LoadUnsafe(ref s);
                Vector256<float> hi = Vector256.LoadUnsafe(ref s, 8);
                Vector256<float> c0 = Vector256.Create(Unsafe.Add(ref k0, t));
                Vector256<float> c1 = Vector256.Create(Unsafe.Add(ref k1, t));
                Vector256<float> c2 = Vector256.Create(Unsafe.Add(ref k2, t));
                Vector256<float> c3 = Vector256.Create(Unsafe.Add(ref k3, t));
                a0 = Fma.MultiplyAdd(lo, c0, a0);
                b0 = Fma.MultiplyAdd(hi, c0, b0);
                a1 = Fma.MultiplyAdd(lo, c1, a1);
                b1 = Fma.MultiplyAdd(hi, c1, b1);
                a2 = Fma.MultiplyAdd(lo, c2, a2);
                b2 = Fma.MultiplyAdd(hi, c2, b2);
                a3 = Fma.MultiplyAdd(lo, c3, a3);
                b3 = Fma.MultiplyAdd(hi, c3, b3);
            }

            a0.StoreUnsafe(ref MemoryMarshal.GetReference(acc0), (nuint)x);
            b0.StoreUnsafe(ref MemoryMarshal.GetReference(acc0), (nuint)(x + 8));
            a1.StoreUnsafe(ref MemoryMarshal.GetReference(acc1), (nuint)x);
            b1.StoreUnsafe(ref MemoryMarshal.GetReference(acc1), (nuint)(x + 8));
            a2.StoreUnsafe(ref MemoryMarshal.GetReference(acc2), (nuint)x);
            b2.StoreUnsafe(ref MemoryMarshal.GetReference(acc2), (nuint)(x + 8));
            a3.StoreUnsafe(ref MemoryMarshal.GetReference(acc3), (nuint)x);
            b3.StoreUnsafe(ref MemoryMarshal.GetReference(acc3), (nuint)(x + 8));
        }

        return x;
    }

    // The folded loops: 32 samples a step with AVX-512, 16 with FMA, eight accumulators, two loads and an add or
    // subtract per pair of rows for all four terms.
    [MethodImpl(Jit.HotLoop)]
    static partial void Correlate4FoldedVectors(ReadOnlySpan<float> source, Span<float> acc0, Span<float> acc1, Span<float> acc2, Span<float> acc3, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, ReadOnlySpan<float> w3, ReadOnlySpan<int> low, ReadOnlySpan<int> high, bool subtract, ref int x)
    {
        int n = acc0.Length;
        int pairs = low.Length;
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float k0 = ref MemoryMarshal.GetReference(w0);
        ref float k1 = ref MemoryMarshal.GetReference(w1);
        ref float k2 = ref MemoryMarshal.GetReference(w2);
        ref float k3 = ref MemoryMarshal.GetReference(w3);
        ref int lo = ref MemoryMarshal.GetReference(low);
        ref int hi = ref MemoryMarshal.GetReference(high);
        if (Avx512F.IsSupported)
        {
            for (; x <= n - 32; x += 32)
            {
                Vector512<float> a0 = Vector512<float>.Zero, b0 = Vector512<float>.Zero;
                Vector512<float> a1 = Vector512<float>.Zero, b1 = Vector512<float>.Zero;
                Vector512<float> a2 = Vector512<float>.Zero, b2 = Vector512<float>.Zero;
                Vector512<float> a3 = Vector512<float>.Zero, b3 = Vector512<float>.Zero;
                for (int t = 0; t < pairs; t++)
                {
                    ref float p = ref Unsafe.Add(ref src, x + Unsafe.Add(ref lo, t));
                    ref float q = ref Unsafe.Add(ref src, x + Unsafe.Add(ref hi, t));
                    Vector512<float> first = subtract ? Vector512.LoadUnsafe(ref p) - Vector512.LoadUnsafe(ref q) : Vector512.LoadUnsafe(ref p) + Vector512.LoadUnsafe(ref q);
                    Vector512<float> second = subtract ? Vector512.LoadUnsafe(ref p, 16) - Vector512.LoadUnsafe(ref q, 16) : Vector512.LoadUnsafe(ref p, 16) + Vector512.LoadUnsafe(ref q, 16);

                    Vector512<float> c0 = Vector512.Create(Unsafe.Add(ref k0, t));
                    Vector512<float> c1 = Vector512.Create(Unsafe.Add(ref k1, t));
                    Vector512<float> c2 = Vector512.Create(Unsafe.Add(ref k2, t));
                    Vector512<float> c3 = Vector512.Create(Unsafe.Add(ref k3, t));
                    a0 = Avx512F.FusedMultiplyAdd(first, c0, a0);
                    b0 = Avx512F.FusedMultiplyAdd(second, c0, b0);
                    a1 = Avx512F.FusedMultiplyAdd(first, c1, a1);
                    b1 = Avx512F.FusedMultiplyAdd(second, c1, b1);
                    a2 = Avx512F.FusedMultiplyAdd(first, c2, a2);
                    b2 = Avx512F.FusedMultiplyAdd(second, c2, b2);
                    a3 = Avx512F.FusedMultiplyAdd(first, c3, a3);
                    b3 = Avx512F.FusedMultiplyAdd(second, c3, b3);
                }

                a0.StoreUnsafe(ref MemoryMarshal.GetReference(acc0), (nuint)x);
                b0.StoreUnsafe(ref MemoryMarshal.GetReference(acc0), (nuint)(x + 16));
                a1.StoreUnsafe(ref MemoryMarshal.GetReference(acc1), (nuint)x);
                b1.StoreUnsafe(ref MemoryMarshal.GetReference(acc1), (nuint)(x + 16));
                a2.StoreUnsafe(ref MemoryMarshal.GetReference(acc2), (nuint)x);
                b2.StoreUnsafe(ref MemoryMarshal.GetReference(acc2), (nuint)(x + 16));
                a3.StoreUnsafe(ref MemoryMarshal.GetReference(acc3), (nuint)x);
                b3.StoreUnsafe(ref MemoryMarshal.GetReference(acc3), (nuint)(x + 16));
            }
        }

        if (Fma.IsSupported)
        {
            for (; x <= n - 16; x += 16)
            {
                Vector256<float> a0 = Vector256<float>.Zero, b0 = Vector256<float>.Zero;
                Vector256<float> a1 = Vector256<float>.Zero, b1 = Vector256<float>.Zero;
                Vector256<float> a2 = Vector256<float>.Zero, b2 = Vector256<float>.Zero;
                Vector256<float> a3 = Vector256<float>.Zero, b3 = Vector256<float>.Zero;
                for (int t = 0; t < pairs; t++)
                {
                    ref float p = ref Unsafe.Add(ref src, x + Unsafe.Add(ref lo, t));
                    ref float q = ref Unsafe.Add(ref src, x + Unsafe.Add(ref hi, t));
                    Vector256<float> first = subtract ? Vector256.LoadUnsafe(ref p) - Vector256.LoadUnsafe(ref q) : Vector256.LoadUnsafe(ref p) + Vector256.LoadUnsafe(ref q);
                    Vector256<float> second = subtract ? Vector256.LoadUnsafe(ref p, 8) - Vector256.LoadUnsafe(ref q, 8) : Vector256.LoadUnsafe(ref p, 8) + Vector256.LoadUnsafe(ref q, 8);

                    Vector256<float> c0 = Vector256.Create(Unsafe.Add(ref k0, t));
                    Vector256<float> c1 = Vector256.Create(Unsafe.Add(ref k1, t));
                    Vector256<float> c2 = Vector256.Create(Unsafe.Add(ref k2, t));
                    Vector256<float> c3 = Vector256.Create(Unsafe.Add(ref k3, t));
                    a0 = Fma.MultiplyAdd(first, c0, a0);
                    b0 = Fma.MultiplyAdd(second, c0, b0);
                    a1 = Fma.MultiplyAdd(first, c1, a1);
                    b1 = Fma.MultiplyAdd(second, c1, b1);
                    a2 = Fma.MultiplyAdd(first, c2, a2);
                    b2 = Fma.MultiplyAdd(second, c2, b2);
                    a3 = Fma.MultiplyAdd(first, c3, a3);
                    b3 = Fma.MultiplyAdd(second, c3, b3);
                }

                a0.StoreUnsafe(ref MemoryMarshal.GetReference(acc0), (nuint)x);
                b0.StoreUnsafe(ref MemoryMarshal.GetReference(acc0), (nuint)(x + 8));
                a1.StoreUnsafe(ref MemoryMarshal.GetReference(acc1), (nuint)x);
                b1.StoreUnsafe(ref MemoryMarshal.GetReference(acc1), (nuint)(x + 8));
                a2.StoreUnsafe(ref MemoryMarshal.GetReference(acc2), (nuint)x);
                b2.StoreUnsafe(ref MemoryMarshal.GetReference(acc2), (nuint)(x + 8));
                a3.StoreUnsafe(ref MemoryMarshal.GetReference(acc3), (nuint)x);
                b3.StoreUnsafe(ref MemoryMarshal.GetReference(acc3), (nuint)(x + 8));
            }
        }
    }
}
#endif
