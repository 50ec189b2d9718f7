using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// Some channels of a row of pixels copied as one masked blend per vector instead of a loop per sample: the mask has
/// 0xFF in each byte of a channel to copy, repeated pixel after pixel. Where a pixel's bytes divide a vector's (two or
/// four channels, or one), one mask serves every vector; three-channel pixels (3, 6 or 12 bytes) repeat every three
/// vectors, so three masks take turns.
/// </summary>
internal static class PixelWords
{
    /// <summary>The most vectors the masks' pattern may span before it repeats.</summary>
    private const int MaximumPeriod = 3;

    /// <summary>
    /// Copies the channels not selected from <paramref name="source"/> into <paramref name="destination"/>, pixel for
    /// pixel; false (nothing done) when the pattern of a pixel's bytes spans more than three vectors or vectors are
    /// not accelerated.
    /// </summary>
    public static bool TryCopyChannels<T>(ReadOnlySpan<T> source, Span<T> destination, int channels, bool[] selected)
        where T : unmanaged
    {
        int sampleBytes = Unsafe.SizeOf<T>();
        int pixelBytes = channels * sampleBytes;

        // The pattern repeats every lcm(pixel, vector) bytes, pixel / gcd(pixel, vector) vectors; a vector's bytes are a
        // power of two, so the gcd is the pixel's largest power-of-two factor, at most the vector.
        int period = pixelBytes / Math.Min(pixelBytes & -pixelBytes, Vector<byte>.Count);
        if (!Vector.IsHardwareAccelerated || period > MaximumPeriod)
        {
            return false;
        }

        // The masks of one period: 0xFF in every byte of a channel to copy, pixel after pixel.
        Span<byte> pattern = stackalloc byte[MaximumPeriod * Vector<byte>.Count];
        pattern = pattern.Slice(0, period * Vector<byte>.Count);
        for (int i = 0; i < pattern.Length; i++)
        {
            pattern[i] = selected[i % pixelBytes / sampleBytes] ? (byte)0 : byte.MaxValue;
        }

        if (period == 1)
        {
            Blend(MemoryMarshal.AsBytes(source), MemoryMarshal.AsBytes(destination), pattern);
        }
        else
        {
            BlendThree(MemoryMarshal.AsBytes(source), MemoryMarshal.AsBytes(destination), pattern);
        }

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

        Rest(source, destination, pattern, i);
    }

    // Three masks in turn; the last 0 to 3 vectors' bytes, fewer than a period, one at a time.
    [MethodImpl(Jit.HotLoop)]
    private static void BlendThree(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> pattern)
    {
        int n = Vector<byte>.Count;
        Vector<byte> m0 = VectorMemory.Load(pattern, 0), m1 = VectorMemory.Load(pattern, n), m2 = VectorMemory.Load(pattern, 2 * n);
        int i = 0;
        for (; i <= destination.Length - (3 * n); i += 3 * n)
        {
            VectorMemory.Store(Vector.ConditionalSelect(m0, VectorMemory.Load(source, i), VectorMemory.Load(destination, i)), destination, i);
            VectorMemory.Store(Vector.ConditionalSelect(m1, VectorMemory.Load(source, i + n), VectorMemory.Load(destination, i + n)), destination, i + n);
            VectorMemory.Store(Vector.ConditionalSelect(m2, VectorMemory.Load(source, i + (2 * n)), VectorMemory.Load(destination, i + (2 * n))), destination, i + (2 * n));
        }

        Rest(source, destination, pattern, i);
    }

    // The bytes from start on, one at a time (start is a whole number of periods in, so the pattern lines up).
    private static void Rest(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> pattern, int start)
    {
        for (int i = start; i < destination.Length; i++)
        {
            byte copy = pattern[i % pattern.Length];
            destination[i] = (byte)((source[i] & copy) | (destination[i] & ~copy));
        }
    }
}
