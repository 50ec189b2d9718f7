#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The AVX-512 loops of <see cref="WordConversion"/>, and the AVX2 widening.</summary>
internal static partial class WordConversion
{
    [MethodImpl(Jit.HotLoop)]
    static partial void WidenAvx512(ref byte src, int n, ref ushort dst, ref int i)
    {
        if (Avx512BW.IsSupported)
        {
            for (; i <= n - 32; i += 32)
            {
                Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        if (Avx2.IsSupported)
        {
            // One zero-extending load where Vector.Widen unpacks and permutes lanes.
            for (; i <= n - 16; i += 16)
            {
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref src, (nuint)i)).AsUInt16().StoreUnsafe(ref dst, (nuint)i);
            }
        }
    }

    [MethodImpl(Jit.HotLoop)]
    static partial void ToFloatAvx512(ref short src, int n, ref float dst, ref int i)
    {
        if (Avx512BW.IsSupported)
        {
            for (; i <= n - 16; i += 16)
            {
                Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref src, (nuint)i))).StoreUnsafe(ref dst, (nuint)i);
            }
        }
    }
}
#endif
