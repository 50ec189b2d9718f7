using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// Separable blurs on 8-bit images whose weights are not the small integers of <see cref="SeparableIntegerPath"/>
/// (a Gaussian of any sigma, a large box): both factors in 15-bit fixed point, the sums in 32-bit integers, the
/// design of OpenCV's 8-bit GaussianBlur. Its error is bounded, and the bound is checked before the path is taken:
/// <list type="bullet">
/// <item>Each factor is scaled to sum to 1 and rounded to multiples of 2^-15 that still sum to exactly 1, so its
/// rounding errors sum to 0 and move a sum of samples within [0, 255] by at most 127.5 × Σ|error|.</item>
/// <item>The vertical sums are rounded to 1/256 of a level (half of that at most), and the horizontal pass,
/// whose weights sum to 1, carries that error through unchanged.</item>
/// <item>The bound adds both factors' terms, that rounding, and 255 times any difference between the matrix over
/// its divisor and the product of the factors (zero for an exactly separable kernel). It must stay below half a
/// level, so every output is within one level of the exact result; a 31-tap Gaussian's bound is about 0.1.</item>
/// </list>
/// Only blurs qualify: non-negative weights whose sum is the divisor, no bias, no alpha weighting and no linear
/// light (those keep the single-precision path), and only where the passes are vectorised.
/// </summary>
internal static class FixedPointPath
{
    /// <summary>The largest error bound the path accepts, in levels.</summary>
    public const double MaximumBound = 0.5;

    /// <summary>Checks whether a step can run on the fixed-point path and prepares it.</summary>
    public static bool TryPlan(in ConvolutionStep step, out FixedPointPlan plan)
    {
        plan = null!;
        if (!FixedPointPasses.Vectorised || step.Matrices.Length != 1 || step.Bias != 0 || step.Max != 255f || step.Alpha is not null || step.LinearLight
            || step.Decomposition is KernelDecomposition.Never or KernelDecomposition.Fourier)
        {
            return false;
        }

        KernelMatrix m = step.Matrices[0];
        if (!m.IsSeparable || m.Width < 2 || m.Height < 2 || step.BorderValue != Math.Round(step.BorderValue) || step.BorderValue < 0 || step.BorderValue > 255)
        {
            return false;
        }

        // The factors are the matrix's marginals over its sum: exact for any non-negative rank-one matrix,
        // whichever way its factorisation scaled them.
        double sum = 0;
        var column = new double[m.Height];
        var row = new double[m.Width];
        for (int r = 0; r < m.Height; r++)
        {
            for (int c = 0; c < m.Width; c++)
            {
                double w = m[r, c];
                if (!(w >= 0))
                {
                    return false;
                }

                sum += w;
                column[r] += w;
                row[c] += w;
            }
        }

        double divisor = step.Divisors[0];
        if (!(sum > 0) || Math.Abs((sum / divisor) - 1) > 1e-6)
        {
            return false;
        }

        double residual = 0;
        for (int r = 0; r < m.Height; r++)
        {
            for (int c = 0; c < m.Width; c++)
            {
                residual += Math.Abs((m[r, c] / sum) - (column[r] / sum * (row[c] / sum)));
            }
        }

        if (Quantise(column, sum) is not (short[] columnTaps, double columnError) || Quantise(row, sum) is not (short[] rowTaps, double rowError))
        {
            return false;
        }

        double bound = ((127.5 * columnError) + (128 * rowError)) / FixedPointPasses.One
            + (0.5 / (FixedPointPasses.One >> FixedPointPasses.VerticalShift))
            + (255 * (Math.Abs((sum / divisor) - 1) + residual));
        if (bound >= MaximumBound)
        {
            return false;
        }

        plan = new FixedPointPlan(rowTaps, columnTaps, (byte)step.BorderValue, bound);
        return true;
    }

    /// <summary>
    /// Weights over their sum in multiples of 2^-15 that sum to exactly 1: each rounded to nearest, then the
    /// remainder moved one unit at a time onto the weights nearest to rounding the other way. Null when a weight
    /// would not fit 16 signed bits. Also returns Σ|rounding error| in units of 2^-15.
    /// </summary>
    internal static (short[] Taps, double Error)? Quantise(double[] weights, double sum)
    {
        int n = weights.Length;
        var exact = new double[n];
        var taps = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++)
        {
            exact[i] = weights[i] / sum * FixedPointPasses.One;
            taps[i] = (int)Math.Round(exact[i]);
            total += taps[i];
        }

        for (int remainder = FixedPointPasses.One - total; remainder != 0; remainder -= Math.Sign(remainder))
        {
            int step = Math.Sign(remainder);
            int best = -1;
            for (int i = 0; i < n; i++)
            {
                // Never below 0, never away from a weight that is exactly 0.
                if (exact[i] > 0 && taps[i] + step >= 0 && (best < 0 || (exact[i] - taps[i]) * step > (exact[best] - taps[best]) * step))
                {
                    best = i;
                }
            }

            taps[best] += step;
        }

        var result = new short[n];
        double error = 0;
        for (int i = 0; i < n; i++)
        {
            if (taps[i] > short.MaxValue)
            {
                return null;
            }

            result[i] = (short)taps[i];
            error += Math.Abs(exact[i] - taps[i]);
        }

        return (result, error);
    }

    /// <summary>Convolves every output row.</summary>
    public static void Convolve(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, FixedPointPlan plan, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel)
    {
        int rowLength = columns.ComputedLength * channels;
        int paddedLength = columns.PaddedLength * channels;
        short[] columnTaps = plan.ColumnTaps;
        int kh = columnTaps.Length;
        int stride = width * channels;

        // Beside the image a column of the constant border sums to the border value times 1.
        short[] borderColumn = { (short)((FixedPointPasses.VerticalStart + (plan.Border * FixedPointPasses.One)) >> FixedPointPasses.VerticalShift) };
        (int[] horizontalPairs, int[] horizontalOffsets) = Pairs(plan.RowTaps, channels);

        // Four output rows not strided read kh + 3 source rows: pair them once, each output row weighting the
        // pairs with its own taps (0 outside its kernel). An odd count pairs the last row with itself, weight 0.
        bool blocks = rows.Stride == 1;
        int fourPairs = (kh + 4) / 2;
        var fourWeights = new int[4 * fourPairs];
        for (int k = 0; k < 4; k++)
        {
            for (int p = 0; p < fourPairs; p++)
            {
                fourWeights[(k * fourPairs) + p] = FixedPointPasses.Pair(Tap(columnTaps, (2 * p) - k), Tap(columnTaps, (2 * p) + 1 - k));
            }
        }

        (int Start, int Source, int Length, int From)[] runs = RowPadding.RunSources(columns, width);
        RowBands.Run(rows.OutputLength, parallel, [MethodImpl(Jit.HotLoop)] (start, end) =>
        {
            short[] padded = ArrayPool<short>.Shared.Rent(paddedLength * (blocks ? 4 : 1));
            byte[]? strided = columns.Stride > 1 ? ArrayPool<byte>.Shared.Rent(rowLength) : null;
            int[] rowStarts = new int[2 * fourPairs];
            int[] rowPairs = new int[fourPairs];
            try
            {
                for (int y = start; y < end; y++)
                {
                    parallel.CancellationToken.ThrowIfCancellationRequested();
                    if (blocks && y + 3 < end && RowPadding.BlockRowStarts(rows, y, kh, height, stride, rowStarts))
                    {
                        // An odd number of rows (kh + 3, kh even): the last pairs with itself, at weight 0 in every
                        // output row.
                        if (rowStarts.Length > kh + 3)
                        {
                            rowStarts[kh + 3] = rowStarts[kh + 2];
                        }

                        var four = new FourColumnSums(source, rowStarts, fourWeights);
                        RowPadding.FillFour(width, channels, runs, borderColumn[0], padded.AsSpan(0, 4 * paddedLength), paddedLength, ref four);
                        for (int k = 0; k < 4; k++)
                        {
                            StoreRow(source.Span, width, channels, destination.Span, step, rows, columns, horizontalPairs, horizontalOffsets, strided, rowLength, y + k, padded.AsSpan(k * paddedLength, paddedLength));
                        }

                        y += 3;
                        continue;
                    }

                    // Rows of the constant border add the same amount to every sample: fold them into the start.
                    int count = 0;
                    int begin = FixedPointPasses.VerticalStart;
                    for (int i = 0; i < kh; i++)
                    {
                        int r = rows.Indices[(y * rows.Stride) + i];
                        if (r == height)
                        {
                            begin += columnTaps[i] * plan.Border;
                        }
                        else if (columnTaps[i] != 0)
                        {
                            rowStarts[count] = r * stride;
                            rowPairs[count / 2] = (count & 1) == 0 ? FixedPointPasses.Pair(columnTaps[i], 0) : FixedPointPasses.Pair((short)rowPairs[count / 2], columnTaps[i]);
                            count++;
                        }
                    }

                    if ((count & 1) != 0)
                    {
                        rowStarts[count] = rowStarts[count - 1];
                        count++;
                    }

                    var sums = new ColumnSums(source, rowStarts, rowPairs, count, begin, channels);
                    RowPadding.Fill(width, channels, columns, borderColumn, padded.AsSpan(0, paddedLength), ref sums);
                    StoreRow(source.Span, width, channels, destination.Span, step, rows, columns, horizontalPairs, horizontalOffsets, strided, rowLength, y, padded.AsSpan(0, paddedLength));
                }
            }
            finally
            {
                ArrayPool<short>.Shared.Return(padded);
                if (strided is not null)
                {
                    ArrayPool<byte>.Shared.Return(strided);
                }
            }
        });
    }

    private static short Tap(short[] taps, int i) => i >= 0 && i < taps.Length ? taps[i] : (short)0;

    // The horizontal factor as pairs of taps, each with the offsets of its two samples; an odd last tap is paired
    // with itself at weight 0.
    private static (int[] Pairs, int[] Offsets) Pairs(short[] taps, int channels)
    {
        int count = (taps.Length + 1) / 2;
        var pairs = new int[count];
        var offsets = new int[2 * count];
        for (int p = 0; p < count; p++)
        {
            int second = Math.Min((2 * p) + 1, taps.Length - 1);
            pairs[p] = FixedPointPasses.Pair(taps[2 * p], Tap(taps, (2 * p) + 1));
            offsets[2 * p] = 2 * p * channels;
            offsets[(2 * p) + 1] = second * channels;
        }

        return (pairs, offsets);
    }

    // The horizontal pass of output row y, then the row compacted to the column stride and the unselected channels
    // copied.
    [MethodImpl(Jit.HotLoop)]
    private static void StoreRow(ReadOnlySpan<byte> source, int width, int channels, Span<byte> destination, ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns, int[] pairs, int[] offsets, byte[]? strided, int rowLength, int y, Span<short> row)
    {
        int outWidth = columns.OutputLength;
        Span<byte> dst = destination.Slice(y * outWidth * channels, outWidth * channels);
        Span<byte> target = strided is null ? dst : strided.AsSpan(0, rowLength);
        FixedPointPasses.HorizontalStore(row, pairs, offsets, target);
        if (strided is not null)
        {
            OutputRows.Compact(target, outWidth, columns.Stride, channels);
            target.Slice(0, dst.Length).CopyTo(dst);
        }

        OutputRows.CopyUnselected(source, width, channels, y, rows, columns, step.Selected, dst);
    }

    /// <summary>Four padded rows of the vertical pass at once (<see cref="FixedPointPasses.VerticalFour"/>).</summary>
    private readonly struct FourColumnSums : IFourRowRunSource<short>
    {
        private readonly ReadOnlyMemory<byte> source;
        private readonly int[] rowStarts;
        private readonly int[] pairs;

        public FourColumnSums(ReadOnlyMemory<byte> source, int[] rowStarts, int[] pairs)
        {
            this.source = source;
            this.rowStarts = rowStarts;
            this.pairs = pairs;
        }

        public void Fill(int offset, Span<short> target, int pitch, int n)
            => FixedPointPasses.VerticalFour(source.Span, rowStarts, pairs, FixedPointPasses.VerticalStart, offset, target, pitch, n);
    }

    /// <summary>The padded row of the vertical pass: each run is the weighted sum of the columns of the kernel's rows.</summary>
    private readonly struct ColumnSums : IPaddedRunSource<short>
    {
        private readonly ReadOnlyMemory<byte> source;
        private readonly int[] rowStarts;
        private readonly int[] pairs;
        private readonly int count;
        private readonly int start;
        private readonly int channels;

        public ColumnSums(ReadOnlyMemory<byte> source, int[] rowStarts, int[] pairs, int count, int start, int channels)
        {
            this.source = source;
            this.rowStarts = rowStarts;
            this.pairs = pairs;
            this.count = count;
            this.start = start;
            this.channels = channels;
        }

        [MethodImpl(Jit.HotLoop)]
        public void Fill(int column, Span<short> target)
            => FixedPointPasses.Vertical(source.Span, rowStarts.AsSpan(0, count), pairs.AsSpan(0, count / 2), start, column * channels, target);
    }
}

/// <summary>How <see cref="FixedPointPath"/> runs a step: both factors in 15-bit fixed point.</summary>
/// <param name="RowTaps">The horizontal factor; sums to <see cref="FixedPointPasses.One"/>.</param>
/// <param name="ColumnTaps">The vertical factor; sums to <see cref="FixedPointPasses.One"/>.</param>
/// <param name="Border">The constant border value.</param>
/// <param name="Bound">The largest difference from the exact sum before rounding, in levels.</param>
internal sealed record FixedPointPlan(short[] RowTaps, short[] ColumnTaps, byte Border, double Bound);
