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
    /// kh - 1 rows, so the AVX2 and AVX-512 loops for Gaussian3 and Gaussian5 load and widen each of the kh + 3 rows
    /// once for all four (eight loads where one row at a time takes twenty); the sums are exactly those of
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
        for (int k = 0; !done && k < 4; k++)
        {
            VerticalBytes(source, rowStarts.Slice(k, taps.Length), taps, 0, offset, targets.Slice(k * pitch, n));
        }
    }

    /// <summary>The horizontal pass at stride 1, rounded and stored as bytes in the same loop.</summary>
    public static void HorizontalStore(ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, Span<byte> destination)
    {
        var none = default(NoSumCheck);
        HorizontalStore(row, taps, offsets, shift, destination, ref none);
    }

    /// <summary>The horizontal pass at stride 1, its exact sums shown to <paramref name="check"/> before they are rounded and stored as bytes.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void HorizontalStore<TCheck>(ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, Span<byte> destination, ref TCheck check)
        where TCheck : struct, ISumCheck
    {
        int n = destination.Length;
        if (taps.Length != offsets.Length || row.Length < n + offsets[^1])
        {
            throw new ArgumentOutOfRangeException(nameof(row));
        }

        ref ushort src = ref MemoryMarshal.GetReference(row);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int x = 0;
        HorizontalStoreAvx512(ref src, taps, offsets, shift, n, ref dst, ref x, ref check);
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<byte>.Count;
            int half = Vector<ushort>.Count;
            var bias = new Vector<ushort>((ushort)ShiftRounding.HalfLessOne(shift));
            var one = new Vector<ushort>(1);
            var max = new Vector<ushort>(255);
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
                if (shift > 0)
                {
                    a0 = VectorShift.RightLogical(a0 + bias + (VectorShift.RightLogical(a0, shift) & one), shift);
                    a1 = VectorShift.RightLogical(a1 + bias + (VectorShift.RightLogical(a1, shift) & one), shift);
                }

                VectorMemory.StoreUnsafe(Vector.Narrow(Vector.Min(a0, max), Vector.Min(a1, max)), ref dst, x);
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
            Unsafe.Add(ref dst, x) = RoundShift(a, shift);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte RoundShift(int v, int shift) => (byte)Math.Min(ShiftRounding.Divide(v, shift), 255);

    // The AVX-512 loops, where the machine has them; without an implementation (netstandard2.0) the calls are removed.
    static partial void VerticalBytesAvx512(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, ushort constant, int offset, int n, ref ushort dst, ref int x);

    // The four-row loops, where the machine has AVX2 and the taps are three or five symmetric ones; they set done
    // when they computed all four rows whole.
    static partial void VerticalFourVectors(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, int offset, int n, ref ushort targets, int pitch, ref bool done);

    static partial void HorizontalStoreAvx512<TCheck>(ref ushort src, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, int n, ref byte dst, ref int x, ref TCheck check)
        where TCheck : struct, ISumCheck;
}
