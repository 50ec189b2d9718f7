using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>Bytes widened to 16-bit words for the integer paths, and signed 16-bit sums converted to float for the float store.</summary>
internal static class WordConversion
{
    /// <summary>Zero-extends bytes to 16-bit samples (the same bits whether the lanes are then read as signed or unsigned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen<T>(ReadOnlySpan<byte> source, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        Span<ushort> words = MemoryMarshal.Cast<T, ushort>(destination);
        int i = 0;
        if (Avx512BW.IsSupported)
        {
            ref byte src = ref MemoryMarshal.GetReference(source);
            ref ushort dst = ref MemoryMarshal.GetReference(words);
            for (; i <= source.Length - 32; i += 32)
            {
                Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            ref byte src = ref MemoryMarshal.GetReference(source);
            ref ushort dst = ref MemoryMarshal.GetReference(words);
            int lanes = Vector<byte>.Count;
            for (; i <= source.Length - lanes; i += lanes)
            {
                Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)i), out Vector<ushort> low, out Vector<ushort> high);
                low.StoreUnsafe(ref dst, (nuint)i);
                high.StoreUnsafe(ref dst, (nuint)(i + Vector<ushort>.Count));
            }
        }

        for (; i < source.Length; i++)
        {
            words[i] = source[i];
        }
    }

    /// <summary>Converts signed 16-bit sums to floats, exactly (unsigned sums go through <see cref="SampleConversion.ToFloat{T}(ReadOnlySpan{T}, Span{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        if (Avx512BW.IsSupported)
        {
            for (; i <= n - 16; i += 16)
            {
                Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref src, (nuint)i))).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<short>.Count;
            int half = Vector<int>.Count;
            for (; i <= n - lanes; i += lanes)
            {
                Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)i), out Vector<int> low, out Vector<int> high);
                Vector.ConvertToSingle(low).StoreUnsafe(ref dst, (nuint)i);
                Vector.ConvertToSingle(high).StoreUnsafe(ref dst, (nuint)(i + half));
            }
        }

        for (; i < n; i++)
        {
            destination[i] = source[i];
        }
    }
}
