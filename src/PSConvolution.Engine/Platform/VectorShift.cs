#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Platform;

/// <summary>
/// Rounding divisions of <see cref="Vector{T}"/> lanes by powers of two for the engine's portable loops. On .NET 8
/// they are the hardware's shifts; netstandard2.0 has none (see the portable file), so the callers keep every lane
/// below 2^24 in magnitude and every quotient below 2^22, where both forms give the same lanes.
/// </summary>
internal static class VectorShift
{
    /// <summary>
    /// <c>v / 2^shift</c> rounded to nearest, ties to even, in each 16-bit lane (shift 1 to 15):
    /// <c>(v + halfLessOne + ((v &gt;&gt; shift) &amp; 1)) &gt;&gt; shift</c>, with <paramref name="halfLessOne"/>
    /// 2^(shift-1) - 1 in every lane; v + 2^(shift-1) must fit the lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<ushort> DivideRounded(Vector<ushort> v, int shift, Vector<ushort> halfLessOne)
        => Vector.ShiftRightLogical(v + halfLessOne + (Vector.ShiftRightLogical(v, shift) & Vector<ushort>.One), shift);

    /// <summary>The same in each 32-bit lane, with floor shifts, so exact for negative lanes too.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> DivideRounded(Vector<int> v, int shift, Vector<int> halfLessOne)
        => Vector.ShiftRightArithmetic(v + halfLessOne + (Vector.ShiftRightArithmetic(v, shift) & Vector<int>.One), shift);
}
#endif
