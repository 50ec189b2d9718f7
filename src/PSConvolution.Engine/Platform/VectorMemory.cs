using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Platform;

/// <summary>
/// <see cref="Vector{T}"/> loads and stores at an index of a span, on every target: netstandard2.0's
/// System.Numerics.Vectors has neither the span constructor nor <c>Vector.LoadUnsafe</c>. The index is checked.
/// </summary>
internal static class VectorMemory
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Load<T>(ReadOnlySpan<T> source, int index)
        where T : struct
    {
        if ((uint)index > (uint)source.Length || (uint)(source.Length - index) < (uint)Vector<T>.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(source), index)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector<T> value, Span<T> destination, int index)
        where T : struct
    {
        if ((uint)index > (uint)destination.Length || (uint)(destination.Length - index) < (uint)Vector<T>.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), index)), value);
    }

    /// <summary>Unchecked: the caller's loop bounds keep <c>offset + Vector&lt;T&gt;.Count</c> inside the buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> LoadUnsafe<T>(ref T source, int offset)
        where T : struct
        => Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref source, offset)));

    /// <summary>Unchecked: the caller's loop bounds keep <c>offset + Vector&lt;T&gt;.Count</c> inside the buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUnsafe<T>(Vector<T> value, ref T destination, int offset)
        where T : struct
        => Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref destination, offset)), value);
}
