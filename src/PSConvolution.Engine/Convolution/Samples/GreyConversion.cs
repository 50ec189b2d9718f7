using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// The grey of RGB pixels, 0.299 R + 0.587 G + 0.114 B in single precision (products and sums in that order)
/// rounded to the nearest level with ties to even, so the result equals convolving the grey image a user would save:
/// 8-bit RGB and RGBA sixteen pixels a step, and 16-bit ones eight, where the runtime has the vector instructions; the
/// rest one pixel at a time.
/// </summary>
internal static partial class GreyConversion
{
    /// <summary>BT.601's weights, as OpenCV's and Pillow's colour-to-grey conversions use.</summary>
    public const float Red = 0.299f;

    /// <inheritdoc cref="Red"/>
    public const float Green = 0.587f;

    /// <inheritdoc cref="Red"/>
    public const float Blue = 0.114f;

    /// <summary>
    /// The grey of a row of RGB or RGBA pixels (<paramref name="channels"/> 3 or 4) into grey or grey-and-alpha pixels,
    /// alpha copied; <paramref name="samples"/> holds at least the row's samples, as floats, for the pixels done one at
    /// a time.
    /// </summary>
    public static void Row<T>(ReadOnlySpan<T> row, int channels, float[] samples, Span<T> grey)
        where T : unmanaged
    {
        int done = 0;
        if (typeof(T) == typeof(byte) && channels == 3)
        {
            RgbBytesVectors(MemoryMarshal.Cast<T, byte>(row), MemoryMarshal.Cast<T, byte>(grey), ref done);
        }
        else if (typeof(T) == typeof(byte) && channels == 4)
        {
            RgbaBytesVectors(MemoryMarshal.Cast<T, byte>(row), MemoryMarshal.Cast<T, byte>(grey), ref done);
        }
        else if (typeof(T) == typeof(ushort) && channels == 3)
        {
            RgbWordsVector128(MemoryMarshal.Cast<T, ushort>(row), MemoryMarshal.Cast<T, ushort>(grey), ref done);
        }
        else if (typeof(T) == typeof(ushort) && channels == 4)
        {
            RgbaWordsVector128(MemoryMarshal.Cast<T, ushort>(row), MemoryMarshal.Cast<T, ushort>(grey), ref done);
        }

        row = row.Slice(done * channels);
        SampleConversion.ToFloat(row, samples.AsSpan(0, row.Length));
        Pixels(row, samples, channels, grey.Slice(done * (channels - 2)));
    }

    // One pixel at a time from the row's widened samples; the float rounds as Math.Round does (SampleConversion.RoundingMagic).
    [MethodImpl(Jit.HotLoop)]
    private static void Pixels<T>(ReadOnlySpan<T> row, float[] samples, int channels, Span<T> grey)
        where T : unmanaged
    {
        int outChannels = channels - 2;
        for (int x = 0, i = 0; i < row.Length; x++, i += channels)
        {
            float l = (Red * samples[i]) + (Green * samples[i + 1]) + (Blue * samples[i + 2]);
            l = (l + SampleConversion.RoundingMagic) - SampleConversion.RoundingMagic;
            if (typeof(T) == typeof(byte))
            {
                Unsafe.As<T, byte>(ref grey[x * outChannels]) = (byte)l;
            }
            else
            {
                Unsafe.As<T, ushort>(ref grey[x * outChannels]) = (ushort)l;
            }

            if (outChannels == 2)
            {
                grey[(x * 2) + 1] = row[i + 3];
            }
        }
    }

    // AVX2, else SSSE3 and SSE4.1: sixteen pixels a step (net8.0 only; removed where not implemented).
    static partial void RgbBytesVectors(ReadOnlySpan<byte> rgb, Span<byte> grey, ref int done);

    // AVX2, else SSE4.1: sixteen RGBA pixels a step into grey-and-alpha pixels (net8.0 only; removed where not
    // implemented).
    static partial void RgbaBytesVectors(ReadOnlySpan<byte> rgba, Span<byte> greyAlpha, ref int done);

    // SSSE3 and SSE4.1: eight 16-bit RGB pixels a step (net8.0 only; removed where not implemented).
    static partial void RgbWordsVector128(ReadOnlySpan<ushort> rgb, Span<ushort> grey, ref int done);

    // SSE4.1: eight 16-bit RGBA pixels a step into grey-and-alpha pixels (net8.0 only; removed where not implemented).
    static partial void RgbaWordsVector128(ReadOnlySpan<ushort> rgba, Span<ushort> greyAlpha, ref int done);
}
