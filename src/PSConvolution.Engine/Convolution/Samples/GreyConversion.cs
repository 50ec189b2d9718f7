using System;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// The grey of 8-bit RGB pixels, 0.299 R + 0.587 G + 0.114 B in single precision (products and sums in that order)
/// rounded to the nearest level with ties to even, many pixels a step where the runtime has the vector instructions;
/// callers convert the pixels left over one at a time with the same arithmetic.
/// </summary>
internal static partial class GreyConversion
{
    /// <summary>BT.601's weights, as OpenCV's and Pillow's colour-to-grey conversions use.</summary>
    public const float Red = 0.299f;

    /// <inheritdoc cref="Red"/>
    public const float Green = 0.587f;

    /// <inheritdoc cref="Red"/>
    public const float Blue = 0.114f;

    /// <summary>Converts the first pixels of an RGB row, a whole number of steps; returns how many (0 without vectors).</summary>
    public static int RgbBytes(ReadOnlySpan<byte> rgb, Span<byte> grey)
    {
        int done = 0;
        RgbBytesVector128(rgb, grey, ref done);
        return done;
    }

    // SSSE3 and SSE4.1: sixteen pixels a step (net8.0 only; removed where not implemented).
    static partial void RgbBytesVector128(ReadOnlySpan<byte> rgb, Span<byte> grey, ref int done);
}
