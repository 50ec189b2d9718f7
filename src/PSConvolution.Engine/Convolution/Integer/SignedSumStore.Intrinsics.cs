#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The AVX-512 loop of <see cref="SignedSumStore"/>, in 16-bit lanes with saturating adds.</summary>
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
    }
}
#endif
