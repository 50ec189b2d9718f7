using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Float;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Fourier;

/// <summary>
/// Runs a <see cref="FourierPlan"/>: a group of a few tiles of one row of tiles at a time (in parallel across
/// groups); the padded rows the tiles read are built as for the float path, so every border mode is the float
/// path's; each tile's sums at stride 1 are kept, every stride-th of them compacted and stored as the float path
/// stores them.
/// </summary>
internal static class FourierPath
{
    /// <summary>Every output row of the plan's step.</summary>
    public static void Run<T>(ReadOnlyMemory<T> source, int width, int height, int channels, Memory<T> destination, FourierPlan plan, SampleWidener<T, float> widen, ParallelOptions parallel)
        where T : unmanaged
    {
        if (plan.DoublePrecision)
        {
            Run<T, double>(source, width, height, channels, destination, plan, widen, parallel);
        }
        else
        {
            Run<T, float>(source, width, height, channels, destination, plan, widen, parallel);
        }
    }

    // Tiles transformed in TCalc (float or double).
    private static void Run<T, TCalc>(ReadOnlyMemory<T> source, int width, int height, int channels, Memory<T> destination, FourierPlan plan, SampleWidener<T, float> widen, ParallelOptions parallel)
        where T : unmanaged
        where TCalc : unmanaged
    {
        // The transform and the kernel's spectrum, made once before the workers start.
        plan.Prepare();
        int bands = (plan.Rows.OutputLength + plan.RowsPerTile - 1) / plan.RowsPerTile;
        int tilesAcross = (plan.Columns.ComputedLength + plan.ColumnsPerTile - 1) / plan.ColumnsPerTile;
        int groups = (tilesAcross + GroupTiles - 1) / GroupTiles;

        // One worker per thread, each with its own buffers, taking the next work item until none is left. An item is
        // half of a row of tiles (its groups of tiles left to right), the left halves of every row first. With whole
        // rows (27 of them for K5 on a 12 MP photo) one of two workers did a row more than the other. With single
        // groups in order along a row, two workers stored neighbouring groups of one row at once, sharing a cache line
        // at their boundary in every output row; taken row after row instead, each group would read its source columns
        // apart from the ones before them. In halves a worker reads along its rows in order, and workers taking
        // consecutive items store into different rows.
        int halves = Math.Min(2, groups);
        int items = bands * halves;
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int workers = Math.Min(threads, items);
        int next = -1;
        void Work(int worker)
        {
            using var scratch = new Scratch<TCalc>(plan);
            for (int i = Interlocked.Increment(ref next); i < items; i = Interlocked.Increment(ref next))
            {
                int band = i % bands, half = i / bands;
                int end = (groups * (half + 1)) / halves;
                for (int g = (groups * half) / halves; g < end; g++)
                {
                    parallel.CancellationToken.ThrowIfCancellationRequested();
                    Group(source, width, height, channels, destination, plan, widen, band, g * GroupTiles, scratch);
                }
            }
        }

        if (workers == 1)
        {
            Work(0);
        }
        else
        {
            Parallel.For(0, workers, parallel, Work);
        }
    }

    /// <summary>
    /// Tiles across in one work item: a row of tiles is padded, transformed and stored this many tiles across at a
    /// time. The padded rows of a whole row of tiles (positions × padded columns × channels: 6 MB for a 4,000-pixel RGB
    /// row of 128-row tiles) were written long before its last tiles read them, and its sums (5.5 MB) kept until its
    /// last tile was done; a group's are read back while they are still in cache. An even number, so a group's
    /// channels fill whole complex tiles (only a last group of one tile may leave half of one empty).
    /// </summary>
    private const int GroupTiles = 2;

    // Output rows [band × RowsPerTile, ...) of the output columns whose anchors tiles [t0, t0 + GroupTiles) yield.
    [MethodImpl(Jit.HotLoop)]
    private static void Group<T, TCalc>(ReadOnlyMemory<T> source, int width, int height, int channels, Memory<T> destination, FourierPlan plan, SampleWidener<T, float> widen, int band, int t0, Scratch<TCalc> scratch)
        where T : unmanaged
        where TCalc : unmanaged
    {
        KernelSamplingMap rows = plan.Rows;
        KernelSamplingMap columns = plan.Columns;
        int n = plan.Size;
        int y0 = band * plan.RowsPerTile;
        int count = Math.Min(plan.RowsPerTile, rows.OutputLength - y0);
        int first = y0 * rows.Stride;
        int positions = ((count - 1) * rows.Stride) + plan.Step.Matrices[0].Height;
        int computed = columns.ComputedLength;
        int convolved = plan.Convolved.Length;
        int t1 = Math.Min((computed + plan.ColumnsPerTile - 1) / plan.ColumnsPerTile, t0 + GroupTiles);
        TCalc[] re = scratch.Real;
        TCalc[] im = scratch.Imaginary;
        TileTransform<TCalc> transform = plan.Transform<TCalc>();

        // The padded columns the group's tiles read, split into a plane per channel.
        int start = t0 * plan.ColumnsPerTile;
        var group = new TileGroup(start, Math.Min(columns.PaddedLength, ((t1 - 1) * plan.ColumnsPerTile) + n) - start);
        Span<float> row = scratch.Row.AsSpan(0, group.Columns * channels);
        for (int p = 0; p < positions; p++)
        {
            RowPadding.Fill(source, width, height, channels, rows.Indices[first + p], columns, scratch.BorderPixel, row, widen, group.First, group.Columns);
            PlanarSamples.Split<TCalc>(row, channels, group.Columns, plan.Centre, scratch.Planes.AsSpan(p * scratch.GroupColumns), scratch.PlaneLength);
        }

        // The tiles' channels, two to a complex tile: a tile's last odd channel pairs with the next tile's first.
        int end = t1 * convolved;
        for (int i = t0 * convolved; i < end; i += 2)
        {
            Load(plan, scratch, positions, group, i, re);
            if (i + 1 < end)
            {
                Load(plan, scratch, positions, group, i + 1, im);
            }
            else
            {
                Array.Clear(im, 0, n * n);
            }

            transform.Forward(re, im);
            Multiply(re, im, plan.SpectrumReal<TCalc>(), plan.SpectrumImaginary<TCalc>());
            transform.Inverse(re, im);
            Keep(plan, scratch, re, group, i, count);
            if (i + 1 < end)
            {
                Keep(plan, scratch, im, group, i + 1, count);
            }
        }

        // The output pixels whose anchors fall in the computed columns the group's tiles yield (every stride-th
        // computed column is an output pixel's), and their unselected channels from the source: only these pixels of
        // each row, as other workers store the others.
        int stride = columns.Stride;
        int yielded = Math.Min(computed, t1 * plan.ColumnsPerTile);
        int o0 = (start + stride - 1) / stride;
        int o1 = (yielded + stride - 1) / stride;
        if (o1 <= o0)
        {
            return;
        }

        Span<float> acc = scratch.Row.AsSpan(0, (yielded - (o0 * stride)) * channels);
        int outWidth = columns.OutputLength;
        for (int q = 0; q < count; q++)
        {
            PlanarSamples.Merge<TCalc>(scratch.Sums.AsSpan((q * scratch.GroupComputed) + (o0 * stride) - start), scratch.SumLength, channels, yielded - (o0 * stride), plan.CentreSum, acc);
            if (stride > 1)
            {
                OutputRows.Compact(acc, o1 - o0, stride, channels);
            }

            Span<T> dst = destination.Span.Slice((y0 + q) * outWidth * channels, outWidth * channels);
            FloatPath.StoreSamples(plan.Step, channels, acc.Slice(0, (o1 - o0) * channels), dst.Slice(o0 * channels));
            OutputRows.CopyUnselected(source.Span, width, channels, y0 + q, rows, columns, plan.Step.Selected, dst, o0, o1 - o0);
        }
    }

    // Work item i's tile: the columns of tile i / (channels transformed) in the plane of channel
    // Convolved[i mod that], with zeros past the padded rows and columns (only sums never kept read them).
    [MethodImpl(Jit.HotLoop)]
    private static void Load<TCalc>(FourierPlan plan, Scratch<TCalc> scratch, int positions, TileGroup group, int item, TCalc[] tile)
        where TCalc : unmanaged
    {
        int n = plan.Size;
        int start = (item / plan.Convolved.Length * plan.ColumnsPerTile) - group.First;
        int c = plan.Convolved[item % plan.Convolved.Length];
        int across = Math.Min(n, group.Columns - start);
        for (int r = 0; r < positions; r++)
        {
            Span<TCalc> target = tile.AsSpan(r * n, n);
            scratch.Planes.AsSpan((c * scratch.PlaneLength) + (r * scratch.GroupColumns) + start, across).CopyTo(target);
            target.Slice(across).Clear();
        }

        Array.Clear(tile, positions * n, (n - positions) * n);
    }

    // The kept sums of work item i into its channel's plane of the group's sums: every stride-th row of the tile's
    // first RowsPerTile × stride rows, and its first ColumnsPerTile columns.
    [MethodImpl(Jit.HotLoop)]
    private static void Keep<TCalc>(FourierPlan plan, Scratch<TCalc> scratch, TCalc[] tile, TileGroup group, int item, int count)
        where TCalc : unmanaged
    {
        int n = plan.Size;
        int start = item / plan.Convolved.Length * plan.ColumnsPerTile;
        int c = plan.Convolved[item % plan.Convolved.Length];
        int across = Math.Min(plan.ColumnsPerTile, plan.Columns.ComputedLength - start);
        for (int q = 0; q < count; q++)
        {
            tile.AsSpan(q * plan.Rows.Stride * n, across).CopyTo(scratch.Sums.AsSpan((c * scratch.SumLength) + (q * scratch.GroupComputed) + start - group.First, across));
        }
    }

    // The tile's spectrum times the kernel's, point by point. A tile's side is a power of two of at least two
    // vectors, so vectors cover it exactly (software vectors where the hardware has none).
    [MethodImpl(Jit.HotLoop)]
    private static void Multiply<TCalc>(TCalc[] re, TCalc[] im, TCalc[] kr, TCalc[] ki)
        where TCalc : unmanaged
    {
        for (int i = 0; i < kr.Length; i += Vector<TCalc>.Count)
        {
            Vector<TCalc> ar = VectorMemory.Load<TCalc>(re, i);
            Vector<TCalc> ai = VectorMemory.Load<TCalc>(im, i);
            Vector<TCalc> br = VectorMemory.Load<TCalc>(kr, i);
            Vector<TCalc> bi = VectorMemory.Load<TCalc>(ki, i);
            VectorMemory.Store((ar * br) - (ai * bi), re, i);
            VectorMemory.Store((ar * bi) + (ai * br), im, i);
        }
    }

    /// <summary>The padded columns a group of tiles reads: from <paramref name="First"/>, <paramref name="Columns"/> of them.</summary>
    private readonly record struct TileGroup(int First, int Columns);

    /// <summary>
    /// One worker's buffers: a padded row, the padded rows of a group of tiles and their sums (a plane per channel),
    /// and one complex tile.
    /// </summary>
    private sealed class Scratch<TCalc> : IDisposable
        where TCalc : unmanaged
    {
        public Scratch(FourierPlan plan)
        {
            int n = plan.Size;
            int channels = plan.Channels;
            int positions = Math.Min(n, ((plan.RowsPerTile - 1) * plan.Rows.Stride) + plan.Step.Matrices[0].Height);
            GroupColumns = Math.Min(plan.Columns.PaddedLength, ((GroupTiles - 1) * plan.ColumnsPerTile) + n);
            PlaneLength = positions * GroupColumns;
            GroupComputed = GroupTiles * plan.ColumnsPerTile;
            SumLength = plan.RowsPerTile * GroupComputed;
            Row = ArrayPool<float>.Shared.Rent(plan.Columns.PaddedLength * channels);
            Planes = ArrayPool<TCalc>.Shared.Rent(channels * PlaneLength);
            Sums = ArrayPool<TCalc>.Shared.Rent(channels * SumLength);
            Real = ArrayPool<TCalc>.Shared.Rent(n * n);
            Imaginary = ArrayPool<TCalc>.Shared.Rent(n * n);
            BorderPixel = FloatPlan.BorderPixelOf(plan.Step, channels);

            // Unselected channels' sums are never computed, and their stored samples are copied from the source.
            Sums.AsSpan(0, channels * SumLength).Clear();
        }

        /// <summary>Padded columns a group of tiles reads at most: the pitch of the planes' rows.</summary>
        public int GroupColumns { get; }

        /// <summary>Samples in one channel's plane of a group's padded rows.</summary>
        public int PlaneLength { get; }

        /// <summary>Computed columns a group of tiles yields at most: the pitch of the sums' rows.</summary>
        public int GroupComputed { get; }

        /// <summary>Samples in one channel's plane of a group's sums.</summary>
        public int SumLength { get; }

        public float[] Row { get; }

        public TCalc[] Planes { get; }

        public TCalc[] Sums { get; }

        public TCalc[] Real { get; }

        public TCalc[] Imaginary { get; }

        public float[] BorderPixel { get; }

        public void Dispose()
        {
            ArrayPool<float>.Shared.Return(Row);
            ArrayPool<TCalc>.Shared.Return(Planes);
            ArrayPool<TCalc>.Shared.Return(Sums);
            ArrayPool<TCalc>.Shared.Return(Real);
            ArrayPool<TCalc>.Shared.Return(Imaginary);
        }
    }
}
