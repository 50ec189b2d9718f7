#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The AVX-512 and AVX2 loops of <see cref="SignedSumStore"/>, in 16-bit lanes with saturating adds.</summary>
internal static partial class SignedSumStore
{
    [MethodImpl(Jit.HotLoop)]
    static partial void ToBytesAvx512(ref short src, int n, int shift, short half, short shiftedBias, bool absolute, ref byte dst, ref int x)
    {
        if (Avx512BW.IsSupported)
        {
            Vector512<short> halfVector = Vector512.Create(half);
            Vector512<short> one = Vector512.Create((short)1);
            Vector512<short> biasVector = Vector512.Create(shiftedBias);
            for (; x <= n - 32; x += 32)
            {
                Level512(Vector512.LoadUnsafe(ref src, (nuint)x), shift, halfVector, one, biasVector, absolute).StoreUnsafe(ref dst, (nuint)x);
            }
        }

        if (Avx2.IsSupported)
        {
            Vector256<short> halfVector = Vector256.Create(half);
            Vector256<short> one = Vector256.Create((short)1);
            Vector256<short> biasVector = Vector256.Create(shiftedBias);
            Vector256<ushort> max = Vector256.Create((ushort)255);

            // No tail is left to the scalar loop (VectorSteps).
            for (x = VectorSteps.First(x, n, 32); x <= n - 32; x = VectorSteps.Next(x, n, 32))
            {
                Vector256<short> s0 = Vector256.LoadUnsafe(ref src, (nuint)x);
                Vector256<short> s1 = Vector256.LoadUnsafe(ref src, (nuint)(x + 16));
                Level256(s0, s1, shift, halfVector, one, biasVector, max, absolute).StoreUnsafe(ref dst, (nuint)x);
            }
        }
    }

    /// <summary>The levels of 32 sums (AVX-512): bias, rounding shift, then |v| or v cut at 0, narrowed with saturation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> Level512(Vector512<short> v, int shift, Vector512<short> half, Vector512<short> one, Vector512<short> bias, bool absolute)
    {
        v = Avx512BW.AddSaturate(v, bias);
        if (shift > 0)
        {
            Vector512<short> odd = Vector512.ShiftRightArithmetic(v, shift) & one;
            v = Vector512.ShiftRightArithmetic(Avx512BW.AddSaturate(Avx512BW.AddSaturate(v, half), odd), shift);
        }

        // |v| as unsigned (|-32768| is 32768, which saturates to 255), or v with negatives cut to 0.
        Vector512<ushort> u = absolute ? Avx512BW.Abs(v) : Avx512BW.Max(v, Vector512<short>.Zero).AsUInt16();
        return Avx512BW.ConvertToVector256ByteWithSaturation(u);
    }

    /// <summary>The levels of 32 sums (AVX2), in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> Level256(Vector256<short> s0, Vector256<short> s1, int shift, Vector256<short> half, Vector256<short> one, Vector256<short> bias, Vector256<ushort> max, bool absolute)
    {
        Vector256<ushort> u0 = Round(s0, shift, half, one, bias, absolute);
        Vector256<ushort> u1 = Round(s1, shift, half, one, bias, absolute);

        // The pack saturates as signed, so |-32768| (32768) is first cut to 255 as unsigned; it works within
        // 128-bit lanes, so the quarters are put back in order after it.
        Vector256<byte> packed = Avx2.PackUnsignedSaturate(Avx2.Min(u0, max).AsInt16(), Avx2.Min(u1, max).AsInt16());
        return Avx2.Permute4x64(packed.AsUInt64(), 0b11_01_10_00).AsByte();
    }

    // The AVX2 form of the AVX-512 loop's arithmetic for 16 sums: bias, rounding shift, then |v| or v cut at 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Round(Vector256<short> v, int shift, Vector256<short> half, Vector256<short> one, Vector256<short> bias, bool absolute)
    {
        v = Avx2.AddSaturate(v, bias);
        if (shift > 0)
        {
            Vector256<short> odd = Vector256.ShiftRightArithmetic(v, shift) & one;
            v = Vector256.ShiftRightArithmetic(Avx2.AddSaturate(Avx2.AddSaturate(v, half), odd), shift);
        }

        return absolute ? Avx2.Abs(v) : Avx2.Max(v, Vector256<short>.Zero).AsUInt16();
    }
}
#endif
