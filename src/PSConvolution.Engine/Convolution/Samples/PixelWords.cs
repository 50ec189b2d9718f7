using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// Some channels of a row of pixels copied as one masked blend per vector instead of a loop per sample: the mask has
/// 0xFF in each byte of a channel to copy, repeated pixel after pixel. Where a pixel's bytes divide a vector's (two or
/// four channels, or one), one mask serves every vector; three-channel pixels (3, 6 or 12 bytes) repeat every three
/// vectors, so three masks take turns. Where AVX-512 is there the vectors are 512-bit (<see cref="BlendWide"/>), as
/// Vector&lt;T&gt; stays 256-bit on such machines.
/// </summary>
internal static partial class PixelWords
{
    /// <summary>The most vectors the masks' pattern may span before it repeats.</summary>
    private const int MaximumPeriod = 3;

    /// <summary>The widest vector a form here uses, in bytes.</summary>
    private const int WidestVector = 64;

    /// <summary>
    /// Copies the channels not selected from <paramref name="source"/> into <paramref name="destination"/>, pixel for
    /// pixel; false (nothing done) when the pattern of a pixel's bytes spans more than three vectors, vectors are
    /// not accelerated, or the source is shorter than the destination.
    /// </summary>
    public static bool TryCopyChannels<T>(ReadOnlySpan<T> source, Span<T> destination, int channels, bool[] selected)
        where T : unmanaged
    {
        int sampleBytes = Unsafe.SizeOf<T>();
        int pixelBytes = channels * sampleBytes;
        if (!Vector.IsHardwareAccelerated || source.Length < destination.Length)
        {
            return false;
        }

        int vectorBytes = WideVectorBytes() is int wide and > 0 ? wide : Vector<byte>.Count;

        // The pattern repeats every lcm(pixel, vector) bytes, pixel / gcd(pixel, vector) vectors; a vector's bytes are a
        // power of two, so the gcd is the pixel's largest power-of-two factor, at most the vector.
        int period = pixelBytes / Math.Min(pixelBytes & -pixelBytes, vectorBytes);
        if (period > MaximumPeriod || vectorBytes > WidestVector)
        {
            return false;
        }

        // The masks of one period: 0xFF in every byte of a channel to copy, pixel after pixel. A period is whole pixels,
        // so one pixel's mask is made and repeated (a division for each byte cost as much as the blends of a row).
        Span<byte> pattern = stackalloc byte[MaximumPeriod * WidestVector];
        pattern = pattern.Slice(0, period * vectorBytes);
        Span<byte> pixel = pattern.Slice(0, pixelBytes);
        for (int c = 0; c < channels; c++)
        {
            pixel.Slice(c * sampleBytes, sampleBytes).Fill(selected[c] ? (byte)0 : byte.MaxValue);
        }

        for (int i = pixelBytes; i < pattern.Length; i += pixelBytes)
        {
            pixel.CopyTo(pattern.Slice(i));
        }

        ReadOnlySpan<byte> from = MemoryMarshal.AsBytes(source);
        Span<byte> to = MemoryMarshal.AsBytes(destination);
        int done = 0;
        if (vectorBytes == Vector<byte>.Count)
        {
            done = Blend(from, to, pattern, period);
        }
        else
        {
            BlendWide(from, to, pattern, period, ref done);
        }

        Rest(from, to, pattern, done);
        return true;
    }

    // The bytes of the widest vectors the machine has where a form of BlendWide takes them; 0 where Vector<T> is the
    // widest, or the build has no such form.
    private static int WideVectorBytes()
    {
        int bytes = 0;
        WideVectorBytes(ref bytes);
        return bytes;
    }

    static partial void WideVectorBytes(ref int bytes);

    // Blend's loop in vectors of WideVectorBytes; done is the bytes it blended.
    static partial void BlendWide(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> pattern, int period, ref int done);

    // Whole periods of one to three Vector<T> masks in turn, then the whole vectors left (fewer than a period, so
    // each takes the mask of its place). Returns the bytes blended. The caller has checked that source is at least
    // as long as destination, so the loads stay inside both.
    [MethodImpl(Jit.HotLoop)]
    private static int Blend(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> pattern, int period)
    {
        int n = Vector<byte>.Count;
        Vector<byte> m0 = VectorMemory.Load(pattern, 0);
        Vector<byte> m1 = period > 1 ? VectorMemory.Load(pattern, n) : m0;
        Vector<byte> m2 = period > 1 ? VectorMemory.Load(pattern, 2 * n) : m0;
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int length = destination.Length;
        int i = 0;
        for (; i <= length - (3 * n); i += 3 * n)
        {
            VectorMemory.StoreUnsafe(Vector.ConditionalSelect(m0, VectorMemory.LoadUnsafe(ref src, i), VectorMemory.LoadUnsafe(ref dst, i)), ref dst, i);
            VectorMemory.StoreUnsafe(Vector.ConditionalSelect(m1, VectorMemory.LoadUnsafe(ref src, i + n), VectorMemory.LoadUnsafe(ref dst, i + n)), ref dst, i + n);
            VectorMemory.StoreUnsafe(Vector.ConditionalSelect(m2, VectorMemory.LoadUnsafe(ref src, i + (2 * n)), VectorMemory.LoadUnsafe(ref dst, i + (2 * n))), ref dst, i + (2 * n));
        }

        // Three vectors are one period of three masks, or three of one; fewer than three remain.
        if (i <= length - n)
        {
            VectorMemory.StoreUnsafe(Vector.ConditionalSelect(m0, VectorMemory.LoadUnsafe(ref src, i), VectorMemory.LoadUnsafe(ref dst, i)), ref dst, i);
            i += n;
            if (i <= length - n)
            {
                VectorMemory.StoreUnsafe(Vector.ConditionalSelect(m1, VectorMemory.LoadUnsafe(ref src, i), VectorMemory.LoadUnsafe(ref dst, i)), ref dst, i);
                i += n;
            }
        }

        return i;
    }

    // The bytes from start on, one at a time: fewer than a vector remain, and start is a whole number of vectors in,
    // so the pattern lines up from start's place in the period.
    private static void Rest(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> pattern, int start)
    {
        for (int i = start, p = start % pattern.Length; i < destination.Length; i++, p++)
        {
            byte copy = pattern[p];
            destination[i] = (byte)((source[i] & copy) | (destination[i] & ~copy));
        }
    }
}
