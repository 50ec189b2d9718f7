using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>Signed 16-bit sums of <see cref="DirectIntegerPath"/> rounded to bytes in integers, the bias and range applied.</summary>
internal static class SignedSumStore
{
    // out = clamp(|round((v + bias * 2^shift) / 2^shift)|?, 0, 255): the bias joins the sum before rounding, as in
    // round(sum / divisor + bias), and ties go to even with floor shifts (exact for negative sums too). The adds
    // saturate; a saturated lane is at least 2^15 / 128 = 256 away from 0, so it clamps to the same 0 or 255.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToBytes(ReadOnlySpan<short> values, int shift, short bias, bool absolute, Span<byte> destination)
    {
        int n = values.Length;
        int x = 0;
        short half = (short)ShiftRounding.HalfLessOne(shift);
        short shiftedBias = (short)(bias << shift);
        ref short src = ref MemoryMarshal.GetReference(values);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        if (Avx512BW.IsSupported)
        {
            Vector512<short> halfVector = Vector512.Create(half);
            Vector512<short> one = Vector512.Create((short)1);
            Vector512<short> biasVector = Vector512.Create(shiftedBias);
            for (; x <= n - 32; x += 32)
            {
                Vector512<short> v = Avx512BW.AddSaturate(Vector512.LoadUnsafe(ref src, (nuint)x), biasVector);
                if (shift > 0)
                {
                    Vector512<short> odd = Vector512.ShiftRightArithmetic(v, shift) & one;
                    v = Vector512.ShiftRightArithmetic(Avx512BW.AddSaturate(Avx512BW.AddSaturate(v, halfVector), odd), shift);
                }

                // |v| as unsigned (|-32768| is 32768, which saturates to 255), or v with negatives cut to 0.
                Vector512<ushort> u = absolute ? Avx512BW.Abs(v) : Avx512BW.Max(v, Vector512<short>.Zero).AsUInt16();
                Avx512BW.ConvertToVector256ByteWithSaturation(u).StoreUnsafe(ref dst, (nuint)x);
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            // Without AVX-512's saturating 16-bit adds the arithmetic is done in 32-bit lanes, where nothing overflows.
            var biasWide = new Vector<int>(bias << shift);
            var halfWide = new Vector<int>(half);
            var oneWide = new Vector<int>(1);
            var top = new Vector<int>(255);
            int lanes = Vector<short>.Count;
            for (; x <= n - (2 * lanes); x += 2 * lanes)
            {
                Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)x), out Vector<int> v0, out Vector<int> v1);
                Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)(x + lanes)), out Vector<int> v2, out Vector<int> v3);
                Vector<ushort> low = Vector.Narrow(Level(v0), Level(v1));
                Vector<ushort> high = Vector.Narrow(Level(v2), Level(v3));
                Vector.Narrow(low, high).StoreUnsafe(ref dst, (nuint)x);
            }

            Vector<uint> Level(Vector<int> v)
            {
                v += biasWide;
                if (shift > 0)
                {
                    Vector<int> odd = Vector.ShiftRightArithmetic(v, shift) & oneWide;
                    v = Vector.ShiftRightArithmetic(v + halfWide + odd, shift);
                }

                v = absolute ? Vector.Abs(v) : Vector.Max(v, Vector<int>.Zero);
                return Vector.AsVectorUInt32(Vector.Min(v, top));
            }
        }

        for (; x < n; x++)
        {
            int v = ShiftRounding.Divide(values[x] + (bias << shift), shift);

            if (absolute)
            {
                v = Math.Abs(v);
            }

            destination[x] = (byte)Math.Clamp(v, 0, 255);
        }
    }
}
