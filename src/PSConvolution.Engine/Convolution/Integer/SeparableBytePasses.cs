using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The two passes of <see cref="SeparableIntegerPath"/>: weighted column sums of stored bytes, then weighted row sums rounded to bytes.</summary>
internal static class SeparableBytePasses
{
    /// <summary>
    /// <c>target[x] = constant + sum over i of taps[i] * source[rowStarts[i] + offset + x]</c>: the vertical pass read
    /// straight from bytes, each widened to 16 bits as it is loaded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                    Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)(rowStarts[i] + offset + x)), out Vector<ushort> v0, out Vector<ushort> v1);
                    var wv = new Vector<ushort>(taps[i]);
                    a0 += v0 * wv;
                    a1 += v1 * wv;
                }

                a0.StoreUnsafe(ref dst, (nuint)x);
                a1.StoreUnsafe(ref dst, (nuint)(x + half));
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

    /// <summary>The horizontal pass at stride 1, rounded and stored as bytes in the same loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HorizontalStore(ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, Span<byte> destination)
    {
        int n = destination.Length;
        if (taps.Length != offsets.Length || row.Length < n + offsets[^1])
        {
            throw new ArgumentOutOfRangeException(nameof(row));
        }

        ref ushort src = ref MemoryMarshal.GetReference(row);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int x = 0;
        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> bias = Vector512.Create((ushort)ShiftRounding.HalfLessOne(shift));
            Vector512<ushort> one = Vector512.Create((ushort)1);
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

                if (shift > 0)
                {
                    a0 = Vector512.ShiftRightLogical(a0 + bias + (Vector512.ShiftRightLogical(a0, shift) & one), shift);
                    a1 = Vector512.ShiftRightLogical(a1 + bias + (Vector512.ShiftRightLogical(a1, shift) & one), shift);
                }

                Avx512BW.ConvertToVector256ByteWithSaturation(a0).StoreUnsafe(ref dst, (nuint)x);
                Avx512BW.ConvertToVector256ByteWithSaturation(a1).StoreUnsafe(ref dst, (nuint)(x + 32));
            }
        }

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
                    a0 += Vector.LoadUnsafe(ref src, (nuint)(x + offsets[t])) * wv;
                    a1 += Vector.LoadUnsafe(ref src, (nuint)(x + offsets[t] + half)) * wv;
                }

                if (shift > 0)
                {
                    a0 = Vector.ShiftRightLogical(a0 + bias + (Vector.ShiftRightLogical(a0, shift) & one), shift);
                    a1 = Vector.ShiftRightLogical(a1 + bias + (Vector.ShiftRightLogical(a1, shift) & one), shift);
                }

                Vector.Narrow(Vector.Min(a0, max), Vector.Min(a1, max)).StoreUnsafe(ref dst, (nuint)x);
            }
        }

        for (; x < n; x++)
        {
            int a = 0;
            for (int t = 0; t < taps.Length; t++)
            {
                a += taps[t] * Unsafe.Add(ref src, x + offsets[t]);
            }

            Unsafe.Add(ref dst, x) = RoundShift(a, shift);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte RoundShift(int v, int shift) => (byte)Math.Min(ShiftRounding.Divide(v, shift), 255);
}
