using System;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The exact integer path for the most common blurs on 8-bit images: separable kernels whose factors are small
/// non-negative integers and whose divisor is their product, a power of two (Gaussian3 is 1 2 1 by 1 2 1 over 16,
/// Gaussian5 is 1 4 6 4 1 by 1 4 6 4 1 over 256). Every sum fits 16 bits, so a 512-bit vector holds 32 samples
/// instead of 16 floats, and the result is the float path's to the bit: both compute the same integer sum, and
/// division by a power of two is exact; rounding is to nearest with ties to even in both.
/// </summary>
internal static class SeparableIntegerPath
{
    /// <summary>Checks whether a step can run on the integer path and prepares it.</summary>
    public static bool TryPlan(in ConvolutionStep step, out SeparableIntegerPlan plan)
    {
        plan = null!;
        if (step.Matrices.Length != 1 || step.Bias != 0 || step.Max != 255f)
        {
            return false;
        }

        KernelMatrix m = step.Matrices[0];
        if (!m.IsSeparable || m.Width < 2 || m.Height < 2 || step.BorderValue != Math.Round(step.BorderValue) || step.BorderValue < 0 || step.BorderValue > 255)
        {
            return false;
        }

        if (!TryIntegerFactors(m, out ushort[] row, out ushort[] column))
        {
            return false;
        }

        int rowSum = 0, columnSum = 0;
        foreach (ushort t in row)
        {
            rowSum += t;
        }

        foreach (ushort t in column)
        {
            columnSum += t;
        }

        int product = rowSum * columnSum;
        if (product > 256 || !BitOperations.IsPow2(product) || step.Divisors[0] != product)
        {
            return false;
        }

        plan = new SeparableIntegerPlan(row, column, BitOperations.Log2((uint)product), (ushort)step.BorderValue);
        return true;
    }

    /// <summary>Convolves output rows [firstRow, endRow).</summary>
    public static void Convolve(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, SeparableIntegerPlan plan, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, int firstRow = 0, int endRow = int.MaxValue)
        => Convolve<NoSumCheck>(source, width, height, channels, destination, step, plan, rows, columns, parallel, firstRow, endRow, null);

    /// <summary>Convolves output rows [firstRow, endRow), each row's exact sums shown to a check from <c>checks</c> before they are rounded.</summary>
    public static void Convolve<TCheck>(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, SeparableIntegerPlan plan, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, int firstRow, int endRow, IRowSumChecks<TCheck>? checks)
        where TCheck : struct, ISumCheck
    {
        int rowLength = columns.ComputedLength * channels;
        int paddedLength = columns.PaddedLength * channels;
        int kh = plan.ColumnTaps.Length;
        int kw = plan.RowTaps.Length;
        int stride = width * channels;
        int columnSum = 0;
        foreach (ushort t in plan.ColumnTaps)
        {
            columnSum += t;
        }

        // Beside the image a column of the constant border sums to border times the column taps, whatever the rows.
        ushort[] borderColumn = { (ushort)(plan.Border * columnSum) };
        int[] horizontalOffsets = new int[kw];
        for (int j = 0; j < kw; j++)
        {
            horizontalOffsets[j] = j * channels;
        }

        // Vertical pass first, straight from the stored bytes of the kh rows under each output row into a padded
        // 16-bit row, then the horizontal pass rounds and stores bytes as it goes: no intermediate image, no row cache.
        // Four consecutive output rows read kh + 3 source rows between them when the rows are not strided, so where
        // none reads the constant border the vertical pass computes all four at once (VerticalBytesFour), loading the
        // rows they share once; the working set is then four 16-bit rows and kh + 3 source rows.
        bool blocks = rows.Stride == 1;

        // Where some channel is not selected, a row not strided nor checked takes the source's bytes for it as the row
        // is stored; any other row copies them after.
        KeptSamples? kept = checks is null && columns.Stride == 1 ? KeptSamples.For(channels, step.Selected) : null;
        (int Start, int Source, int Length, int From)[] runs = RowPadding.RunSources(columns, width);
        RowBands.Run(firstRow, Math.Min(endRow, rows.OutputLength), parallel, [MethodImpl(Jit.HotLoop)] (start, end) =>
        {
            ushort[] padded = ArrayPool<ushort>.Shared.Rent(paddedLength * (blocks ? 4 : 1));
            // With a column stride the row is computed at stride 1 and every stride-th pixel kept.
            byte[]? strided = columns.Stride > 1 ? ArrayPool<byte>.Shared.Rent(rowLength) : null;
            int[] rowStarts = new int[kh + 3];
            ushort[] rowTaps = new ushort[kh];
            try
            {
                for (int y = start; y < end; y++)
                {
                    // A row (or a block) is thousands of samples: one read of the token each is nothing beside them.
                    parallel.CancellationToken.ThrowIfCancellationRequested();
                    Span<ushort> row = padded.AsSpan(0, paddedLength);
                    if (blocks && y + 3 < end && RowPadding.BlockRowStarts(rows, y, kh, height, stride, rowStarts))
                    {
                        var four = new FourColumnSums(source, rowStarts, plan.ColumnTaps);
                        RowPadding.FillFour(width, channels, runs, borderColumn[0], padded.AsSpan(0, 4 * paddedLength), paddedLength, ref four);
                        for (int k = 0; k < 4; k++)
                        {
                            StoreRow(source.Span, width, channels, destination.Span, step, plan, rows, columns, horizontalOffsets, checks, kept, strided, rowLength, y + k, padded.AsSpan(k * paddedLength, paddedLength));
                        }

                        y += 3;
                        continue;
                    }

                    // Rows of the constant border add the same amount to every sample: fold them into one constant.
                    int count = 0;
                    int constant = 0;
                    for (int i = 0; i < kh; i++)
                    {
                        int r = rows.Indices[(y * rows.Stride) + i];
                        if (r == height)
                        {
                            constant += plan.ColumnTaps[i] * plan.Border;
                        }
                        else
                        {
                            rowStarts[count] = r * stride;
                            rowTaps[count] = plan.ColumnTaps[i];
                            count++;
                        }
                    }

                    var sums = new ColumnSums(source, rowStarts, rowTaps, count, (ushort)constant, channels);
                    RowPadding.Fill(width, channels, columns, borderColumn, row, ref sums);
                    StoreRow(source.Span, width, channels, destination.Span, step, plan, rows, columns, horizontalOffsets, checks, kept, strided, rowLength, y, row);
                }
            }
            finally
            {
                ArrayPool<ushort>.Shared.Return(padded);
                if (strided is not null)
                {
                    ArrayPool<byte>.Shared.Return(strided);
                }
            }
        });
    }

    // The horizontal pass of output row y from its padded vertical sums, its exact sums shown to the row's check
    // where there is one, then the row compacted to the column stride and the unselected channels copied, unless
    // `kept` took them from the source as the row was stored.
    [MethodImpl(Jit.HotLoop)]
    private static void StoreRow<TCheck>(ReadOnlySpan<byte> source, int width, int channels, Span<byte> destination, ConvolutionStep step, SeparableIntegerPlan plan, KernelSamplingMap rows, KernelSamplingMap columns, int[] horizontalOffsets, IRowSumChecks<TCheck>? checks, KeptSamples? kept, byte[]? strided, int rowLength, int y, Span<ushort> row)
        where TCheck : struct, ISumCheck
    {
        int outWidth = columns.OutputLength;
        Span<byte> dst = destination.Slice(y * outWidth * channels, outWidth * channels);
        Span<byte> target = strided is null ? dst : strided.AsSpan(0, rowLength);
        if (kept is KeptSamples keep)
        {
            // The source's pixels under the output pixels' anchors: row y·stride + the rows' centre offset, from the
            // columns' (the columns are not strided here).
            int sourceRow = (y * rows.Stride) + rows.CentreOffset;
            ReadOnlySpan<byte> under = source.Slice(((sourceRow * width) + columns.CentreOffset) * channels, dst.Length);
            SeparableBytePasses.HorizontalStore(row, plan.RowTaps, horizontalOffsets, plan.Shift, dst, under, keep);
            return;
        }

        if (checks is null)
        {
            SeparableBytePasses.HorizontalStore(row, plan.RowTaps, horizontalOffsets, plan.Shift, target);
        }
        else
        {
            TCheck check = checks.Begin(y, target.Length, plan.Shift, columns.Stride);
            SeparableBytePasses.HorizontalStore(row, plan.RowTaps, horizontalOffsets, plan.Shift, target, ref check);
            checks.End(y, check, target);
        }

        if (strided is not null)
        {
            OutputRows.Compact(target, outWidth, columns.Stride, channels);
            target.Slice(0, dst.Length).CopyTo(dst);
        }

        OutputRows.CopyUnselected(source, width, channels, y, rows, columns, step.Selected, dst);
    }

    /// <summary>
    /// Writes a separable matrix of non-negative integers as column x row of integer factors: the row through the
    /// first non-zero weight divided by its greatest common divisor, and the column that makes the product exact
    /// (always integers for integer weights, whichever way the float factorisation happened to scale them).
    /// </summary>
    internal static bool TryIntegerFactors(KernelMatrix m, out ushort[] row, out ushort[] column)
    {
        row = new ushort[m.Width];
        column = new ushort[m.Height];
        int pr = -1, pc = -1;
        for (int r = 0; r < m.Height; r++)
        {
            for (int c = 0; c < m.Width; c++)
            {
                double w = m[r, c];
                if (w < 0 || w > 65535 || w != Math.Round(w))
                {
                    return false;
                }

                if (pr < 0 && w != 0)
                {
                    (pr, pc) = (r, c);
                }
            }
        }

        if (pr < 0)
        {
            return false;
        }

        int divisor = 0;
        for (int c = 0; c < m.Width; c++)
        {
            divisor = Gcd(divisor, (int)m[pr, c]);
        }

        int pivot = (int)m[pr, pc] / divisor;
        for (int c = 0; c < m.Width; c++)
        {
            int t = (int)m[pr, c] / divisor;
            if (t > 255)
            {
                return false;
            }

            row[c] = (ushort)t;
        }

        for (int r = 0; r < m.Height; r++)
        {
            int w = (int)m[r, pc];
            if (w % pivot != 0 || w / pivot > 255)
            {
                return false;
            }

            column[r] = (ushort)(w / pivot);
        }

        // The float factorisation said rank 1; check the integer factors reproduce every weight exactly.
        for (int r = 0; r < m.Height; r++)
        {
            for (int c = 0; c < m.Width; c++)
            {
                if (column[r] * row[c] != m[r, c])
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>The padded 16-bit row of the vertical pass: each run is the weighted sum of the columns of the kernel's rows.</summary>
    private readonly struct ColumnSums : IPaddedRunSource<ushort>
    {
        private readonly ReadOnlyMemory<byte> source;
        private readonly int[] rowStarts;
        private readonly ushort[] taps;
        private readonly int count;
        private readonly ushort constant;
        private readonly int channels;

        public ColumnSums(ReadOnlyMemory<byte> source, int[] rowStarts, ushort[] taps, int count, ushort constant, int channels)
        {
            this.source = source;
            this.rowStarts = rowStarts;
            this.taps = taps;
            this.count = count;
            this.constant = constant;
            this.channels = channels;
        }

        [MethodImpl(Jit.HotLoop)]
        public void Fill(int column, Span<ushort> target)
            => SeparableBytePasses.VerticalBytes(source.Span, rowStarts.AsSpan(0, count), taps.AsSpan(0, count), constant, column * channels, target);
    }

    /// <summary>Four padded 16-bit rows of the vertical pass at once (<see cref="SeparableBytePasses.VerticalBytesFour"/>).</summary>
    private readonly struct FourColumnSums : IFourRowRunSource<ushort>
    {
        private readonly ReadOnlyMemory<byte> source;
        private readonly int[] rowStarts;
        private readonly ushort[] taps;

        public FourColumnSums(ReadOnlyMemory<byte> source, int[] rowStarts, ushort[] taps)
        {
            this.source = source;
            this.rowStarts = rowStarts;
            this.taps = taps;
        }

        public void Fill(int offset, Span<ushort> target, int pitch, int n)
            => SeparableBytePasses.VerticalBytesFour(source.Span, rowStarts, taps, offset, target, pitch, n);
    }
}
