#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Platform;

/// <summary>
/// Lane shifts of <see cref="Vector{T}"/> for the engine's rounding divisions by powers of two. On .NET 8 they are
/// the hardware's shifts; netstandard2.0 has none (see the portable file), so the callers keep every lane below
/// 2^24 in magnitude, where both forms give the same bits.
/// </summary>
internal static class VectorShift
{
    /// <summary><c>v &gt;&gt; shift</c> in each 16-bit lane (logical).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<ushort> RightLogical(Vector<ushort> v, int shift) => Vector.ShiftRightLogical(v, shift);

    /// <summary><c>v &gt;&gt; shift</c> in each 32-bit lane (arithmetic: floor of the division).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> RightArithmetic(Vector<int> v, int shift) => Vector.ShiftRightArithmetic(v, shift);
}
#endif
