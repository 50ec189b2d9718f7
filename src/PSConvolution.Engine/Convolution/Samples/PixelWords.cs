using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// Some channels of a row of two- or four-channel pixels copied as one masked blend per vector instead of a loop per
/// sample: the mask has 0xFF in each byte of a channel to copy, repeated pixel after pixel.
/// </summary>
internal static class PixelWords
{
    /// <summary>
    /// Copies the channels not selected from <paramref name="source"/> into <paramref name="destination"/>, pixel for
    /// pixel; false (nothing done) when a pixel's bytes do not divide a vector's or vectors are not accelerated.
    /// </summary>
    public static bool TryCopyChannels<T>(ReadOnlySpan<T> source, Span<T> destination, int channels, bool[] selected)
        where T : unmanaged
    {
        int sampleBytes = Unsafe.SizeOf<T>();
        int pixelBytes = channels * sampleBytes;
        if (!Vector.IsHardwareAccelerated || Vector<byte>.Count % pixelBytes != 0 || (channels != 2 && channels != 4))
        {
            return false;
        }

        // The mask of one vector: 0xFF in every byte of a channel to copy, pixel after pixel.
        Span<byte> pattern = stackalloc byte[Vector<byte>.Count];
        for (int i = 0; i < pattern.Length; i++)
        {
            pattern[i] = selected[i % pixelBytes / sampleBytes] ? (byte)0 : byte.MaxValue;
        }

        Blend(MemoryMarshal.AsBytes(source), MemoryMarshal.AsBytes(destination), pattern);
        return true;
    }

    [MethodImpl(Jit.HotLoop)]
    private static void Blend(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> pattern)
    {
        Vector<byte> mask = VectorMemory.Load(pattern, 0);
        int i = 0;
        for (; i <= destination.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            VectorMemory.Store(Vector.ConditionalSelect(mask, VectorMemory.Load(source, i), VectorMemory.Load(destination, i)), destination, i);
        }

        for (; i < destination.Length; i++)
        {
            byte copy = pattern[i % pattern.Length];
            destination[i] = (byte)((source[i] & copy) | (destination[i] & ~copy));
        }
    }
}
