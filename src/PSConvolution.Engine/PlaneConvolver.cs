using System;
using System.Buffers;
using System.Threading.Tasks;

namespace PSConvolution.Engine;

/// <summary>
/// Correlates one float plane with one kernel matrix: <c>dst = sum(K * P) / divisor + bias</c>, unrounded.
/// Border handling comes entirely from the two <see cref="KernelSamplingMap"/>s.
/// </summary>
internal static class PlaneConvolver
{
    /// <summary>Convolves <paramref name="source"/> (width x height) into <paramref name="destination"/> (cols.OutputLength x rows.OutputLength).</summary>
    public static void Convolve(
        float[] source,
        int width,
        int height,
        KernelMatrix matrix,
        KernelSamplingMap rows,
        KernelSamplingMap columns,
        float borderValue,
        float divisor,
        float bias,
        float[] destination,
        ParallelOptions parallel)
    {
        if (matrix.IsSeparable && matrix.Width > 1 && matrix.Height > 1)
        {
            ConvolveSeparable(source, width, height, matrix, rows, columns, borderValue, divisor, bias, destination, parallel);
        }
        else
        {
            ConvolveDirect(source, width, height, matrix, rows, columns, borderValue, divisor, bias, destination, parallel);
        }
    }

    /// <summary>Copies the sample under each output pixel's anchor: what an unselected channel gets.</summary>
    public static void SampleCentres(float[] source, int width, KernelSamplingMap rows, KernelSamplingMap columns, float[] destination, ParallelOptions parallel)
    {
        int outWidth = columns.OutputLength;
        ForBands(rows.OutputLength, parallel, (start, end) =>
        {
            for (int y = start; y < end; y++)
            {
                int sy = (y * rows.Stride) + rows.CentreOffset;
                ReadOnlySpan<float> src = source.AsSpan(sy * width, width);
                Span<float> dst = destination.AsSpan(y * outWidth, outWidth);
                if (columns.Stride == 1)
                {
                    src.Slice(columns.CentreOffset, outWidth).CopyTo(dst);
                }
                else
                {
                    for (int x = 0; x < outWidth; x++)
                    {
                        dst[x] = src[(x * columns.Stride) + columns.CentreOffset];
                    }
                }
            }
        });
    }

    /// <summary>Runs <paramref name="body"/> over [start, end) bands of <paramref name="count"/> rows, a few bands per thread.</summary>
    public static void ForBands(int count, ParallelOptions parallel, Action<int, int> body)
    {
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int bands = Math.Clamp(threads * 4, 1, count);
        if (bands == 1 || threads == 1)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            body(0, count);
            return;
        }

        Parallel.For(0, bands, parallel, b =>
        {
            int start = (int)((long)count * b / bands);
            int end = (int)((long)count * (b + 1) / bands);
            body(start, end);
        });
    }

    // Fills one padded row: the source row gathered through the column map, with index `width` standing for
    // the constant border. Row index `height` is the constant row itself.
    private static void GatherRow(float[] source, int width, int height, int row, KernelSamplingMap columns, float borderValue, Span<float> scratch, Span<float> padded)
    {
        if (row == height)
        {
            padded.Fill(borderValue);
            return;
        }

        source.AsSpan(row * width, width).CopyTo(scratch);
        scratch[width] = borderValue;
        int[] map = columns.Indices;
        for (int p = 0; p < padded.Length; p++)
        {
            padded[p] = scratch[map[p]];
        }
    }

    private static void ConvolveDirect(
        float[] source,
        int width,
        int height,
        KernelMatrix matrix,
        KernelSamplingMap rows,
        KernelSamplingMap columns,
        float borderValue,
        float divisor,
        float bias,
        float[] destination,
        ParallelOptions parallel)
    {
        // Pad every source row once (plus the constant row), so each tap is a contiguous multiply-add.
        int paddedWidth = columns.PaddedLength;
        float[] padded = ArrayPool<float>.Shared.Rent(checked(paddedWidth * (height + 1)));
        try
        {
            ForBands(height + 1, parallel, (start, end) =>
            {
                float[] scratch = ArrayPool<float>.Shared.Rent(width + 1);
                for (int r = start; r < end; r++)
                {
                    GatherRow(source, width, height, r, columns, borderValue, scratch, padded.AsSpan(r * paddedWidth, paddedWidth));
                }

                ArrayPool<float>.Shared.Return(scratch);
            });

            int kw = matrix.Width;
            int kh = matrix.Height;
            var weights = new float[kw * kh];
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    weights[(i * kw) + j] = (float)matrix[i, j];
                }
            }

            int outWidth = columns.OutputLength;
            int stride = columns.Stride;
            ForBands(rows.OutputLength, parallel, (start, end) =>
            {
                for (int y = start; y < end; y++)
                {
                    Span<float> acc = destination.AsSpan(y * outWidth, outWidth);
                    acc.Clear();
                    for (int i = 0; i < kh; i++)
                    {
                        int r = rows.Indices[(y * rows.Stride) + i];
                        ReadOnlySpan<float> row = padded.AsSpan(r * paddedWidth, paddedWidth);
                        for (int j = 0; j < kw; j++)
                        {
                            float w = weights[(i * kw) + j];
                            if (w == 0)
                            {
                                continue; // sparse kernels (Laplacian, Sobel, compass) skip their zeros
                            }

                            if (stride == 1)
                            {
                                RowKernels.MultiplyAdd(acc, row.Slice(j), w);
                            }
                            else
                            {
                                RowKernels.MultiplyAddStrided(acc, row.Slice(j), stride, w);
                            }
                        }
                    }

                    RowKernels.DivideAndOffset(acc, divisor, bias);
                }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(padded);
        }
    }

    private static void ConvolveSeparable(
        float[] source,
        int width,
        int height,
        KernelMatrix matrix,
        KernelSamplingMap rows,
        KernelSamplingMap columns,
        float borderValue,
        float divisor,
        float bias,
        float[] destination,
        ParallelOptions parallel)
    {
        float[] rowFactor = ToFloat(matrix.RowFactor!);
        float[] columnFactor = ToFloat(matrix.ColumnFactor!);
        int outWidth = columns.OutputLength;
        int paddedWidth = columns.PaddedLength;
        int stride = columns.Stride;

        // Pass 1: every source row (plus the constant row) filtered horizontally, already strided in x.
        float[] horizontal = ArrayPool<float>.Shared.Rent(checked(outWidth * (height + 1)));
        try
        {
            ForBands(height + 1, parallel, (start, end) =>
            {
                float[] scratch = ArrayPool<float>.Shared.Rent(width + 1);
                float[] padded = ArrayPool<float>.Shared.Rent(paddedWidth);
                for (int r = start; r < end; r++)
                {
                    GatherRow(source, width, height, r, columns, borderValue, scratch, padded.AsSpan(0, paddedWidth));
                    Span<float> acc = horizontal.AsSpan(r * outWidth, outWidth);
                    acc.Clear();
                    for (int j = 0; j < rowFactor.Length; j++)
                    {
                        if (stride == 1)
                        {
                            RowKernels.MultiplyAdd(acc, padded.AsSpan(j, paddedWidth - j), rowFactor[j]);
                        }
                        else
                        {
                            RowKernels.MultiplyAddStrided(acc, padded.AsSpan(j, paddedWidth - j), stride, rowFactor[j]);
                        }
                    }
                }

                ArrayPool<float>.Shared.Return(padded);
                ArrayPool<float>.Shared.Return(scratch);
            });

            // Pass 2: vertical, reading intermediate rows through the row map (row `height` is the constant row).
            ForBands(rows.OutputLength, parallel, (start, end) =>
            {
                for (int y = start; y < end; y++)
                {
                    Span<float> acc = destination.AsSpan(y * outWidth, outWidth);
                    acc.Clear();
                    for (int i = 0; i < columnFactor.Length; i++)
                    {
                        int r = rows.Indices[(y * rows.Stride) + i];
                        RowKernels.MultiplyAdd(acc, horizontal.AsSpan(r * outWidth, outWidth), columnFactor[i]);
                    }

                    RowKernels.DivideAndOffset(acc, divisor, bias);
                }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(horizontal);
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
