using System;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Alpha;
using PSConvolution.Engine.Convolution.Float;
using PSConvolution.Engine.Convolution.Integer;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution;

/// <summary>
/// Convolves interleaved rows directly: every channel of a row is one flat float signal in which a horizontal tap
/// is an offset of <c>channels</c> samples, so no de-interleaving is needed and each tap is one contiguous
/// vectorised multiply-add. Rows stream through a small per-band <see cref="RowCache{T}"/>, so working memory is a
/// few rows, not another image. Borders come entirely from the two <see cref="KernelSamplingMap"/>s.
/// </summary>
internal static class InterleavedConvolver
{
    /// <summary>The arithmetic of one kernel step, resolved for one image.</summary>
    internal readonly struct Step
    {
        public Step(KernelMatrix[] matrices, KernelCombination combination, float[] divisors, float bias, float borderValue, float max, OutputRange range, bool[] selected)
        {
            Matrices = matrices;
            Combination = combination;
            Divisors = divisors;
            Bias = bias;
            BorderValue = borderValue;
            Max = max;
            Range = range;
            Selected = selected;
        }

        public KernelMatrix[] Matrices { get; }

        public KernelCombination Combination { get; }

        public float[] Divisors { get; }

        public float Bias { get; }

        public float BorderValue { get; }

        public float Max { get; }

        public OutputRange Range { get; }

        public bool[] Selected { get; }

        /// <summary>Set when colour is convolved alpha-weighted.</summary>
        public AlphaWeighting? Alpha { get; init; }

        /// <summary>Set when the step convolves in linear light (colour decoded from sRGB, encoded after); then only the float path runs.</summary>
        public bool LinearLight { get; init; }

        /// <summary>The same step with other alpha weighting and bias.</summary>
        public Step With(AlphaWeighting? alpha, float bias) => new(Matrices, Combination, Divisors, bias, BorderValue, Max, Range, Selected) { Alpha = alpha, LinearLight = LinearLight };
    }

    public static void Convolve<T>(ReadOnlyMemory<T> source, int width, int height, int channels, Memory<T> destination, in Step step, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel)
        where T : unmanaged
    {
        var plan = new Plan(step, rows, columns, channels) { Cancellation = parallel.CancellationToken };
        AlphaWeighting? alpha = step.Alpha;
        bool alphaLast = channels is 2 or 4;
        SampleWidener<T, float> widen = alpha is not null ? alpha.Premultiply<T>
            : step.LinearLight ? (src, dst) => SrgbTransfer.Linearise(src, dst, channels, alphaLast)
            : SampleConversion.ToFloat<T>;
        if (typeof(T) == typeof(byte) && !step.LinearLight)
        {
            ReadOnlyMemory<T> s = source;
            Memory<T> d = destination;
            ReadOnlyMemory<byte> bytes = Unsafe.As<ReadOnlyMemory<T>, ReadOnlyMemory<byte>>(ref s);
            Memory<byte> output = Unsafe.As<Memory<T>, Memory<byte>>(ref d);

            // Alpha-weighted 8-bit steps run unweighted on an integer path where they can; the pixels whose
            // kernel window holds more than one alpha value are then corrected, block by block while the
            // block's rows are still in cache.
            InterleavedConvolver.Step unweighted = alpha is not null && AlphaEdgeCorrection.Applies(step, alpha) ? step.With(null, alpha.Bias) : step;
            Action<int, int, ParallelOptions>? integer = unweighted.Alpha is null ? IntegerRows(bytes, width, height, channels, output, unweighted, rows, columns) : null;
            if (integer is not null)
            {
                if (alpha is null)
                {
                    integer(0, rows.OutputLength, parallel);
                }
                else
                {
                    AlphaEdgeCorrection.Run(bytes, width, height, channels, output, step, alpha, rows, columns, parallel, integer, (start, end) => ConvolveBand(source, width, height, channels, destination, plan, widen, start, end));
                }

                return;
            }
        }

        RowBands.Run(rows.OutputLength, parallel, (start, end) => ConvolveBand(source, width, height, channels, destination, plan, widen, start, end));
    }

    // Output rows [start, end) of the step on one of the exact integer paths, or null when neither takes it.
    private static Action<int, int, ParallelOptions>? IntegerRows(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, Step step, KernelSamplingMap rows, KernelSamplingMap columns)
    {
        if (IntegerSeparableConvolver.TryPlan(step, out IntegerSeparableConvolver.Plan separable))
        {
            return (start, end, parallel) => IntegerSeparableConvolver.Convolve(source, width, height, channels, destination, step, separable, rows, columns, parallel, parallel.CancellationToken, start, end);
        }

        if (IntegerDirectConvolver.TryPlan(step, out IntegerDirectConvolver.Plan direct))
        {
            return (start, end, parallel) => IntegerDirectConvolver.Convolve(source, width, height, channels, destination, step, direct, rows, columns, parallel, parallel.CancellationToken, start, end);
        }

        return null;
    }

    /// <summary>Everything about one step that does not change from row to row, computed once per image.</summary>
    private sealed class Plan
    {
        public Plan(in Step step, KernelSamplingMap rows, KernelSamplingMap columns, int channels)
        {
            Step = step;
            Rows = rows;
            Columns = columns;
            KernelMatrix first = step.Matrices[0];
            KernelHeight = first.Height;
            KernelWidth = first.Width;
            Separable = step.Matrices.Length == 1 && first.IsSeparable && first.Width > 1 && first.Height > 1;
            OutWidth = columns.OutputLength;
            RowLength = (((OutWidth - 1) * columns.Stride) + 1) * channels; // stride 1 in x, then every stride-th kept
            PaddedLength = columns.PaddedLength * channels;
            BlockPositions = ((Block - 1) * rows.Stride) + KernelHeight;
            Slots = BlockPositions + rows.Stride + 1;
            CacheRowLength = Separable ? RowLength : PaddedLength;
            if (step.Alpha is AlphaWeighting alpha)
            {
                BorderPixel = alpha.BorderPixel;
            }
            else
            {
                BorderPixel = new float[channels];
                BorderPixel.AsSpan().Fill(step.LinearLight ? SrgbTransfer.ToLinearLevel(step.BorderValue, step.Max) : step.BorderValue);
                if (step.LinearLight && channels is 2 or 4)
                {
                    BorderPixel[channels - 1] = step.BorderValue;
                }
            }
            HorizontalOffsets = new int[KernelWidth];
            for (int j = 0; j < KernelWidth; j++)
            {
                HorizontalOffsets[j] = j * channels;
            }

            Weights = new float[step.Matrices.Length][];
            TapWeights = new float[step.Matrices.Length][];
            TapPositions = new int[step.Matrices.Length][];
            for (int m = 0; m < Weights.Length; m++)
            {
                Weights[m] = ToFloat(step.Matrices[m].ToArray());
                (TapWeights[m], TapPositions[m]) = NonZeroTaps(Weights[m]);
            }

            if (Separable)
            {
                RowFactor = ToFloat(first.RowFactor!);
                float[] columnFactor = ToFloat(first.ColumnFactor!);
                ColumnFactor = columnFactor;

                // Output row q of a block reads block positions q*stride .. q*stride + kh - 1.
                BlockTaps = new int[BlockPositions];
                BlockWeights = new float[Block][];
                for (int p = 0; p < BlockPositions; p++)
                {
                    BlockTaps[p] = p * KernelWidth; // position p, column 0: only the row matters for the vertical pass
                }

                for (int q = 0; q < Block; q++)
                {
                    BlockWeights[q] = new float[BlockPositions];
                    for (int i = 0; i < KernelHeight; i++)
                    {
                        BlockWeights[q][(q * rows.Stride) + i] = columnFactor[i];
                    }
                }
            }
            else if (step.Matrices.Length == 1)
            {
                // Every (position, column) pair that some output row of the block weighs with a non-zero weight.
                float[] w = Weights[0];
                var taps = new System.Collections.Generic.List<int>();
                for (int p = 0; p < BlockPositions; p++)
                {
                    for (int j = 0; j < KernelWidth; j++)
                    {
                        for (int q = 0; q < Block; q++)
                        {
                            int i = p - (q * rows.Stride);
                            if (i >= 0 && i < KernelHeight && w[(i * KernelWidth) + j] != 0)
                            {
                                taps.Add((p * KernelWidth) + j);
                                break;
                            }
                        }
                    }
                }

                BlockTaps = taps.ToArray();
                BlockWeights = new float[Block][];
                for (int q = 0; q < Block; q++)
                {
                    BlockWeights[q] = new float[BlockTaps.Length];
                    for (int t = 0; t < BlockTaps.Length; t++)
                    {
                        int i = (BlockTaps[t] / KernelWidth) - (q * rows.Stride);
                        int j = BlockTaps[t] % KernelWidth;
                        BlockWeights[q][t] = i >= 0 && i < KernelHeight ? w[(i * KernelWidth) + j] : 0;
                    }
                }
            }
        }

        /// <summary>Output rows computed together, sharing each source load.</summary>
        public const int Block = 4;

        /// <summary>
        /// Kernels at least this tall compute four output rows at a time: their rows no longer fit the first-level
        /// cache, so sharing loads pays for the multiply-adds wasted on the block's edges.
        /// </summary>
        public const int BlockMinimumHeight = 9;

        public bool UseBlocks => BlockTaps is not null && KernelHeight >= BlockMinimumHeight;

        public Step Step { get; }

        /// <summary>Checked every block of rows, so a large image stops within milliseconds.</summary>
        public System.Threading.CancellationToken Cancellation { get; init; }

        public KernelSamplingMap Rows { get; }

        public KernelSamplingMap Columns { get; }

        public int KernelHeight { get; }

        public int KernelWidth { get; }

        public bool Separable { get; }

        public int OutWidth { get; }

        public int RowLength { get; }

        public int PaddedLength { get; }

        public int BlockPositions { get; }

        public int Slots { get; }

        public int CacheRowLength { get; }

        /// <summary>One pixel of the constant border, as the float rows hold it.</summary>
        public float[] BorderPixel { get; }

        public int[] HorizontalOffsets { get; }

        public float[][] Weights { get; }

        public float[][] TapWeights { get; }

        public int[][] TapPositions { get; }

        public float[]? RowFactor { get; }

        public float[]? ColumnFactor { get; }

        /// <summary>Taps of a block, each encoded as position * kernel width + column.</summary>
        public int[]? BlockTaps { get; }

        /// <summary>Per output row of a block, the weight of each block tap (0 where the row does not use it).</summary>
        public float[][]? BlockWeights { get; }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveBand<T>(ReadOnlyMemory<T> sourceMemory, int width, int height, int channels, Memory<T> destinationMemory, Plan plan, SampleWidener<T, float> widen, int start, int end)
        where T : unmanaged
    {
        Step s = plan.Step;
        KernelSamplingMap rows = plan.Rows;
        KernelSamplingMap columns = plan.Columns;
        int rowLength = plan.RowLength;
        int paddedLength = plan.PaddedLength;
        int kw = plan.KernelWidth;
        using var cache = new RowCache<float>(plan.Slots, plan.CacheRowLength);
        float[] padded = ArrayPool<float>.Shared.Rent(paddedLength);
        float[] accumulators = ArrayPool<float>.Shared.Rent(rowLength * Plan.Block);
        float[]? response = s.Matrices.Length > 1 ? ArrayPool<float>.Shared.Rent(rowLength) : null;
        int[] slotOfPosition = new int[plan.BlockPositions];
        int[] offsets = new int[Math.Max(plan.BlockPositions * kw, 1)];
        try
        {
            for (int y = start; y < end;)
            {
                plan.Cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(Plan.Block, end - y);
                int positions = ((count - 1) * rows.Stride) + plan.KernelHeight;

                // Bring the block's rows into the cache, never evicting one this block reads.
                for (int p = 0; p < positions; p++)
                {
                    int r = rows.Indices[(y * rows.Stride) + p];
                    int slot = cache.Acquire(r, slotOfPosition.AsSpan(0, p), out bool fresh);
                    if (fresh)
                    {
                        if (plan.Separable)
                        {
                            RowPadding.Fill(sourceMemory.Span, width, height, channels, r, columns, plan.BorderPixel, padded.AsSpan(0, paddedLength), widen);
                            RowKernels.Correlate(padded.AsSpan(0, paddedLength), cache.Row(slot).Slice(0, rowLength), plan.RowFactor, plan.HorizontalOffsets);
                        }
                        else
                        {
                            RowPadding.Fill(sourceMemory.Span, width, height, channels, r, columns, plan.BorderPixel, cache.Row(slot).Slice(0, paddedLength), widen);
                        }
                    }

                    slotOfPosition[p] = slot;
                }

                if (plan.UseBlocks && count == Plan.Block)
                {
                    int[] taps = plan.BlockTaps!;
                    for (int t = 0; t < taps.Length; t++)
                    {
                        offsets[t] = (slotOfPosition[taps[t] / kw] * cache.RowLength) + ((taps[t] % kw) * channels);
                    }

                    float[][] w = plan.BlockWeights!;
                    RowKernels.CorrelateAdd4(
                        cache.All,
                        accumulators.AsSpan(0, rowLength),
                        accumulators.AsSpan(rowLength, rowLength),
                        accumulators.AsSpan(2 * rowLength, rowLength),
                        accumulators.AsSpan(3 * rowLength, rowLength),
                        w[0],
                        w[1],
                        w[2],
                        w[3],
                        offsets.AsSpan(0, taps.Length));
                }
                else
                {
                    for (int q = 0; q < count; q++)
                    {
                        Span<int> rowSlots = slotOfPosition.AsSpan(q * rows.Stride, plan.KernelHeight);
                        OneRow(plan, cache, rowSlots, offsets, accumulators.AsSpan(q * rowLength, rowLength), response, channels);
                    }
                }

                for (int q = 0; q < count; q++)
                {
                    Span<float> acc = accumulators.AsSpan(q * rowLength, rowLength);
                    if (columns.Stride > 1)
                    {
                        Compact(acc, plan.OutWidth, columns.Stride, channels);
                    }

                    bool combined = s.Matrices.Length > 1;
                    int outputRow = y + q;
                    Span<T> dst = destinationMemory.Span.Slice(outputRow * plan.OutWidth * channels, plan.OutWidth * channels);
                    float divisor = combined ? 1f : s.Divisors[0];
                    if (s.Alpha is AlphaWeighting alpha)
                    {
                        int centreRow = (outputRow * rows.Stride) + rows.CentreOffset;
                        alpha.StoreRow(acc, divisor, s.Max, s.Range == OutputRange.Absolute, s.Selected, sourceMemory.Span.Slice(centreRow * width * channels, width * channels), columns, dst);
                    }
                    else if (s.LinearLight)
                    {
                        SrgbTransfer.Store(acc.Slice(0, plan.OutWidth * channels), divisor, combined ? 0f : s.Bias, s.Max, s.Range == OutputRange.Absolute, channels, channels is 2 or 4, dst);
                        CopyUnselected(sourceMemory.Span, width, channels, outputRow, rows, columns, s.Selected, dst);
                    }
                    else
                    {
                        SampleConversion.Store(acc.Slice(0, plan.OutWidth * channels), divisor, combined ? 0f : s.Bias, s.Max, s.Range == OutputRange.Absolute, dst);
                        CopyUnselected(sourceMemory.Span, width, channels, outputRow, rows, columns, s.Selected, dst);
                    }
                }

                y += count;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(padded);
            ArrayPool<float>.Shared.Return(accumulators);
            if (response is not null)
            {
                ArrayPool<float>.Shared.Return(response);
            }
        }
    }

    // One output row from the cached rows in rowSlots: the separable vertical pass, one matrix, or an operator.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRow(Plan plan, RowCache<float> cache, Span<int> rowSlots, int[] offsets, Span<float> acc, float[]? response, int channels)
    {
        Step s = plan.Step;
        int kw = plan.KernelWidth;
        if (plan.Separable)
        {
            for (int i = 0; i < rowSlots.Length; i++)
            {
                offsets[i] = rowSlots[i] * cache.RowLength;
            }

            RowKernels.Correlate(cache.All, acc, plan.ColumnFactor, offsets.AsSpan(0, rowSlots.Length));
            return;
        }

        for (int m = 0; m < s.Matrices.Length; m++)
        {
            Span<float> target = m == 0 ? acc : response.AsSpan(0, acc.Length);
            int[] local = plan.TapPositions[m];
            for (int t = 0; t < local.Length; t++)
            {
                // local[t] encodes (row i, column j) as i * kw + j.
                offsets[t] = (rowSlots[local[t] / kw] * cache.RowLength) + ((local[t] % kw) * channels);
            }

            RowKernels.Correlate(cache.All, target, plan.TapWeights[m], offsets.AsSpan(0, local.Length));
            if (s.Matrices.Length > 1)
            {
                RowKernels.DivideAndOffset(target, s.Divisors[m], s.Bias);
                if (m > 0)
                {
                    Combine(s.Combination, acc, target);
                }
                else if (s.Combination == KernelCombination.Magnitude)
                {
                    RowKernels.AccumulateSquares(acc, acc, first: true);
                }
            }
        }

        if (s.Combination == KernelCombination.Magnitude)
        {
            RowKernels.SquareRoot(acc);
        }
    }

    // The non-zero weights of a matrix and their positions (row * width + column): sparse kernels such as
    // Laplacians, Sobel and the compass operators skip their zeros.
    private static (float[] Weights, int[] Positions) NonZeroTaps(float[] weights)
    {
        int count = 0;
        foreach (float w in weights)
        {
            count += w != 0 ? 1 : 0;
        }

        if (count == 0)
        {
            // An all-zero kernel still needs one tap so the accumulator is written (with zeros).
            return (new[] { 0f }, new[] { 0 });
        }

        var taps = new float[count];
        var positions = new int[count];
        int t = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] != 0)
            {
                taps[t] = weights[i];
                positions[t++] = i;
            }
        }

        return (taps, positions);
    }

    private static void Combine(KernelCombination combination, Span<float> acc, Span<float> response)
    {
        if (combination == KernelCombination.Magnitude)
        {
            RowKernels.AccumulateSquares(acc, response, first: false);
        }
        else
        {
            RowKernels.Maximum(acc, response);
        }
    }

    /// <summary>Keeps every stride-th pixel of a row computed at stride 1, moving them to the front.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compact<TSample>(Span<TSample> acc, int outWidth, int stride, int channels)
    {
        for (int x = 1; x < outWidth; x++)
        {
            acc.Slice(x * stride * channels, channels).CopyTo(acc.Slice(x * channels, channels));
        }
    }

    // Channels not selected keep the sample under each output pixel's anchor.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CopyUnselected<T>(ReadOnlySpan<T> source, int width, int channels, int y, KernelSamplingMap rows, KernelSamplingMap columns, bool[] selected, Span<T> destination)
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
        int outWidth = columns.OutputLength;
        if (columns.Stride == 1 && (channels == 2 || channels == 4) && PixelWords.TryCopyChannels(src.Slice(columns.CentreOffset * channels, outWidth * channels), destination.Slice(0, outWidth * channels), channels, selected))
        {
            return;
        }

        for (int c = 0; c < channels; c++)
        {
            if (selected[c])
            {
                continue;
            }

            for (int x = 0; x < outWidth; x++)
            {
                destination[(x * channels) + c] = src[(((x * columns.Stride) + columns.CentreOffset) * channels) + c];
            }
        }
    }

    private static float[] ToFloat(double[] values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
        }

        return result;
    }
}
