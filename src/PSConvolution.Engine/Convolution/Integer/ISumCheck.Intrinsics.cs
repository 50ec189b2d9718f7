#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The checks of the AVX2 and AVX-512 loops.</summary>
internal partial interface ISumCheck
{
    /// <summary>The sums of samples from <paramref name="x"/> on: <paramref name="a0"/>, then <paramref name="a1"/>.</summary>
    void Vectors(Vector256<ushort> a0, Vector256<ushort> a1, int x);

    /// <inheritdoc cref="Vectors(Vector256{ushort}, Vector256{ushort}, int)"/>
    void Vectors(Vector512<ushort> a0, Vector512<ushort> a1, int x);
}

internal partial struct NoSumCheck
{
    public void Vectors(Vector256<ushort> a0, Vector256<ushort> a1, int x)
    {
    }

    public void Vectors(Vector512<ushort> a0, Vector512<ushort> a1, int x)
    {
    }
}
#endif
