#if !NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Platform;

/// <summary>
/// Lane shifts for netstandard2.0, whose <see cref="Vector{T}"/> has no shift: the lanes are scaled by 2^-shift in
/// single precision and truncated. Every integer below 2^24 in magnitude is a float, and scaling by a power of two
/// is exact, so the results are the shifts' bits for the callers' lanes, which stay below 2^24.
/// </summary>
internal static class VectorShift
{
    /// <summary><c>v &gt;&gt; shift</c> in each 16-bit lane (logical).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<ushort> RightLogical(Vector<ushort> v, int shift)
    {
        Vector.Widen(v, out Vector<uint> low, out Vector<uint> high);
        return Vector.Narrow(Vector.AsVectorUInt32(RightArithmetic(Vector.AsVectorInt32(low), shift)), Vector.AsVectorUInt32(RightArithmetic(Vector.AsVectorInt32(high), shift)));
    }

    /// <summary><c>v &gt;&gt; shift</c> in each 32-bit lane (arithmetic: floor of the division), for |v| &lt; 2^24.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> RightArithmetic(Vector<int> v, int shift)
    {
        Vector<float> scaled = Vector.ConvertToSingle(v) * new Vector<float>(1f / (1 << shift));
        Vector<int> truncated = Vector.ConvertToInt32(scaled);

        // Truncation rounds negative quotients up; floor is one less wherever the truncated value lies above.
        return truncated + Vector.GreaterThan(Vector.ConvertToSingle(truncated), scaled);
    }
}
#endif
