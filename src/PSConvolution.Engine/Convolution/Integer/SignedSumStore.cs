using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>Signed 16-bit sums of <see cref="DirectIntegerPath"/> rounded to bytes in integers, the bias and range applied.</summary>
internal static partial class SignedSumStore
{
    // out = clamp(|round((v + bias * 2^shift) / 2^shift)|?, 0, 255): the bias joins the sum before rounding, as in
    // round(sum / divisor + bias), and ties go to even with floor shifts (exact for negative sums too). The adds
    // saturate; a saturated lane is at least 2^15 / 128 = 256 away from 0, so it clamps to the same 0 or 255.
    [MethodImpl(Jit.HotLoop)]
    public static void ToBytes(ReadOnlySpan<short> values, int shift, short bias, bool absolute, Span<byte> destination)
    {
        int n = values.Length;
        int x = 0;
        short half = (short)ShiftRounding.HalfLessOne(shift);
        short shiftedBias = (short)(bias << shift);
        ref short src = ref MemoryMarshal.GetReference(values);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        ToBytesAvx512(ref src, n, shift, half, shiftedBias, absolute, ref dst, ref x);
        if (Vector.IsHardwareAccelerated)
        {
            // Without AVX-512's saturating 16-bit adds the arithmetic is done in 32-bit lanes, where nothing overflows
            // (a lane holds a 16-bit sum plus a bias of at most 255 shifted by at most 15 bits: below 2^24, and its
            // quotient below 2^22, as VectorShift needs).
            var biasWide = new Vector<int>(bias << shift);
            var halfWide = new Vector<int>(half);
            var top = new Vector<int>(255);
            int lanes = Vector<short>.Count;
            for (; x <= n - (2 * lanes); x += 2 * lanes)
            {
                Vector.Widen(VectorMemory.LoadUnsafe(ref src, x), out Vector<int> v0, out Vector<int> v1);
                Vector.Widen(VectorMemory.LoadUnsafe(ref src, x + lanes), out Vector<int> v2, out Vector<int> v3);
                Vector<ushort> low = Vector.Narrow(Level(v0), Level(v1));
                Vector<ushort> high = Vector.Narrow(Level(v2), Level(v3));
                VectorMemory.StoreUnsafe(Vector.Narrow(low, high), ref dst, x);
            }

            Vector<uint> Level(Vector<int> v)
            {
                v += biasWide;
                if (shift > 0)
                {
                    v = VectorShift.DivideRounded(v, shift, halfWide);
                }

                v = absolute ? Vector.Abs(v) : Vector.Max(v, Vector<int>.Zero);
                return Vector.AsVectorUInt32(Vector.Min(v, top));
            }
        }

        for (; x < n; x++)
        {
            destination[x] = Level(values[x], shift, bias, absolute);
        }
    }

    /// <summary>One sum's level: what every vector loop computes for a lane.</summary>
    public static byte Level(short value, int shift, short bias, bool absolute)
    {
        int v = ShiftRounding.Divide(value + (bias << shift), shift);
        if (absolute)
        {
            v = Math.Abs(v);
        }

        return (byte)Math.Min(Math.Max(v, 0), 255);
    }

    // The AVX-512 loop, where the machine has it; without an implementation (netstandard2.0) the call is removed.
    static partial void ToBytesAvx512(ref short src, int n, int shift, short half, short shiftedBias, bool absolute, ref byte dst, ref int x);
}
