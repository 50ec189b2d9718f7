#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The kept samples of the AVX2 and AVX-512 loops, which store 32 bytes at a time.</summary>
internal partial interface IKeptSamples
{
    /// <summary>The levels of the 32 bytes from <paramref name="x"/> on, the unselected ones replaced by those of <paramref name="kept"/> there.</summary>
    Vector256<byte> Keep(Vector256<byte> levels, ref byte kept, nuint x);
}

internal readonly partial struct NoKeptSamples
{
    public Vector256<byte> Keep(Vector256<byte> levels, ref byte kept, nuint x) => levels;
}

internal readonly partial struct KeptSamples
{
    // One vpblendvb: the mask's top bit of each byte picks the source's byte.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<byte> Keep(Vector256<byte> levels, ref byte kept, nuint x) => Avx2.BlendVariable(levels, Vector256.LoadUnsafe(ref kept, x), mask256);
}
#endif
