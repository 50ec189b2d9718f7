using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The two passes of <see cref="SeparableIntegerPath"/>: weighted column sums of stored bytes, then weighted row sums rounded to bytes.</summary>
internal static partial class SeparableBytePasses
{
    /// <summary>
    /// <c>target[x] = constant + sum over i of taps[i] * source[rowStarts[i] + offset + x]</c>: the vertical pass read
    /// straight from bytes, each widened to 16 bits as it is loaded.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void VerticalBytes(ReadOnlySpan<byte> source, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, ushort constant, int offset, Span<ushort> target)
    {
        int n = target.Length;
        foreach (int r in rowStarts)
        {
            if ((uint)(r + offset) > (uint)source.Length || (uint)(r + offset + n) > (uint)source.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(rowStarts));
            }
        }

        ref byte src = ref MemoryMarshal.GetReference(source);
        ref ushort dst = ref MemoryMarshal.GetReference(target);
        int x = 0;
        VerticalBytesAvx512(ref src, rowStarts, taps, constant, offset, n, ref dst, ref x);
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<byte>.Count;
            int half = Vector<ushort>.Count;
            var c = new Vector<ushort>(constant);
            for (; x <= n - lanes; x += lanes)
            {
                Vector<ushort> a0 = c, a1 = c;
                for (int i = 0; i < rowStarts.Length; i++)
                {
                    Vector.Widen(VectorMemory.LoadUnsafe(ref src, rowStarts[i] + offset + x), out Vector<ushort> v0, out Vector<ushort> v1);
                    var wv = new Vector<ushort>(taps[i]);
                    a0 += v0 * wv;
                    a1 += v1 * wv;
                }

                VectorMemory.StoreUnsafe(a0, ref dst, x);
                VectorMemory.StoreUnsafe(a1, ref dst, x + half);
            }
        }

        for (; x < n; x++)
        {
            int a = constant;
            for (int i = 0; i < rowStarts.Length; i++)
            {
                a += taps[i] * Unsafe.Add(ref src, rowStarts[i] + offset + x);
            }

            Unsafe.Add(ref dst, x) = (ushort)a;
        }
    }

    /// <summary>
    /// The vertical pass for four consecutive output rows at once: row k of <paramref name="targets"/> (at
    /// <paramref name="pitch"/>, <paramref name="n"/> samples) from rows k to k + kh - 1 of
    /// <paramref name="rowStarts"/> (kh + 3 rows, no constant border among them). Neighbouring output rows share
    /// kh - 1 rows, so the AVX-512 and Vector&lt;T&gt; loops for Gaussian3 and Gaussian5 load and widen each of the
    /// kh + 3 rows once for all four (eight loads where one row at a time takes twenty); the sums are exactly those of
    /// <see cref="VerticalBytes"/>.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void VerticalBytesFour(ReadOnlySpan<byte> source, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, int offset, Span<ushort> targets, int pitch, int n)
    {
        if (rowStarts.Length != taps.Length + 3 || n < 0 || pitch < n || targets.Length < (3 * pitch) + n)
        {
            throw new ArgumentOutOfRangeException(nameof(rowStarts));
        }

        foreach (int r in rowStarts)
        {
            if ((uint)(r + offset) > (uint)source.Length || (uint)(r + offset + n) > (uint)source.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(rowStarts));
            }
        }

        bool done = false;
        VerticalFourVectors(ref MemoryMarshal.GetReference(source), rowStarts, taps, offset, n, ref MemoryMarshal.GetReference(targets), pitch, ref done);
        if (!done && Vector.IsHardwareAccelerated && IsSymmetricSmall(taps) && n >= Vector<byte>.Count && EvenlySpaced(rowStarts, out _))
        {
            VerticalFourPortable(ref MemoryMarshal.GetReference(source), rowStarts, taps, offset, n, ref MemoryMarshal.GetReference(targets), pitch);
            done = true;
        }

        for (int k = 0; !done && k < 4; k++)
        {
            VerticalBytes(source, rowStarts.Slice(k, taps.Length), taps, 0, offset, targets.Slice(k * pitch, n));
        }
    }

    // The Vector<T> four-row loop (the netstandard2.0 build, and machines without AVX2): each of the kh + 3 rows, evenly
    // spaced, loaded once a step for all four outputs, the last step moved back to the row's end. It works in halves:
    // the four outputs' low halves from the eight rows' low halves, then the high halves from the rows loaded again.
    // Widening all eight rows whole at once held sixteen vectors and the three weights in sixteen registers, and the
    // JIT spilled four vectors and six row offsets at every step; a second load of a row is cheaper. The blocks whose
    // rows repeat an edge row, at the top and bottom, take VerticalBytes a row at a time.
    [MethodImpl(Jit.HotLoop)]
    private static void VerticalFourPortable(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, int offset, int n, ref ushort targets, int pitch)
    {
        bool five = taps.Length == 5;
        var w0 = new Vector<ushort>(taps[0]);
        var w1 = new Vector<ushort>(five ? taps[1] : (ushort)0);
        var w2 = new Vector<ushort>(taps[taps.Length / 2]);
        int s1 = rowStarts[1] - rowStarts[0], s2 = 2 * s1;
        ref byte a = ref Unsafe.Add(ref src, rowStarts[0] + offset);
        ref byte c = ref Unsafe.Add(ref a, 3 * s1);
        ref byte e = ref five ? ref Unsafe.Add(ref c, 3 * s1) : ref c; // row 6: with three taps there is none
        int step = Vector<byte>.Count;
        int half = Vector<ushort>.Count;
        for (int x = VectorSteps.First(0, n, step); x <= n - step; x = VectorSteps.Next(x, n, step))
        {
            PrefetchFresh(ref Unsafe.Add(ref a, x), ref Unsafe.Add(ref c, x), ref Unsafe.Add(ref e, x), (nuint)s1, (nuint)s2, five);
            ref ushort d = ref Unsafe.Add(ref targets, x);
            if (five)
            {
                StoreFive(Low(ref a, x), Low(ref a, x + s1), Low(ref a, x + s2), Low(ref c, x), Low(ref c, x + s1), Low(ref c, x + s2), Low(ref e, x), Low(ref e, x + s1), w0, w1, w2, ref d, pitch, 0);
                StoreFive(High(ref a, x), High(ref a, x + s1), High(ref a, x + s2), High(ref c, x), High(ref c, x + s1), High(ref c, x + s2), High(ref e, x), High(ref e, x + s1), w0, w1, w2, ref d, pitch, half);
            }
            else
            {
                StoreThree(Low(ref a, x), Low(ref a, x + s1), Low(ref a, x + s2), Low(ref c, x), Low(ref c, x + s1), Low(ref c, x + s2), w0, w2, ref d, pitch, 0);
                StoreThree(High(ref a, x), High(ref a, x + s1), High(ref a, x + s2), High(ref c, x), High(ref c, x + s1), High(ref c, x + s2), w0, w2, ref d, pitch, half);
            }
        }
    }

    // The first and the second half of a row's bytes from x on, widened to 16 bits (the other half is not used, and
    // .NET 10's JIT leaves it out, as its listing shows).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<ushort> Low(ref byte row, int x)
    {
        Vector.Widen(VectorMemory.LoadUnsafe(ref row, x), out Vector<ushort> low, out _);
        return low;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<ushort> High(ref byte row, int x)
    {
        Vector.Widen(VectorMemory.LoadUnsafe(ref row, x), out _, out Vector<ushort> high);
        return high;
    }

    // Asks for a four-row block's fresh rows some way ahead of the column of a, where the machine has a prefetch
    // instruction: the rows no block before it read (rows 4 to 7 of its eight with five taps, 2 to 5 of its six with
    // three; a, c and e are rows 0, 3 and 6, s1 and s2 one and two rows' steps). The block before read this block's
    // first kh - 1 rows, which are in cache; these four come from memory. Without an implementation (netstandard2.0)
    // the call is removed.
    static partial void PrefetchFresh(ref byte a, ref byte c, ref byte e, nuint s1, nuint s2, bool five);

    // Output rows 0-3 at x from eight widened rows, five symmetric taps (outer, inner, centre).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFive(Vector<ushort> v0, Vector<ushort> v1, Vector<ushort> v2, Vector<ushort> v3, Vector<ushort> v4, Vector<ushort> v5, Vector<ushort> v6, Vector<ushort> v7, Vector<ushort> w0, Vector<ushort> w1, Vector<ushort> w2, ref ushort targets, int pitch, int x)
    {
        VectorMemory.StoreUnsafe(((v0 + v4) * w0) + ((v1 + v3) * w1) + (v2 * w2), ref targets, x);
        VectorMemory.StoreUnsafe(((v1 + v5) * w0) + ((v2 + v4) * w1) + (v3 * w2), ref targets, pitch + x);
        VectorMemory.StoreUnsafe(((v2 + v6) * w0) + ((v3 + v5) * w1) + (v4 * w2), ref targets, (2 * pitch) + x);
        VectorMemory.StoreUnsafe(((v3 + v7) * w0) + ((v4 + v6) * w1) + (v5 * w2), ref targets, (3 * pitch) + x);
    }

    // Output rows 0-3 at x from six widened rows, three symmetric taps (outer, centre).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreThree(Vector<ushort> v0, Vector<ushort> v1, Vector<ushort> v2, Vector<ushort> v3, Vector<ushort> v4, Vector<ushort> v5, Vector<ushort> w0, Vector<ushort> w2, ref ushort targets, int pitch, int x)
    {
        VectorMemory.StoreUnsafe(((v0 + v2) * w0) + (v1 * w2), ref targets, x);
        VectorMemory.StoreUnsafe(((v1 + v3) * w0) + (v2 * w2), ref targets, pitch + x);
        VectorMemory.StoreUnsafe(((v2 + v4) * w0) + (v3 * w2), ref targets, (2 * pitch) + x);
        VectorMemory.StoreUnsafe(((v3 + v5) * w0) + (v4 * w2), ref targets, (3 * pitch) + x);
    }

    // The Vector<T> form of the symmetric horizontal pass (the netstandard2.0 build's, and machines without AVX2):
    // Gaussian3 and Gaussian5 with their weights in registers and the two samples of a weight added before its one
    // multiply, instead of a loop over taps; the same wrapping 16-bit sums as the general loop, so the same bytes. It
    // steps whole vectors from x (a multiple of Vector<byte>.Count, as the checks need) and returns where it stopped.
    [MethodImpl(Jit.HotLoop)]
    private static int HorizontalSymmetricPortable<TCheck, TKept>(ref ushort src, ReadOnlySpan<ushort> taps, int step, int shift, int n, ref byte dst, int x, ref TCheck check, ref byte kept, in TKept keep)
        where TCheck : struct, ISumCheck
        where TKept : struct, IKeptSamples
    {
        bool five = taps.Length == 5;
        var w0 = new Vector<ushort>(taps[0]);
        var w1 = new Vector<ushort>(five ? taps[1] : (ushort)0);
        var w2 = new Vector<ushort>(taps[taps.Length / 2]);
        var bias = new Vector<ushort>((ushort)ShiftRounding.HalfLessOne(shift));
        int last = (taps.Length - 1) * step, o1 = step, o2 = last / 2, o3 = 3 * step;
        int lanes = Vector<byte>.Count;
        int half = Vector<ushort>.Count;
        for (; x <= n - lanes; x += lanes)
        {
            ref ushort s = ref Unsafe.Add(ref src, x);
            Vector<ushort> a0 = (VectorMemory.LoadUnsafe(ref s, 0) + VectorMemory.LoadUnsafe(ref s, last)) * w0;
            Vector<ushort> a1 = (VectorMemory.LoadUnsafe(ref s, half) + VectorMemory.LoadUnsafe(ref s, last + half)) * w0;
            if (five)
            {
                a0 += (VectorMemory.LoadUnsafe(ref s, o1) + VectorMemory.LoadUnsafe(ref s, o3)) * w1;
                a1 += (VectorMemory.LoadUnsafe(ref s, o1 + half) + VectorMemory.LoadUnsafe(ref s, o3 + half)) * w1;
            }

            a0 += VectorMemory.LoadUnsafe(ref s, o2) * w2;
            a1 += VectorMemory.LoadUnsafe(ref s, o2 + half) * w2;
            check.Vectors(a0, a1, x);
            StoreLevels(a0, a1, shift, bias, ref dst, x, ref kept, in keep);
        }

        return x;
    }

    // The portable loops' sums a0 then a1 divided by 2^shift, rounded to nearest with ties to even, stored as bytes
    // from x on, the unselected channels' bytes those of kept.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLevels<TKept>(Vector<ushort> a0, Vector<ushort> a1, int shift, Vector<ushort> bias, ref byte dst, int x, ref byte kept, in TKept keep)
        where TKept : struct, IKeptSamples
    {
        if (shift > 0)
        {
            a0 = VectorShift.DivideRounded(a0, shift, bias);
            a1 = VectorShift.DivideRounded(a1, shift, bias);
        }

        var max = new Vector<ushort>(255);
        VectorMemory.StoreUnsafe(keep.Keep(Vector.Narrow(Vector.Min(a0, max), Vector.Min(a1, max)), ref kept, x), ref dst, x);
    }

    // Offsets 0, step, 2·step, ...: taps a whole step apart from the row's start, as the symmetric loops read them.
    private static bool EvenlySpacedFromZero(ReadOnlySpan<int> offsets, out int step)
        => EvenlySpaced(offsets, out step) && offsets[0] == 0;

    // Values v, v + step, v + 2·step, ... (taps' offsets, or the starts of a block's rows).
    private static bool EvenlySpaced(ReadOnlySpan<int> values, out int step)
    {
        step = values.Length > 1 ? values[1] - values[0] : 0;
        for (int t = 0; t < values.Length; t++)
        {
            if (values[t] != values[0] + (t * step))
            {
                return false;
            }
        }

        return true;
    }

    // Three or five weights, the same read from either end: what the symmetric loops take.
    private static bool IsSymmetricSmall(ReadOnlySpan<ushort> taps)
        => taps.Length is 3 or 5 && taps[0] == taps[^1] && taps[1] == taps[^2];

    /// <summary>The horizontal pass at stride 1, rounded and stored as bytes in the same loop.</summary>
    public static void HorizontalStore(ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, Span<byte> destination)
    {
        var none = default(NoSumCheck);
        HorizontalStore(row, taps, offsets, shift, destination, ref none);
    }

    /// <summary>The horizontal pass at stride 1, its exact sums shown to <paramref name="check"/> before they are rounded and stored as bytes.</summary>
    public static void HorizontalStore<TCheck>(ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, Span<byte> destination, ref TCheck check)
        where TCheck : struct, ISumCheck
        => HorizontalStore(row, taps, offsets, shift, destination, ref check, destination, default(NoKeptSamples));

    /// <summary>
    /// The horizontal pass at stride 1, rounded and stored as bytes, the channels <paramref name="keep"/> does not
    /// select taken from <paramref name="kept"/> (the source's bytes under the output pixels) as they are stored.
    /// </summary>
    public static void HorizontalStore<TKept>(ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, Span<byte> destination, ReadOnlySpan<byte> kept, in TKept keep)
        where TKept : struct, IKeptSamples
    {
        var none = default(NoSumCheck);
        HorizontalStore(row, taps, offsets, shift, destination, ref none, kept, keep);
    }

    [MethodImpl(Jit.HotLoop)]
    private static void HorizontalStore<TCheck, TKept>(ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, Span<byte> destination, ref TCheck check, ReadOnlySpan<byte> keptRow, in TKept keep)
        where TCheck : struct, ISumCheck
        where TKept : struct, IKeptSamples
    {
        int n = destination.Length;
        if (taps.Length != offsets.Length || row.Length < n + offsets[^1] || keptRow.Length < n)
        {
            throw new ArgumentOutOfRangeException(nameof(row));
        }

        ref ushort src = ref MemoryMarshal.GetReference(row);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        ref byte kept = ref MemoryMarshal.GetReference(keptRow);
        int x = 0;
        HorizontalStoreAvx512(ref src, taps, offsets, shift, n, ref dst, ref x, ref check, ref kept, in keep);
        if (Vector.IsHardwareAccelerated && x <= n - Vector<byte>.Count && IsSymmetricSmall(taps) && EvenlySpacedFromZero(offsets, out int step))
        {
            x = HorizontalSymmetricPortable(ref src, taps, step, shift, n, ref dst, x, ref check, ref kept, in keep);
        }

        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<byte>.Count;
            int half = Vector<ushort>.Count;
            var bias = new Vector<ushort>((ushort)ShiftRounding.HalfLessOne(shift));
            for (; x <= n - lanes; x += lanes)
            {
                Vector<ushort> a0 = Vector<ushort>.Zero, a1 = Vector<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    var wv = new Vector<ushort>(taps[t]);
                    a0 += VectorMemory.LoadUnsafe(ref src, x + offsets[t]) * wv;
                    a1 += VectorMemory.LoadUnsafe(ref src, x + offsets[t] + half) * wv;
                }

                check.Vectors(a0, a1, x);
                StoreLevels(a0, a1, shift, bias, ref dst, x, ref kept, in keep);
            }
        }

        for (; x < n; x++)
        {
            int a = 0;
            for (int t = 0; t < taps.Length; t++)
            {
                a += taps[t] * Unsafe.Add(ref src, x + offsets[t]);
            }

            check.Sample(x, a);
            Unsafe.Add(ref dst, x) = keep.Keep(RoundShift(a, shift), ref kept, x);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte RoundShift(int v, int shift) => (byte)Math.Min(ShiftRounding.Divide(v, shift), 255);

    // The AVX-512 loops, where the machine has them; without an implementation (netstandard2.0) the calls are removed.
    static partial void VerticalBytesAvx512(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, ushort constant, int offset, int n, ref ushort dst, ref int x);

    // The AVX-512 or AVX2 four-row loop, where the machine has one, the taps are three or five symmetric ones and the
    // rows are evenly spaced; it sets done when it computed all four rows whole.
    static partial void VerticalFourVectors(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, int offset, int n, ref ushort targets, int pitch, ref bool done);

    static partial void HorizontalStoreAvx512<TCheck, TKept>(ref ushort src, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, int n, ref byte dst, ref int x, ref TCheck check, ref byte kept, in TKept keep)
        where TCheck : struct, ISumCheck
        where TKept : struct, IKeptSamples;
}
