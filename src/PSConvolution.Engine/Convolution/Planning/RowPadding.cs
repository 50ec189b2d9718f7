using System;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>Converts a run of stored samples into working samples (bytes to floats, bytes to 16-bit words, ...).</summary>
internal delegate void SampleWidener<TSource, TTarget>(ReadOnlySpan<TSource> source, Span<TTarget> target);

/// <summary>
/// Builds one padded row: the source row (or, for index <c>height</c>, the constant border row) extended to the
/// kernel's reach through the column map's runs, so the convolution loops never test for an edge.
/// </summary>
internal static class RowPadding
{
    public static void Fill<TSource, TTarget>(ReadOnlySpan<TSource> source, int width, int height, int channels, int row, KernelSamplingMap columns, TTarget border, Span<TTarget> padded, SampleWidener<TSource, TTarget> widen)
        => Fill(source, width, height, channels, row, columns, MemoryMarshal.CreateReadOnlySpan(ref border, 1), padded, widen);

    /// <summary>The same with a border pixel whose channels may differ (a premultiplied border), or one value for every sample.</summary>
    public static void Fill<TSource, TTarget>(ReadOnlySpan<TSource> source, int width, int height, int channels, int row, KernelSamplingMap columns, ReadOnlySpan<TTarget> borderPixel, Span<TTarget> padded, SampleWidener<TSource, TTarget> widen)
    {
        if (row == height)
        {
            FillPixels(padded, borderPixel);
            return;
        }

        ReadOnlySpan<TSource> src = source.Slice(row * width * channels, width * channels);
        foreach ((int start, int column, int length) in columns.Runs)
        {
            Span<TTarget> target = padded.Slice(start * channels, length * channels);
            if (column < width)
            {
                widen(src.Slice(column * channels, length * channels), target);
            }
            else
            {
                FillPixels(target, borderPixel);
            }
        }
    }

    private static void FillPixels<TTarget>(Span<TTarget> target, ReadOnlySpan<TTarget> pixel)
    {
        if (pixel.Length == 1)
        {
            target.Fill(pixel[0]);
            return;
        }

        for (int i = 0; i < target.Length; i += pixel.Length)
        {
            pixel.CopyTo(target.Slice(i, pixel.Length));
        }
    }
}
