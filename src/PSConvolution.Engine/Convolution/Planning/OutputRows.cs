using System;
using System.Runtime.CompilerServices;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>What every path does to a finished output row: strided columns moved to the front, unselected channels copied.</summary>
internal static class OutputRows
{
    /// <summary>Keeps every stride-th pixel of a row computed at stride 1, moving them to the front.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Compact<TSample>(Span<TSample> acc, int outWidth, int stride, int channels)
    {
        // Sample by sample: a copy call for each pixel's few samples cost more than the samples (pixels move only
        // towards the front, so none is overwritten before it is read).
        for (int x = 1; x < outWidth; x++)
        {
            int to = x * channels, from = x * stride * channels;
            for (int c = 0; c < channels; c++)
            {
                acc[to + c] = acc[from + c];
            }
        }
    }

    // Channels not selected keep the sample under each output pixel's anchor.
    public static void CopyUnselected<T>(ReadOnlySpan<T> source, int width, int channels, int y, KernelSamplingMap rows, KernelSamplingMap columns, bool[] selected, Span<T> destination)
        where T : unmanaged
        => CopyUnselected(source, width, channels, y, rows, columns, selected, destination, 0, columns.OutputLength);

    // The same for output pixels [first, first + count) of the row, whose others it leaves alone: a pass may store
    // parts of one row on different threads.
    [MethodImpl(Jit.HotLoop)]
    public static void CopyUnselected<T>(ReadOnlySpan<T> source, int width, int channels, int y, KernelSamplingMap rows, KernelSamplingMap columns, bool[] selected, Span<T> destination, int first, int count)
        where T : unmanaged
    {
        bool all = true;
        foreach (bool s in selected)
        {
            all &= s;
        }

        if (all)
        {
            return;
        }

        int sy = (y * rows.Stride) + rows.CentreOffset;
        ReadOnlySpan<T> src = source.Slice(sy * width * channels, width * channels);
        if (columns.Stride == 1 && PixelWords.TryCopyChannels(src.Slice((first + columns.CentreOffset) * channels, count * channels), destination.Slice(first * channels, count * channels), channels, selected))
        {
            return;
        }

        for (int c = 0; c < channels; c++)
        {
            if (selected[c])
            {
                continue;
            }

            for (int x = first; x < first + count; x++)
            {
                destination[(x * channels) + c] = src[(((x * columns.Stride) + columns.CentreOffset) * channels) + c];
            }
        }
    }
}
