using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>Bytes widened to 16-bit words for the integer paths, and signed 16-bit sums converted to float for the float store.</summary>
internal static partial class WordConversion
{
    /// <summary>Zero-extends bytes to 16-bit samples (the same bits whether the lanes are then read as signed or unsigned).</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Widen(ReadOnlySpan<byte> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(destination));
        }

        ref byte src = ref MemoryMarshal.GetReference(source);
        ref ushort dst = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        WidenAvx512(ref src, source.Length, ref dst, ref i);
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<byte>.Count;
            for (; i <= source.Length - lanes; i += lanes)
            {
                Vector.Widen(VectorMemory.LoadUnsafe(ref src, i), out Vector<ushort> low, out Vector<ushort> high);
                VectorMemory.StoreUnsafe(low, ref dst, i);
                VectorMemory.StoreUnsafe(high, ref dst, i + Vector<ushort>.Count);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>Converts signed 16-bit sums to floats, exactly (unsigned sums go through <see cref="SampleConversion.ToFloat{T}(ReadOnlySpan{T}, Span{float})"/>).</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void ToFloat(ReadOnlySpan<short> source, Span<float> destination)
    {
        int n = source.Length;
        if (destination.Length < n)
        {
            throw new ArgumentOutOfRangeException(nameof(destination));
        }

        ref short src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        ToFloatAvx512(ref src, n, ref dst, ref i);
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<short>.Count;
            int half = Vector<int>.Count;
            for (; i <= n - lanes; i += lanes)
            {
                Vector.Widen(VectorMemory.LoadUnsafe(ref src, i), out Vector<int> low, out Vector<int> high);
                VectorMemory.StoreUnsafe(Vector.ConvertToSingle(low), ref dst, i);
                VectorMemory.StoreUnsafe(Vector.ConvertToSingle(high), ref dst, i + half);
            }
        }

        for (; i < n; i++)
        {
            destination[i] = source[i];
        }
    }

    // The AVX-512 loops, where the machine has them; without an implementation (netstandard2.0) the calls are removed.
    static partial void WidenAvx512(ref byte src, int n, ref ushort dst, ref int i);

    static partial void ToFloatAvx512(ref short src, int n, ref float dst, ref int i);
}
