using System;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Threading.Tasks;

namespace PSConvolution.Engine;

/// <summary>
/// Convolves interleaved rows directly: every channel of a row is one flat float signal in which a horizontal tap
/// is an offset of <c>channels</c> samples, so no de-interleaving is needed and each tap is one contiguous
/// vectorised multiply-add. Rows stream through a small per-band <see cref="RowCache"/>, so working memory is a
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
    }

    public static void Convolve<T>(ReadOnlyMemory<T> source, int width, int height, int channels, Memory<T> destination, in Step step, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel)
        where T : unmanaged
    {
        Step s = step;
        KernelMatrix first = s.Matrices[0];
        bool separable = s.Matrices.Length == 1 && first.IsSeparable && first.Width > 1 && first.Height > 1;
        int outWidth = columns.OutputLength;
        int fullWidth = ((outWidth - 1) * columns.Stride) + 1; // computed at stride 1 in x, then every stride-th kept
        int rowLength = fullWidth * channels;
        int paddedLength = columns.PaddedLength * channels;
        int slots = first.Height + rows.Stride + 1;
        float[][] weights = new float[s.Matrices.Length][];
        for (int m = 0; m < weights.Length; m++)
        {
            weights[m] = ToFloat(s.Matrices[m].ToArray());
        }

        float[]? rowFactor = separable ? ToFloat(first.RowFactor!) : null;
        float[]? columnFactor = separable ? ToFloat(first.ColumnFactor!) : null;

        int[][] tapOffsets = new int[s.Matrices.Length][];
        float[][] tapWeights = new float[s.Matrices.Length][];
        for (int m = 0; m < weights.Length; m++)
        {
            (tapWeights[m], tapOffsets[m]) = NonZeroTaps(weights[m]);
        }

        int cacheRowLength = separable ? rowLength : paddedLength;
        PlaneConvolver.ForBands(rows.OutputLength, parallel, (start, end) =>
        {
            using var cache = new RowCache(slots, cacheRowLength);
            float[] padded = ArrayPool<float>.Shared.Rent(paddedLength);
            float[] accumulator = ArrayPool<float>.Shared.Rent(rowLength);
            float[]? response = s.Matrices.Length > 1 ? ArrayPool<float>.Shared.Rent(rowLength) : null;
            int kh = first.Height;
            int kw = first.Width;
            int[] slotOfRow = new int[kh];
            int[] offsets = new int[kh * kw];
            int[] horizontalOffsets = new int[kw];
            for (int j = 0; j < kw; j++)
            {
                horizontalOffsets[j] = j * channels;
            }

            try
            {
                for (int y = start; y < end; y++)
                {
                    // Bring the kernel's rows into the cache, never evicting one this output row reads.
                    for (int i = 0; i < kh; i++)
                    {
                        int r = rows.Indices[(y * rows.Stride) + i];
                        int slot = cache.Find(r);
                        if (slot < 0)
                        {
                            slot = cache.Claim(r, slotOfRow.AsSpan(0, i));
                            if (separable)
                            {
                                FillPadded(source.Span, width, height, channels, r, columns, s.BorderValue, padded.AsSpan(0, paddedLength));
                                RowKernels.CorrelateAdd(padded.AsSpan(0, paddedLength), cache.Row(slot).Slice(0, rowLength), rowFactor, horizontalOffsets, accumulate: false);
                            }
                            else
                            {
                                FillPadded(source.Span, width, height, channels, r, columns, s.BorderValue, cache.Row(slot).Slice(0, paddedLength));
                            }
                        }

                        slotOfRow[i] = slot;
                    }

                    Span<float> acc = accumulator.AsSpan(0, rowLength);
                    if (separable)
                    {
                        for (int i = 0; i < kh; i++)
                        {
                            offsets[i] = slotOfRow[i] * cache.RowLength;
                        }

                        RowKernels.CorrelateAdd(cache.All, acc, columnFactor, offsets.AsSpan(0, kh), accumulate: false);
                    }
                    else
                    {
                        for (int m = 0; m < s.Matrices.Length; m++)
                        {
                            Span<float> target = m == 0 ? acc : response.AsSpan(0, rowLength);
                            int[] local = tapOffsets[m];
                            for (int t = 0; t < local.Length; t++)
                            {
                                // local[t] encodes (row i, column j) as i * kw + j.
                                offsets[t] = (slotOfRow[local[t] / kw] * cache.RowLength) + ((local[t] % kw) * channels);
                            }

                            RowKernels.CorrelateAdd(cache.All, target, tapWeights[m], offsets.AsSpan(0, local.Length), accumulate: false);
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

                    if (columns.Stride > 1)
                    {
                        Compact(acc, outWidth, columns.Stride, channels);
                    }

                    bool combined = s.Matrices.Length > 1;
                    Span<T> dst = destination.Span.Slice(y * outWidth * channels, outWidth * channels);
                    SampleConversion.Store(acc.Slice(0, outWidth * channels), combined ? 1f : s.Divisors[0], combined ? 0f : s.Bias, s.Max, s.Range == OutputRange.Absolute, dst);
                    CopyUnselected(source.Span, width, channels, y, rows, columns, s.Selected, dst);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(padded);
                ArrayPool<float>.Shared.Return(accumulator);
                if (response is not null)
                {
                    ArrayPool<float>.Shared.Return(response);
                }
            }
        });
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

    // One source row (or the constant row, index `height`) as floats, extended by the column map.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillPadded<T>(ReadOnlySpan<T> source, int width, int height, int channels, int row, KernelSamplingMap columns, float borderValue, Span<float> padded)
        where T : unmanaged
    {
        if (row == height)
        {
            padded.Fill(borderValue);
            return;
        }

        ReadOnlySpan<T> src = source.Slice(row * width * channels, width * channels);
        int[] map = columns.Indices;

        // Interior positions map to consecutive source columns: convert them in one vectorised run.
        int p = 0;
        while (p < map.Length)
        {
            int column = map[p];
            int run = 1;
            if (column < width)
            {
                while (p + run < map.Length && column + run < width && map[p + run] == column + run)
                {
                    run++;
                }

                SampleConversion.ToFloat(src.Slice(column * channels, run * channels), padded.Slice(p * channels, run * channels));
            }
            else
            {
                padded.Slice(p * channels, channels).Fill(borderValue);
            }

            p += run;
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compact(Span<float> acc, int outWidth, int stride, int channels)
    {
        for (int x = 1; x < outWidth; x++)
        {
            acc.Slice(x * stride * channels, channels).CopyTo(acc.Slice(x * channels, channels));
        }
    }

    // Channels not selected keep the sample under each output pixel's anchor.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyUnselected<T>(ReadOnlySpan<T> source, int width, int channels, int y, KernelSamplingMap rows, KernelSamplingMap columns, bool[] selected, Span<T> destination)
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
