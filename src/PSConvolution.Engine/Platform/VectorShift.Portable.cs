#if !NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Platform;

/// <summary>
/// Rounding divisions by powers of two for netstandard2.0, whose <see cref="Vector{T}"/> has no shift: one trip
/// into single precision. v is exact as a float for |v| below 2^24. Between 2^(23+shift) and 2^(24+shift) floats
/// are 2^shift apart, so adding C = 1.5 · 2^(23+shift) rounds v to a multiple of 2^shift in the processor's mode
/// (to nearest, ties to even), and the sum's bits are C's plus the rounded quotient, for quotients below 2^22 in
/// magnitude. So the lanes are the .NET 8 form's, which shifts.
/// </summary>
internal static class VectorShift
{
    /// <summary>
    /// <c>v / 2^shift</c> rounded to nearest, ties to even, in each 16-bit lane (shift 1 to 15). The .NET 8 form
    /// adds <paramref name="halfLessOne"/>, 2^(shift-1) - 1 in every lane; this one does not need it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<ushort> DivideRounded(Vector<ushort> v, int shift, Vector<ushort> halfLessOne)
    {
        Vector.Widen(v, out Vector<uint> low, out Vector<uint> high);
        return Vector.Narrow(Vector.AsVectorUInt32(DivideRounded(Vector.AsVectorInt32(low), shift)), Vector.AsVectorUInt32(DivideRounded(Vector.AsVectorInt32(high), shift)));
    }

    /// <summary>
    /// <c>v / 2^shift</c> rounded to nearest, ties to even, in each 32-bit lane, for |v| below 2^24 and quotients
    /// below 2^22 in magnitude (<paramref name="halfLessOne"/> as above, unused here).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> DivideRounded(Vector<int> v, int shift, Vector<int> halfLessOne) => DivideRounded(v, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> DivideRounded(Vector<int> v, int shift)
    {
        var grid = new Vector<float>(12582912f * (1 << shift));
        return Vector.AsVectorInt32(Vector.ConvertToSingle(v) + grid) - Vector.AsVectorInt32(grid);
    }
}
#endif
