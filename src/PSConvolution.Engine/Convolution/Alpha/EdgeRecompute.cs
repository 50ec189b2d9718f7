using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// Edge pixels recomputed from the formulas in double precision: premultiplied sums over the window, divided by the
/// alpha that divides; for RGBA and the common blurs, in integers that give the same bytes (<see cref="IsExact"/>).
/// </summary>
internal static partial class EdgeRecompute
{
    // Premultiplied sums over each edge pixel's window. A separable kernel sums each padded column of the window
    // once for a run of nearby edge pixels, then the runs horizontally: kh + kw products a pixel instead of kh x kw.
    // Always in double precision: the integer form of the common blurs runs a block of rows at once (CorrectRows).
    [MethodImpl(Jit.HotLoop)]
    public static void CorrectEdges(ReadOnlySpan<byte> source, int width, int height, int n, Span<byte> dst, in ConvolutionStep step, AlphaWeighting alpha, KernelTaps taps, KernelSamplingMap rows, KernelSamplingMap columns, int y, ReadOnlySpan<int> edges)
    {
        Span<int> rowStarts = stackalloc int[rows.Taps];
        RowStarts(rows, y, width * n, height, rowStarts);

        double border = step.BorderValue;
        if (taps.Column is null || taps.Row is null)
        {
            foreach (int x in edges)
            {
                var sums = default(PremultipliedSums);
                int p = x * columns.Stride;
                for (int t = 0; t < taps.Count; t++)
                {
                    sums.Add(source, n, rowStarts[taps.Rows[t]], columns.Indices[p + taps.Columns[t]], width, border, taps.Weights[t]);
                }

                Finish(source, width, n, dst, step, alpha, rows, columns, y, x, sums);
            }

            return;
        }

        double[] column = taps.Column;
        double[] row = taps.Row;
        if (n == 4)
        {
            bool done = false;
            CorrectRgbaEdges(source, width, dst, step, alpha, column, row, rowStarts, rows, columns, y, edges, ref done);
            if (done)
            {
                return;
            }
        }

        int kw = row.Length;
        PremultipliedSums[] vertical = ArrayPool<PremultipliedSums>.Shared.Rent(columns.PaddedLength);
        try
        {
            for (int e = 0; e < edges.Length;)
            {
                int last = RunEnd(edges, e, columns.Stride, kw);

                int first = edges[e] * columns.Stride;
                int end = (edges[last] * columns.Stride) + kw;
                for (int p = first; p < end; p++)
                {
                    var sums = default(PremultipliedSums);
                    int col = columns.Indices[p];
                    for (int i = 0; i < column.Length; i++)
                    {
                        sums.Add(source, n, rowStarts[i], col, width, border, column[i]);
                    }

                    vertical[p] = sums;
                }

                for (int k = e; k <= last; k++)
                {
                    int x = edges[k];
                    var sums = default(PremultipliedSums);
                    for (int j = 0; j < kw; j++)
                    {
                        sums.Add(row[j], vertical[(x * columns.Stride) + j]);
                    }

                    Finish(source, width, n, dst, step, alpha, rows, columns, y, x, sums);
                }

                e = last + 1;
            }
        }
        finally
        {
            ArrayPool<PremultipliedSums>.Shared.Return(vertical);
        }
    }

    /// <summary>
    /// Recomputes the listed pixels of output rows [<paramref name="y0"/>, <paramref name="y1"/>) of
    /// <paramref name="destination"/> (the whole output), as <see cref="CorrectEdges"/> does each row's, or, for an
    /// operator of several matrices, <see cref="CorrectOperatorEdges"/>.
    /// </summary>
    public static void CorrectRows(ReadOnlySpan<byte> source, int width, int height, int n, Span<byte> destination, in ConvolutionStep step, AlphaWeighting alpha, KernelTaps[] matrices, KernelSamplingMap rows, KernelSamplingMap columns, EdgePixels edges, int y0, int y1)
    {
        bool done = false;
        if (matrices.Length == 1 && n == 4 && IsExact(step, alpha, matrices[0]))
        {
            CorrectRgbaRowsExact(source, width, height, destination, step, alpha, matrices[0], rows, columns, edges, y0, y1, ref done);
            if (done)
            {
                return;
            }
        }

        int rowLength = columns.OutputLength * n;
        for (int y = y0; y < y1; y++)
        {
            ReadOnlySpan<int> listed = edges.Row(y);
            Span<byte> row = destination.Slice(y * rowLength, rowLength);
            if (listed.Length > 0 && matrices.Length > 1)
            {
                CorrectOperatorEdges(source, width, height, n, row, step, alpha, matrices, rows, columns, y, listed);
            }
            else if (listed.Length > 0)
            {
                CorrectEdges(source, width, height, n, row, step, alpha, matrices[0], rows, columns, y, listed);
            }
        }
    }

    /// <summary>
    /// The listed pixels of output row <paramref name="y"/> for an operator of several matrices (a gradient
    /// magnitude or a compass maximum; <see cref="AlphaEdgeCorrection.Applies"/>), which keeps alpha and divides its
    /// combined response by the source's: each matrix's premultiplied sums over the window in double precision,
    /// divided by its divisor, combined as the single-precision path combines them (squares summed and the root
    /// taken, or the largest kept), then divided by the centre pixel's alpha; 0 where that alpha is 0.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    private static void CorrectOperatorEdges(ReadOnlySpan<byte> source, int width, int height, int n, Span<byte> dst, in ConvolutionStep step, AlphaWeighting alpha, KernelTaps[] matrices, KernelSamplingMap rows, KernelSamplingMap columns, int y, ReadOnlySpan<int> edges)
    {
        Span<int> rowStarts = stackalloc int[rows.Taps];
        RowStarts(rows, y, width * n, height, rowStarts);
        Span<double> combined = stackalloc double[3];
        double border = step.BorderValue;
        bool magnitude = step.Combination == KernelCombination.Magnitude;
        bool absolute = step.Range == OutputRange.Absolute;
        int a = n - 1;
        int centreRow = ((y * rows.Stride) + rows.CentreOffset) * width;
        foreach (int x in edges)
        {
            int p = x * columns.Stride;
            for (int m = 0; m < matrices.Length; m++)
            {
                KernelTaps taps = matrices[m];
                var sums = default(PremultipliedSums);
                for (int t = 0; t < taps.Count; t++)
                {
                    sums.Add(source, n, rowStarts[taps.Rows[t]], columns.Indices[p + taps.Columns[t]], width, border, taps.Weights[t]);
                }

                double divisor = step.Divisors[m];
                for (int c = 0; c < a; c++)
                {
                    double response = sums.Colour(c) / divisor;
                    combined[c] = magnitude ? (m == 0 ? 0 : combined[c]) + (response * response)
                        : m == 0 ? response : Math.Max(combined[c], response);
                }
            }

            double dividing = source[((centreRow + p + columns.CentreOffset) * n) + a];
            for (int c = 0; c < a; c++)
            {
                if (step.Selected[c])
                {
                    double value = magnitude ? Math.Sqrt(combined[c]) : combined[c];
                    dst[(x * n) + c] = Quantize((dividing != 0 ? value / dividing : 0) + alpha.Bias, absolute);
                }
            }
        }
    }

    // Where each kernel row of output row y starts in the source (rows of rowLength samples); -1 for the constant
    // border's row.
    private static void RowStarts(KernelSamplingMap rows, int y, int rowLength, int height, Span<int> starts)
    {
        for (int i = 0; i < rows.Taps; i++)
        {
            int r = rows.Indices[(y * rows.Stride) + i];
            starts[i] = r == height ? -1 : r * rowLength;
        }
    }

    // Divides the premultiplied sums by the dividing alpha and writes the pixel. Called for every edge pixel, so
    // compiled optimised from the start: as a tier-0 method it stayed one through whole runs, with Quantize and the
    // getters it calls left as calls.
    [MethodImpl(Jit.HotLoop)]
    private static void Finish(ReadOnlySpan<byte> source, int width, int n, Span<byte> dst, in ConvolutionStep step, AlphaWeighting alpha, KernelSamplingMap rows, KernelSamplingMap columns, int y, int x, in PremultipliedSums sums)
    {
        int a = n - 1;
        bool absolute = step.Range == OutputRange.Absolute;
        double bias = alpha.Bias;
        double divisor = step.Divisors[0];
        int centre = ((((y * rows.Stride) + rows.CentreOffset) * width) + ((x * columns.Stride) + columns.CentreOffset)) * n;
        double convolvedAlpha = sums.Alpha / divisor;
        double dividing = alpha.DivideByConvolvedAlpha ? convolvedAlpha : source[centre + a];
        for (int c = 0; c < a; c++)
        {
            if (step.Selected[c])
            {
                double colour = dividing != 0 ? sums.Colour(c) / divisor / dividing : 0;
                dst[(x * n) + c] = Quantize(colour + bias, absolute);
            }
        }

        if (alpha.ConvolveAlpha)
        {
            dst[(x * n) + a] = Quantize(convolvedAlpha + bias, absolute);
        }
    }

    // The last edge pixel of the run from edges[e] on: edge pixels close enough to share padded columns.
    private static int RunEnd(ReadOnlySpan<int> edges, int e, int stride, int kw)
    {
        int last = e;
        while (last + 1 < edges.Length && (edges[last + 1] - edges[last]) * stride < kw)
        {
            last++;
        }

        return last;
    }

    // The vector loops for RGBA and a separable kernel, where the machine has them (they set done); without an
    // implementation (netstandard2.0) the call is removed.
    static partial void CorrectRgbaEdges(ReadOnlySpan<byte> source, int width, Span<byte> dst, in ConvolutionStep step, AlphaWeighting alpha, double[] column, double[] row, ReadOnlySpan<int> rowStarts, KernelSamplingMap rows, KernelSamplingMap columns, int y, ReadOnlySpan<int> edges, ref bool done);

    /// <summary>
    /// True where the premultiplied sums are integers that fit an int (<see cref="KernelTaps.IntegerColumn"/>) and the
    /// result is their quotient: a blur divided by its own sum, a power of two, without bias. The integer form computes
    /// it exactly, with one division. Where the matrix's double factors are exact too (the built-in blurs), the double
    /// form's (ΣKCa / d) / (ΣKa / d) is the same quotient correctly rounded (d scales exactly), and the two give the
    /// same bytes; where they are not (3 5 3 down, say), the double sums can round an exact tie the other way.
    /// </summary>
    internal static bool IsExact(in ConvolutionStep step, AlphaWeighting alpha, KernelTaps taps)
        => taps.IntegerColumn is not null && alpha.DivideByConvolvedAlpha && alpha.Bias == 0 && step.Max == 255
            && step.Divisors[0] == taps.IntegerSum && (taps.IntegerSum & (taps.IntegerSum - 1)) == 0
            && step.BorderValue == Math.Round(step.BorderValue) && step.BorderValue is >= 0 and <= 255;

    // The exact integer form of the vector loops for a block of rows, where the machine has them (they set done).
    static partial void CorrectRgbaRowsExact(ReadOnlySpan<byte> source, int width, int height, Span<byte> destination, in ConvolutionStep step, AlphaWeighting alpha, KernelTaps taps, KernelSamplingMap rows, KernelSamplingMap columns, EdgePixels edges, int y0, int y1, ref bool done);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Quantize(double v, bool absolute)
    {
        if (absolute)
        {
            v = Math.Abs(v);
        }

        return (byte)Math.Round(Math.Clamp(v, 0, 255), MidpointRounding.ToEven);
    }
}
