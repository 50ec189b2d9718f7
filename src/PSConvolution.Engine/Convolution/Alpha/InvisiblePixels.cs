using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>Pixels whose whole window is invisible: their selected colour channels are the bias alone, alpha and the rest kept.</summary>
internal static class InvisiblePixels
{
    // Sets the selected colour channels of whole pixels to the bias alone, keeping alpha and the others.
    public static void Fill(Span<byte> pixels, int n, bool[] selected, byte invisible, uint keep, uint fill)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && n is 2 or 4)
        {
            for (; i <= pixels.Length - (Vector<byte>.Count * n); i += Vector<byte>.Count * n)
            {
                ClearInvisible(pixels.Slice(i, Vector<byte>.Count * n), n, new Vector<byte>(byte.MaxValue), keep, fill);
            }
        }

        for (; i < pixels.Length; i += n)
        {
            for (int c = 0; c < n - 1; c++)
            {
                if (selected[c])
                {
                    pixels[i + c] = invisible;
                }
            }
        }
    }

    // For one pixel of n bytes: the bits to keep (alpha, channels not selected) and the bits to set where every
    // sample under the kernel is invisible (the selected colour channels, at the bias).
    public static (uint Keep, uint Fill) Masks(int n, bool[] selected, byte invisible)
    {
        uint keep = 0;
        uint fill = 0;
        for (int c = 0; c < n; c++)
        {
            if (c < n - 1 && selected[c])
            {
                fill |= (uint)invisible << (8 * c);
            }
            else
            {
                keep |= 0xFFu << (8 * c);
            }
        }

        return (keep, fill);
    }

    [MethodImpl(Jit.HotLoop)]
    private static void ClearInvisible(Span<byte> pixels, int n, Vector<byte> empty, uint keep, uint fill)
    {
        // Widened as signed values, so a lane of all ones stays all ones (zero extension would keep only the low byte).
        Vector.Widen(Vector.AsVectorSByte(empty), out Vector<short> e0, out Vector<short> e1);
        if (n == 2)
        {
            Span<ushort> words = MemoryMarshal.Cast<byte, ushort>(pixels);
            var keepWords = new Vector<ushort>((ushort)keep);
            var fillWords = new Vector<ushort>((ushort)fill);
            int m = Vector<ushort>.Count;
            Blend(words.Slice(0, m), Vector.AsVectorUInt16(e0), keepWords, fillWords);
            Blend(words.Slice(m, m), Vector.AsVectorUInt16(e1), keepWords, fillWords);
            return;
        }

        Span<uint> pixelWords = MemoryMarshal.Cast<byte, uint>(pixels);
        Vector.Widen(e0, out Vector<int> q0, out Vector<int> q1);
        Vector.Widen(e1, out Vector<int> q2, out Vector<int> q3);
        var keepPixels = new Vector<uint>(keep);
        var fillPixels = new Vector<uint>(fill);
        int count = Vector<uint>.Count;
        Blend(pixelWords.Slice(0, count), Vector.AsVectorUInt32(q0), keepPixels, fillPixels);
        Blend(pixelWords.Slice(count, count), Vector.AsVectorUInt32(q1), keepPixels, fillPixels);
        Blend(pixelWords.Slice(2 * count, count), Vector.AsVectorUInt32(q2), keepPixels, fillPixels);
        Blend(pixelWords.Slice(3 * count, count), Vector.AsVectorUInt32(q3), keepPixels, fillPixels);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend<TWord>(Span<TWord> words, Vector<TWord> where, Vector<TWord> keep, Vector<TWord> fill)
        where TWord : unmanaged
    {
        Vector<TWord> current = VectorMemory.Load<TWord>(words, 0);
        VectorMemory.Store(Vector.ConditionalSelect(where, (current & keep) | fill, current), words, 0);
    }
}
