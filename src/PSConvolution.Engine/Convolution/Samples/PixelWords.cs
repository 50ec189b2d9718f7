using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// Whole pixels as machine words: a pixel of two or four 8- or 16-bit samples is one 16-, 32- or 64-bit word, so
/// copying some channels of a row is one masked blend per vector of pixels instead of a loop per sample.
/// </summary>
internal static class PixelWords
{
    /// <summary>
    /// Copies the channels not selected from <paramref name="source"/> into <paramref name="destination"/>, pixel for
    /// pixel; false (nothing done) when the pixel does not fit a word or the machine is big-endian.
    /// </summary>
    public static bool TryCopyChannels<T>(ReadOnlySpan<T> source, Span<T> destination, int channels, bool[] selected)
        where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian || !Vector.IsHardwareAccelerated)
        {
            return false;
        }

        int sampleBits = Unsafe.SizeOf<T>() * 8;
        ulong copy = 0;
        for (int c = 0; c < channels; c++)
        {
            if (!selected[c])
            {
                copy |= (sampleBits == 8 ? 0xFFUL : 0xFFFFUL) << (c * sampleBits);
            }
        }

        switch (channels * sampleBits)
        {
            case 16:
                Blend(MemoryMarshal.Cast<T, ushort>(source), MemoryMarshal.Cast<T, ushort>(destination), (ushort)copy);
                return true;
            case 32:
                Blend(MemoryMarshal.Cast<T, uint>(source), MemoryMarshal.Cast<T, uint>(destination), (uint)copy);
                return true;
            case 64:
                Blend(MemoryMarshal.Cast<T, ulong>(source), MemoryMarshal.Cast<T, ulong>(destination), copy);
                return true;
            default:
                return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blend<TWord>(ReadOnlySpan<TWord> source, Span<TWord> destination, TWord copy)
        where TWord : unmanaged, IBitwiseOperators<TWord, TWord, TWord>
    {
        var mask = new Vector<TWord>(copy);
        int i = 0;
        for (; i <= destination.Length - Vector<TWord>.Count; i += Vector<TWord>.Count)
        {
            Vector.ConditionalSelect(mask, new Vector<TWord>(source.Slice(i)), new Vector<TWord>(destination.Slice(i))).CopyTo(destination.Slice(i));
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = (source[i] & copy) | (destination[i] & ~copy);
        }
    }
}
