#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The checks of the AVX2 and AVX-512 loops.</summary>
internal partial interface ISumCheck
{
    /// <summary>
    /// The sums of samples from <paramref name="x"/> on: <paramref name="a0"/>, then <paramref name="a1"/>. The
    /// AVX2 loops step 32 samples, but a row's last vector is moved back to end at the row's end, so
    /// <paramref name="x"/> is then any multiple of the pixel's samples, and some samples are shown twice.
    /// </summary>
    void Vectors(Vector256<ushort> a0, Vector256<ushort> a1, int x);

    /// <summary>
    /// The sums of 64 samples from <paramref name="x"/> on, in order: the AVX2 loops' two steps of
    /// <see cref="Vectors(Vector256{ushort}, Vector256{ushort}, int)"/> at once.
    /// </summary>
    void Vectors(Vector256<ushort> a0, Vector256<ushort> a1, Vector256<ushort> a2, Vector256<ushort> a3, int x);

    /// <summary>The sums of samples from <paramref name="x"/> on, a multiple of 64: <paramref name="a0"/>, then <paramref name="a1"/>.</summary>
    void Vectors(Vector512<ushort> a0, Vector512<ushort> a1, int x);
}

internal partial struct NoSumCheck
{
    public void Vectors(Vector256<ushort> a0, Vector256<ushort> a1, int x)
    {
    }

    public void Vectors(Vector256<ushort> a0, Vector256<ushort> a1, Vector256<ushort> a2, Vector256<ushort> a3, int x)
    {
    }

    public void Vectors(Vector512<ushort> a0, Vector512<ushort> a1, int x)
    {
    }
}
#endif
