using System;
using System.Runtime.CompilerServices;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>
/// Builds one padded row: the source row (or, for index <c>height</c>, the constant border row) extended to the
/// kernel's reach through the column map's runs, so the convolution loops never test for an edge.
/// </summary>
internal static class RowPadding
{
    /// <summary>
    /// One padded row of <paramref name="source"/>; the constant border is <paramref name="borderPixel"/>: a pixel
    /// whose channels may differ (a premultiplied border), or one value for every sample.
    /// </summary>
    public static void Fill<TSource, TTarget>(ReadOnlyMemory<TSource> source, int width, int height, int channels, int row, KernelSamplingMap columns, ReadOnlySpan<TTarget> borderPixel, Span<TTarget> padded, SampleWidener<TSource, TTarget> widen)
        => Fill(source, width, height, channels, row, columns, borderPixel, padded, widen, 0, columns.PaddedLength);

    /// <summary>
    /// Padded positions [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of one padded
    /// row of <paramref name="source"/>, into the start of <paramref name="padded"/>: a part of what
    /// <see cref="Fill{TSource, TTarget}(ReadOnlyMemory{TSource}, int, int, int, int, KernelSamplingMap, ReadOnlySpan{TTarget}, Span{TTarget}, SampleWidener{TSource, TTarget})"/>
    /// writes, for a pass that works through a row a few columns of tiles at a time.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Fill<TSource, TTarget>(ReadOnlyMemory<TSource> source, int width, int height, int channels, int row, KernelSamplingMap columns, ReadOnlySpan<TTarget> borderPixel, Span<TTarget> padded, SampleWidener<TSource, TTarget> widen, int first, int count)
    {
        if (row == height)
        {
            FillPixels(padded.Slice(0, count * channels), borderPixel);
            return;
        }

        var runs = new WidenedRow<TSource, TTarget>(source.Slice(row * width * channels, width * channels), channels, widen);
        Fill(width, channels, columns, borderPixel, padded, ref runs, first, count);
    }

    /// <summary>
    /// The padded row from any source of runs: each run of image columns comes from <paramref name="runs"/>, each
    /// column beyond the image (the constant border) is <paramref name="borderPixel"/>.
    /// </summary>
    public static void Fill<TTarget, TRuns>(int width, int channels, KernelSamplingMap columns, ReadOnlySpan<TTarget> borderPixel, Span<TTarget> padded, ref TRuns runs)
        where TRuns : struct, IPaddedRunSource<TTarget>
        => Fill(width, channels, columns, borderPixel, padded, ref runs, 0, columns.PaddedLength);

    /// <summary>
    /// Padded positions [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of the padded
    /// row from any source of runs, into the start of <paramref name="padded"/>.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Fill<TTarget, TRuns>(int width, int channels, KernelSamplingMap columns, ReadOnlySpan<TTarget> borderPixel, Span<TTarget> padded, ref TRuns runs, int first, int count)
        where TRuns : struct, IPaddedRunSource<TTarget>
    {
        int end = first + count;
        foreach ((int start, int column, int length) in columns.Runs)
        {
            int from = Math.Max(start, first);
            int to = Math.Min(start + length, end);
            if (from >= to)
            {
                continue;
            }

            // A run's positions hold consecutive columns, so its part from `from` on starts that many columns later.
            Span<TTarget> target = padded.Slice((from - first) * channels, (to - from) * channels);
            if (column < width)
            {
                runs.Fill(column + (from - start), target);
            }
            else
            {
                FillPixels(target, borderPixel);
            }
        }
    }

    /// <summary>
    /// The padded row of any source of runs (<c>Fill</c>) for four rows at once, row k of <paramref name="padded"/> at
    /// <c>k × pitch</c>: each run of image columns from <paramref name="pass"/>, or copied from where another run
    /// computed the same columns (<c>From</c>, see <see cref="RunSources"/>); each column of the
    /// constant border <paramref name="borderColumn"/> in all four.
    /// </summary>
    public static void FillFour<TTarget, TPass>(int width, int channels, (int Start, int Source, int Length, int From)[] runs, TTarget borderColumn, Span<TTarget> padded, int pitch, ref TPass pass)
        where TPass : struct, IFourRowRunSource<TTarget>
    {
        foreach ((int start, int column, int length, int from) in runs)
        {
            Span<TTarget> run = padded.Slice(start * channels);
            if (column >= width)
            {
                for (int k = 0; k < 4; k++)
                {
                    run.Slice(k * pitch, length * channels).Fill(borderColumn);
                }
            }
            else if (from < 0)
            {
                pass.Fill(column * channels, run, pitch, length * channels);
            }
        }

        foreach ((int start, _, int length, int from) in runs)
        {
            if (from < 0)
            {
                continue;
            }

            for (int k = 0; k < 4; k++)
            {
                padded.Slice((k * pitch) + (from * channels), length * channels).CopyTo(padded.Slice((k * pitch) + (start * channels)));
            }
        }
    }

    /// <summary>
    /// The kh + 3 source rows of output rows y to y + 3 (not strided) as row starts, for a four-row vertical pass;
    /// false when one is the constant border's, whose rows a single-row pass folds into a constant.
    /// </summary>
    public static bool BlockRowStarts(KernelSamplingMap rows, int y, int kh, int height, int stride, int[] rowStarts)
    {
        for (int i = 0; i < kh + 3; i++)
        {
            int r = rows.Indices[y + i];
            if (r == height)
            {
                return false;
            }

            rowStarts[i] = r * stride;
        }

        return true;
    }

    /// <summary>
    /// The padded positions' runs of image columns (see <see cref="KernelSamplingMap.Runs"/>), each with the padded
    /// position where the longest run holding the same columns starts them (<c>From</c>), or -1 for that run itself
    /// and for the constant border. Replicate, Reflect and Wrap pad a row with columns its main run computes anyway;
    /// a copy of those few samples saves the vertical pass a call over every row for each of them.
    /// </summary>
    public static (int Start, int Source, int Length, int From)[] RunSources(KernelSamplingMap columns, int width)
    {
        var runs = columns.Runs;
        var result = new (int Start, int Source, int Length, int From)[runs.Length];
        for (int i = 0; i < runs.Length; i++)
        {
            (int start, int source, int length) = runs[i];
            int donor = i;
            for (int j = 0; source < width && j < runs.Length; j++)
            {
                (_, int other, int otherLength) = runs[j];
                bool holds = other < width && other <= source && source + length <= other + otherLength;
                if (holds && (otherLength > runs[donor].Length || (otherLength == runs[donor].Length && j < donor)))
                {
                    donor = j;
                }
            }

            result[i] = (start, source, length, donor == i ? -1 : runs[donor].Start + (source - runs[donor].Source));
        }

        return result;
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

    /// <summary>Runs of one stored row, widened sample by sample.</summary>
    private readonly struct WidenedRow<TSource, TTarget> : IPaddedRunSource<TTarget>
    {
        private readonly ReadOnlyMemory<TSource> row;
        private readonly int channels;
        private readonly SampleWidener<TSource, TTarget> widen;

        public WidenedRow(ReadOnlyMemory<TSource> row, int channels, SampleWidener<TSource, TTarget> widen)
        {
            this.row = row;
            this.channels = channels;
            this.widen = widen;
        }

        [MethodImpl(Jit.HotLoop)]
        public void Fill(int column, Span<TTarget> target) => widen(row.Span.Slice(column * channels, target.Length), target);
    }
}
