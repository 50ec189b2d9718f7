using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Float;

/// <summary>
/// The single-precision path, which takes every step: every channel of a row is one flat float signal in which a
/// horizontal tap is an offset of <c>channels</c> samples, so no de-interleaving is needed and each tap is one
/// contiguous vectorised multiply-add. Rows stream through a small per-band <see cref="RowCache{T}"/>, so working
/// memory is a few rows, not another image. Borders come entirely from the two <see cref="KernelSamplingMap"/>s.
/// </summary>
internal static class FloatPath
{
    /// <summary>The sample conversion a step's rows are padded with: plain, linearised from sRGB, or premultiplied.</summary>
    public static SampleWidener<T, float> Widener<T>(in ConvolutionStep step, int channels)
        where T : unmanaged
    {
        AlphaWeighting? alpha = step.Alpha;
        bool alphaLast = channels is 2 or 4;
        return alpha is not null ? alpha.Premultiply<T>
            : step.LinearLight ? (src, dst) => SrgbTransfer.Linearise(src, dst, channels, alphaLast)
            : SampleConversion.ToFloat<T>;
    }

    /// <summary>Output rows [start, end) of <paramref name="plan"/>'s step.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void ConvolveBand<T>(ReadOnlyMemory<T> sourceMemory, int width, int height, int channels, Memory<T> destinationMemory, FloatPlan plan, SampleWidener<T, float> widen, int start, int end)
        where T : unmanaged
    {
        ConvolutionStep s = plan.Step;
        KernelSamplingMap rows = plan.Rows;
        KernelSamplingMap columns = plan.Columns;
        int rowLength = plan.RowLength;
        int paddedLength = plan.PaddedLength;
        using var cache = new RowCache<float>(plan.Slots, plan.CacheRowLength);
        float[] padded = ArrayPool<float>.Shared.Rent(paddedLength);
        float[] accumulators = ArrayPool<float>.Shared.Rent(rowLength * FloatPlan.Block);
        float[]? response = s.Matrices.Length > 1 ? ArrayPool<float>.Shared.Rent(rowLength) : null;
        float[]? tiles = plan.Decomposed ? ArrayPool<float>.Shared.Rent(plan.VerticalColumns!.Length * plan.TileStride) : null;
        int[] slotOfPosition = new int[plan.BlockPositions];
        int[] offsets = new int[Math.Max(plan.MostTaps, 1)];
        try
        {
            for (int y = start; y < end;)
            {
                plan.Cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(FloatPlan.Block, end - y);
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
                            RowPadding.Fill(sourceMemory, width, height, channels, r, columns, plan.BorderPixel, padded.AsSpan(0, paddedLength), widen);
                            RowCorrelation.Correlate(padded.AsSpan(0, paddedLength), cache.Row(slot).Slice(0, rowLength), plan.Terms!.Rows[0], plan.HorizontalOffsets);
                        }
                        else
                        {
                            RowPadding.Fill(sourceMemory, width, height, channels, r, columns, plan.BorderPixel, cache.Row(slot).Slice(0, paddedLength), widen);
                        }
                    }

                    slotOfPosition[p] = slot;
                }

                if (plan.UseBlocks && count == FloatPlan.Block)
                {
                    int[] positionOfTap = plan.BlockPositionOfTap!;
                    int[] shifts = plan.BlockShifts!;
                    for (int t = 0; t < positionOfTap.Length; t++)
                    {
                        offsets[t] = (slotOfPosition[positionOfTap[t]] * cache.RowLength) + shifts[t];
                    }

                    float[][] w = plan.BlockWeights!;
                    RowCorrelation.Correlate4(
                        cache.All,
                        accumulators.AsSpan(0, rowLength),
                        accumulators.AsSpan(rowLength, rowLength),
                        accumulators.AsSpan(2 * rowLength, rowLength),
                        accumulators.AsSpan(3 * rowLength, rowLength),
                        w[0],
                        w[1],
                        w[2],
                        w[3],
                        offsets.AsSpan(0, positionOfTap.Length));
                }
                else
                {
                    for (int q = 0; q < count; q++)
                    {
                        Span<int> rowSlots = slotOfPosition.AsSpan(q * rows.Stride, plan.KernelHeight);
                        OneRow(plan, cache, rowSlots, offsets, accumulators.AsSpan(q * rowLength, rowLength), response, tiles, channels);
                    }
                }

                for (int q = 0; q < count; q++)
                {
                    Span<float> acc = accumulators.AsSpan(q * rowLength, rowLength);
                    if (columns.Stride > 1)
                    {
                        OutputRows.Compact(acc, plan.OutWidth, columns.Stride, channels);
                    }

                    int outputRow = y + q;
                    if (plan.Decomposed && s.Alpha is not null)
                    {
                        RecomputeFaintPixels(plan, cache, slotOfPosition.AsSpan(q * rows.Stride, plan.KernelHeight), acc, sourceMemory.Span, width, channels, outputRow);
                    }
                    StoreRow(s, rows, columns, channels, acc, sourceMemory.Span, width, destinationMemory.Span, outputRow);
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

            if (tiles is not null)
            {
                ArrayPool<float>.Shared.Return(tiles);
            }
        }
    }

    /// <summary>
    /// Output row <paramref name="outputRow"/> from its sums (compacted to the output's columns): divided, biased,
    /// rounded and clamped, through alpha or linear light where the step asks, with unselected channels copied.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void StoreRow<T>(in ConvolutionStep s, KernelSamplingMap rows, KernelSamplingMap columns, int channels, Span<float> acc, ReadOnlySpan<T> source, int width, Span<T> destination, int outputRow)
        where T : unmanaged
    {
        int outWidth = columns.OutputLength;
        Span<T> dst = destination.Slice(outputRow * outWidth * channels, outWidth * channels);
        if (s.Alpha is AlphaWeighting alpha)
        {
            float divisor = s.Matrices.Length > 1 ? 1f : s.Divisors[0];
            int centreRow = (outputRow * rows.Stride) + rows.CentreOffset;
            alpha.StoreRow(acc, divisor, s.Max, s.Range == OutputRange.Absolute, s.Selected, source.Slice(centreRow * width * channels, width * channels), columns.Stride, columns.CentreOffset, dst);
        }
        else
        {
            StoreSamples(s, channels, acc.Slice(0, outWidth * channels), dst);
            OutputRows.CopyUnselected(source, width, channels, outputRow, rows, columns, s.Selected, dst);
        }
    }

    /// <summary>
    /// Output samples from their sums into the start of <paramref name="destination"/>, without alpha weighting and
    /// leaving the unselected channels alone: linear light encoded back, or the divisor, bias and range applied.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void StoreSamples<T>(in ConvolutionStep s, int channels, ReadOnlySpan<float> sums, Span<T> destination)
        where T : unmanaged
    {
        bool combined = s.Matrices.Length > 1;
        float divisor = combined ? 1f : s.Divisors[0];
        Span<T> dst = destination.Slice(0, sums.Length);
        if (s.LinearLight)
        {
            SrgbTransfer.Store(sums, divisor, combined ? 0f : s.Bias, s.Max, s.Range == OutputRange.Absolute, channels, channels is 2 or 4, dst);
        }
        else
        {
            SampleConversion.Store(sums, divisor, combined ? 0f : s.Bias, s.Max, s.Range == OutputRange.Absolute, dst);
        }
    }

    // One output row from the cached rows in rowSlots: the separable vertical pass, the terms of a decomposed
    // kernel, one matrix, or an operator.
    [MethodImpl(Jit.HotLoop)]
    private static void OneRow(FloatPlan plan, RowCache<float> cache, Span<int> rowSlots, int[] offsets, Span<float> acc, float[]? response, float[]? tiles, int channels)
    {
        ConvolutionStep s = plan.Step;
        int kw = plan.KernelWidth;
        if (plan.Separable)
        {
            for (int i = 0; i < rowSlots.Length; i++)
            {
                offsets[i] = rowSlots[i] * cache.RowLength;
            }

            RowCorrelation.Correlate(cache.All, acc, plan.VerticalWeights, offsets.AsSpan(0, rowSlots.Length));
            return;
        }

        if (plan.Decomposed)
        {
            DecomposedRow(plan, cache, rowSlots, offsets, acc, tiles!);
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

            RowCorrelation.Correlate(cache.All, target, plan.TapWeights[m], offsets.AsSpan(0, local.Length));
            if (s.Matrices.Length > 1)
            {
                RowArithmetic.DivideAndOffset(target, s.Divisors[m], s.Bias);
                if (m > 0)
                {
                    Combine(s.Combination, acc, target);
                }
                else if (s.Combination == KernelCombination.Magnitude)
                {
                    RowArithmetic.AccumulateSquares(acc, acc, first: true);
                }
            }
        }

        if (s.Combination == KernelCombination.Magnitude)
        {
            RowArithmetic.SquareRoot(acc);
        }
    }

    // A decomposed kernel's output row, a tile of columns at a time: each term's vertical pass over the tile (and
    // its halo) of the kernel's padded rows, then every term's horizontal pass summed in one correlation.
    [MethodImpl(Jit.HotLoop)]
    private static void DecomposedRow(FloatPlan plan, RowCache<float> cache, Span<int> rowSlots, int[] offsets, Span<float> acc, float[] tiles)
    {
        int halo = plan.PaddedLength - plan.RowLength;
        int kh = rowSlots.Length;
        Span<int> vertical = offsets.AsSpan(0, kh);

        // Folded passes read rows i and kh-1-i as a pair; an odd kernel's centre row pairs with itself.
        Span<int> low = stackalloc int[(kh + 1) / 2];
        Span<int> high = stackalloc int[(kh + 1) / 2];
        float[][] columns = plan.VerticalColumns!;
        float[][] folded = plan.FoldedColumns!;
        for (int x = 0; x < acc.Length; x += plan.TileLength)
        {
            int length = Math.Min(plan.TileLength, acc.Length - x);
            for (int i = 0; i < kh; i++)
            {
                vertical[i] = (rowSlots[i] * cache.RowLength) + x;
            }

            for (int i = 0; i < low.Length; i++)
            {
                low[i] = vertical[i];
                high[i] = vertical[kh - 1 - i];
            }

            // Four terms at a time share each load of the padded rows; a group of one parity folds its pairs of rows.
            for (int r = 0; r < columns.Length; r += 4)
            {
                int parity = plan.VerticalFolding![r / 4];
                Span<float> t0 = tiles.AsSpan(r * plan.TileStride, length + halo);
                Span<float> t1 = tiles.AsSpan((r + 1) * plan.TileStride, length + halo);
                Span<float> t2 = tiles.AsSpan((r + 2) * plan.TileStride, length + halo);
                Span<float> t3 = tiles.AsSpan((r + 3) * plan.TileStride, length + halo);
                if (parity == 0 || !RowCorrelation.CanFold)
                {
                    RowCorrelation.Correlate4(cache.All, t0, t1, t2, t3, columns[r], columns[r + 1], columns[r + 2], columns[r + 3], vertical);
                }
                else
                {
                    // An antisymmetric column's centre weight is 0: its centre pair adds (c - c) × 0.
                    RowCorrelation.Correlate4Folded(cache.All, t0, t1, t2, t3, folded[r], folded[r + 1], folded[r + 2], folded[r + 3], low, high, subtract: parity < 0);
                }
            }

            RowCorrelation.Correlate(tiles.AsSpan(0, columns.Length * plan.TileStride), acc.Slice(x, length), plan.HorizontalWeights, plan.HorizontalTermOffsets);
        }
    }

    // An alpha-weighted step run as several separable terms: pixels whose dividing alpha is below
    // SeparablePlanning.FaintAlpha of max, where the terms' error bound no longer holds for the colour, get their
    // sums recomputed from the padded rows with the 2-D kernel, as the direct path computes them.
    private static void RecomputeFaintPixels<T>(FloatPlan plan, RowCache<float> cache, ReadOnlySpan<int> rowSlots, Span<float> acc, ReadOnlySpan<T> source, int width, int n, int outputRow)
        where T : unmanaged
    {
        ConvolutionStep s = plan.Step;
        AlphaWeighting alpha = s.Alpha!;
        KernelSamplingMap rows = plan.Rows;
        KernelSamplingMap columns = plan.Columns;
        int a = n - 1;
        float faint = SeparablePlanning.FaintAlpha * s.Max;
        float weightSum = (float)s.Matrices[0].Sum;
        ReadOnlySpan<T> centre = source.Slice(((outputRow * rows.Stride) + rows.CentreOffset) * width * n, width * n);
        ReadOnlySpan<float> all = cache.All;
        float[] weights = plan.TapWeights[0];
        int[] positions = plan.TapPositions[0];
        int kw = plan.KernelWidth;
        Span<float> sums = stackalloc float[n];
        for (int x = 0; x < plan.OutWidth; x++)
        {
            // A blur divides by its convolved alpha (as a share of the weights' sum), other kernels by the source alpha.
            float dividing = alpha.DivideByConvolvedAlpha
                ? acc[(x * n) + a] / weightSum
                : SampleConversion.ToFloat(centre[(((x * columns.Stride) + columns.CentreOffset) * n) + a]);
            if (dividing >= faint)
            {
                continue;
            }

            sums.Clear();
            int column = x * columns.Stride * n;
            for (int t = 0; t < weights.Length; t++)
            {
                int i = positions[t] / kw;
                int j = positions[t] % kw;
                int start = (rowSlots[i] * cache.RowLength) + column + (j * n);
                for (int c = 0; c < n; c++)
                {
                    sums[c] += weights[t] * all[start + c];
                }
            }

            sums.CopyTo(acc.Slice(x * n, n));
        }
    }

    private static void Combine(KernelCombination combination, Span<float> acc, Span<float> response)
    {
        if (combination == KernelCombination.Magnitude)
        {
            RowArithmetic.AccumulateSquares(acc, response, first: false);
        }
        else
        {
            RowArithmetic.Maximum(acc, response);
        }
    }
}
