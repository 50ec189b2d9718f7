using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// Makes an unweighted result alpha-weighted where it is not already. Wherever every sample under the kernel
/// has the same alpha a, the alpha-weighted colour equals the unweighted one (Σ K·C·a / Σ K·a = Σ K·C / Σ K for
/// a blur whose divisor is its sum; (Σ K·C·a / d) / a = Σ K·C / d for any other kernel), and where that alpha is
/// 0 the colour is 0. So 8-bit images run the fast integer paths unweighted, and only the pixels whose window
/// holds more than one alpha value (the edges of a cut-out) are recomputed here, in double precision from the
/// formulas. Where such pixels are many (alpha that varies everywhere), a block of rows is recomputed by the
/// premultiplied float path instead.
/// </summary>
internal static class AlphaEdgeCorrection
{
    /// <summary>
    /// Correcting one pixel costs about one multiply-add per tap and channel; recomputing a block with the
    /// premultiplied float path costs about this many per pixel and channel.
    /// </summary>
    private const int RecomputeCostPerSample = 6;

    /// <summary>True when the unweighted result of <paramref name="step"/> is the weighted one wherever alpha is uniform.</summary>
    public static bool Applies(in ConvolutionStep step, AlphaWeighting alpha)
        => step.Matrices.Length == 1 && (!alpha.DivideByConvolvedAlpha || step.Divisors[0] == (float)step.Matrices[0].Sum);

    /// <summary>
    /// Runs the alpha-weighted <c>step</c>: block by block, <c>unweighted</c> writes output rows [start, end)
    /// without weighting, on one thread, and the block is corrected while its rows are still in cache, or, where
    /// most of its pixels lie on alpha edges, recomputed whole by <c>recompute</c> (the premultiplied float path).
    /// </summary>
    public static void Run(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, AlphaWeighting alpha, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, Action<int, int, ParallelOptions> unweighted, Action<int, int> recompute)
    {
        var taps = new Taps(step.Matrices[0]);
        var single = new ParallelOptions { MaxDegreeOfParallelism = 1, CancellationToken = parallel.CancellationToken };

        // Blocks of at least 16 rows, and four times the kernel's height, so rows cached by the integer path are reused.
        int blockRows = Math.Max(16, 4 * rows.Taps);
        int outWidth = columns.OutputLength;
        int chunks = (outWidth + Chunk - 1) / Chunk;
        RowBands.Run(rows.OutputLength, parallel, (start, end) =>
        {
            int maxPositions = ((blockRows - 1) * rows.Stride) + rows.Taps;
            int paddedLength = columns.PaddedLength;
            byte[] padded = ArrayPool<byte>.Shared.Rent(maxPositions * paddedLength);
            int[] chunkAlpha = ArrayPool<int>.Shared.Rent(maxPositions * chunks);
            int[] edges = ArrayPool<int>.Shared.Rent(blockRows * outWidth);
            int[] edgeCounts = new int[blockRows];
            byte[] low = ArrayPool<byte>.Shared.Rent(2 * ((Chunk * columns.Stride) + columns.Taps));
            byte[] high = ArrayPool<byte>.Shared.Rent(2 * ((Chunk * columns.Stride) + columns.Taps));
            try
            {
                for (int y0 = start; y0 < end; y0 += blockRows)
                {
                    parallel.CancellationToken.ThrowIfCancellationRequested();
                    int y1 = Math.Min(end, y0 + blockRows);
                    unweighted(y0, y1, single);
                    int positions = ((y1 - y0 - 1) * rows.Stride) + rows.Taps;

                    // The alpha of every row the block reads, and for each chunk of output pixels the one alpha value
                    // its window columns hold in that row, or Mixed. Where every invisible pixel the block reads has
                    // colour 0 (as most files store them), the unweighted result is already right over invisible
                    // windows: Σ K·0 / d + bias.
                    bool colouredInvisible = false;
                    for (int p = 0; p < positions; p++)
                    {
                        int r = rows.Indices[(y0 * rows.Stride) + p];
                        Span<byte> row = padded.AsSpan(p * paddedLength, paddedLength);
                        colouredInvisible |= PadAlpha(source, width, height, channels, r, columns, (byte)step.BorderValue, row);
                        ChunkValues(row, columns, chunks, chunkAlpha.AsSpan(p * chunks, chunks));
                    }

                    long edgeTotal = 0;
                    for (int y = y0; y < y1; y++)
                    {
                        var block = new BlockRows(padded, paddedLength, chunkAlpha, chunks, (y - y0) * rows.Stride, rows.Taps);
                        Span<int> rowEdges = edges.AsSpan((y - y0) * outWidth, outWidth);
                        edgeCounts[y - y0] = ClassifyRow(block, columns, destination.Span.Slice(y * outWidth * channels, outWidth * channels), channels, step, alpha, colouredInvisible, rowEdges, low, high);
                        edgeTotal += edgeCounts[y - y0];
                    }

                    long blockSamples = (long)(y1 - y0) * outWidth * channels;
                    if (edgeTotal * taps.Count * channels > blockSamples * RecomputeCostPerSample)
                    {
                        recompute(y0, y1);
                        continue;
                    }

                    for (int y = y0; y < y1; y++)
                    {
                        if (edgeCounts[y - y0] > 0)
                        {
                            CorrectEdges(source.Span, width, height, channels, destination.Span.Slice(y * outWidth * channels, outWidth * channels), step, alpha, taps, rows, columns, y, edges.AsSpan((y - y0) * outWidth, edgeCounts[y - y0]));
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(padded);
                ArrayPool<int>.Shared.Return(chunkAlpha);
                ArrayPool<int>.Shared.Return(edges);
                ArrayPool<byte>.Shared.Return(low);
                ArrayPool<byte>.Shared.Return(high);
            }
        });
    }

    /// <summary>Output pixels whose windows are judged together: one check when their columns hold one alpha.</summary>
    private const int Chunk = 64;

    /// <summary>A chunk's columns hold more than one alpha value in a row.</summary>
    private const int Mixed = -1;

    /// <summary>The padded alpha rows an output row's windows cover, with their chunk values.</summary>
    private readonly ref struct BlockRows
    {
        public BlockRows(byte[] padded, int paddedLength, int[] chunkAlpha, int chunks, int first, int count)
        {
            Padded = padded;
            PaddedLength = paddedLength;
            ChunkAlpha = chunkAlpha;
            Chunks = chunks;
            First = first;
            Count = count;
        }

        public byte[] Padded { get; }

        public int PaddedLength { get; }

        public int[] ChunkAlpha { get; }

        public int Chunks { get; }

        public int First { get; }

        public int Count { get; }

        public ReadOnlySpan<byte> Row(int i) => Padded.AsSpan((First + i) * PaddedLength, PaddedLength);

        public int ChunkValue(int i, int k) => ChunkAlpha[((First + i) * Chunks) + k];
    }

    // The padded columns that the windows of chunk k's output pixels cover.
    private static (int Start, int Length) ChunkColumns(KernelSamplingMap columns, int k)
    {
        int first = k * Chunk;
        int last = Math.Min(columns.OutputLength, first + Chunk) - 1;
        int start = first * columns.Stride;
        return (start, (last * columns.Stride) + columns.Taps - start);
    }

    // For each chunk, the one alpha value its columns hold in this row, or Mixed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChunkValues(ReadOnlySpan<byte> row, KernelSamplingMap columns, int chunks, Span<int> values)
    {
        for (int k = 0; k < chunks; k++)
        {
            (int start, int length) = ChunkColumns(columns, k);
            ReadOnlySpan<byte> span = row.Slice(start, length);
            values[k] = span.IndexOfAnyExcept(span[0]) < 0 ? span[0] : Mixed;
        }
    }

    // Classifies one output row's windows chunk by chunk: a chunk whose columns hold one alpha value in every row
    // of the window keeps the unweighted result (or, for alpha 0, the bias alone); otherwise each of its pixels is
    // judged by the minimum and maximum alpha of its own window. Returns the number of edge pixels listed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ClassifyRow(in BlockRows block, KernelSamplingMap columns, Span<byte> dst, int n, in ConvolutionStep step, AlphaWeighting alpha, bool colouredInvisible, Span<int> edges, byte[] low, byte[] high)
    {
        byte invisible = Quantize(alpha.Bias, step.Range == OutputRange.Absolute);
        (uint keep, uint fill) = PixelMasks(n, step.Selected, invisible);
        int count = 0;
        for (int k = 0; k < block.Chunks; k++)
        {
            int value = block.ChunkValue(0, k);
            for (int i = 1; i < block.Count && value != Mixed; i++)
            {
                value = block.ChunkValue(i, k) == value ? value : Mixed;
            }

            int first = k * Chunk;
            int pixels = Math.Min(columns.OutputLength, first + Chunk) - first;
            if (value != Mixed)
            {
                if (value == 0 && colouredInvisible)
                {
                    Fill(dst.Slice(first * n, pixels * n), n, step.Selected, invisible, keep, fill);
                }

                continue;
            }

            // Each window's minimum and maximum: along the rows over the kernel's width, then down its height.
            (int start, int length) = ChunkColumns(columns, k);
            int span = length - columns.Taps + 1;
            Span<byte> windowLow = low.AsSpan(0, span);
            Span<byte> windowHigh = high.AsSpan(0, span);
            Span<byte> rowLow = low.AsSpan(span, span);
            Span<byte> rowHigh = high.AsSpan(span, span);
            for (int i = 0; i < block.Count; i++)
            {
                MinMax(block.Row(i).Slice(start, length), columns.Taps, i == 0 ? windowLow : rowLow, i == 0 ? windowHigh : rowHigh);
                if (i > 0)
                {
                    Combine(windowLow, windowHigh, rowLow, rowHigh);
                }
            }

            for (int x = 0; x < pixels; x++)
            {
                int p = x * columns.Stride;
                if (windowLow[p] != windowHigh[p])
                {
                    edges[count++] = first + x;
                }
                else if (windowHigh[p] == 0 && colouredInvisible)
                {
                    Fill(dst.Slice((first + x) * n, n), n, step.Selected, invisible, keep, fill);
                }
            }
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine(Span<byte> low, Span<byte> high, ReadOnlySpan<byte> rowLow, ReadOnlySpan<byte> rowHigh)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; x <= low.Length - Vector<byte>.Count; x += Vector<byte>.Count)
            {
                Vector.Min(new Vector<byte>(low.Slice(x)), new Vector<byte>(rowLow.Slice(x))).CopyTo(low.Slice(x));
                Vector.Max(new Vector<byte>(high.Slice(x)), new Vector<byte>(rowHigh.Slice(x))).CopyTo(high.Slice(x));
            }
        }

        for (; x < low.Length; x++)
        {
            low[x] = Math.Min(low[x], rowLow[x]);
            high[x] = Math.Max(high[x], rowHigh[x]);
        }
    }

    // Sets the selected colour channels of whole pixels to the bias alone, keeping alpha and the others.
    private static void Fill(Span<byte> pixels, int n, bool[] selected, byte invisible, uint keep, uint fill)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && n is 2 or 4)
        {
            for (; i <= pixels.Length - (Vector<byte>.Count * n); i += Vector<byte>.Count * n)
            {
                ClearInvisible(pixels.Slice(i, Vector<byte>.Count * n), n, Vector<byte>.AllBitsSet, keep, fill);
            }
        }

        for (; i < pixels.Length; i += n)
        {
            for (int c = 0; c < n - 1; c++)
            {
                if (selected[c])
                {
                    pixels[i + c] = invisible;
                }
            }
        }
    }

    /// <summary>The alpha samples of one padded row (the border value outside the image).</summary>
    /// <returns>True when some pixel of the row has alpha 0 and a colour other than 0.</returns>
    private static bool PadAlpha(ReadOnlyMemory<byte> source, int width, int height, int channels, int row, KernelSamplingMap columns, byte border, Span<byte> padded)
    {
        if (row == height)
        {
            padded.Slice(0, columns.PaddedLength).Fill(border);
            return false;
        }

        var alpha = new AlphaOfRuns(source.Slice(row * width * channels, width * channels), channels);
        RowPadding.Fill(width, 1, columns, MemoryMarshal.CreateReadOnlySpan(ref border, 1), padded, ref alpha);
        return alpha.ColouredInvisible;
    }

    // The last byte of every pixel: for RGBA the top byte of each little-endian 32-bit pixel, for grey and
    // alpha the top byte of each 16-bit pixel, narrowed a vector at a time. Returns true when some pixel has
    // alpha 0 and a colour other than 0 (its word lies strictly between 0 and the smallest word with alpha 1).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ExtractAlpha(ReadOnlySpan<byte> pixels, int channels, Span<byte> alpha)
    {
        int x = 0;
        bool coloured = false;
        if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && channels == 4)
        {
            ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(pixels);
            int n = Vector<uint>.Count;
            var invisible = new Vector<uint>(0x00FFFFFFu);
            Vector<uint> any = Vector<uint>.Zero;
            for (; x <= alpha.Length - (4 * n); x += 4 * n)
            {
                var w0 = new Vector<uint>(words.Slice(x));
                var w1 = new Vector<uint>(words.Slice(x + n));
                var w2 = new Vector<uint>(words.Slice(x + (2 * n)));
                var w3 = new Vector<uint>(words.Slice(x + (3 * n)));

                // w - 1 <= 0x00FFFFFE exactly when 0 < w < 0x01000000 (0 - 1 wraps to the top).
                any |= Vector.LessThanOrEqual(w0 - Vector<uint>.One, invisible - Vector<uint>.One) | Vector.LessThanOrEqual(w1 - Vector<uint>.One, invisible - Vector<uint>.One)
                    | Vector.LessThanOrEqual(w2 - Vector<uint>.One, invisible - Vector<uint>.One) | Vector.LessThanOrEqual(w3 - Vector<uint>.One, invisible - Vector<uint>.One);
                Vector<ushort> lo = Vector.Narrow(w0 >> 24, w1 >> 24);
                Vector<ushort> hi = Vector.Narrow(w2 >> 24, w3 >> 24);
                Vector.Narrow(lo, hi).CopyTo(alpha.Slice(x));
            }

            coloured = any != Vector<uint>.Zero;
        }
        else if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && channels == 2)
        {
            ReadOnlySpan<ushort> words = MemoryMarshal.Cast<byte, ushort>(pixels);
            int n = Vector<ushort>.Count;
            var invisible = new Vector<ushort>((ushort)0x00FF);
            Vector<ushort> any = Vector<ushort>.Zero;
            for (; x <= alpha.Length - (2 * n); x += 2 * n)
            {
                var w0 = new Vector<ushort>(words.Slice(x));
                var w1 = new Vector<ushort>(words.Slice(x + n));
                any |= Vector.LessThanOrEqual(w0 - Vector<ushort>.One, invisible - Vector<ushort>.One) | Vector.LessThanOrEqual(w1 - Vector<ushort>.One, invisible - Vector<ushort>.One);
                Vector.Narrow(w0 >> 8, w1 >> 8).CopyTo(alpha.Slice(x));
            }

            coloured = any != Vector<ushort>.Zero;
        }

        for (; x < alpha.Length; x++)
        {
            ReadOnlySpan<byte> pixel = pixels.Slice(x * channels, channels);
            alpha[x] = pixel[channels - 1];
            if (pixel[channels - 1] == 0 && pixel.Slice(0, channels - 1).IndexOfAnyExcept((byte)0) >= 0)
            {
                coloured = true;
            }
        }

        return coloured;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MinMax(ReadOnlySpan<byte> padded, int taps, Span<byte> low, Span<byte> high)
    {
        padded.Slice(0, low.Length).CopyTo(low);
        padded.Slice(0, high.Length).CopyTo(high);
        for (int j = 1; j < taps; j++)
        {
            ReadOnlySpan<byte> shifted = padded.Slice(j, low.Length);
            int x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; x <= low.Length - Vector<byte>.Count; x += Vector<byte>.Count)
                {
                    var s = new Vector<byte>(shifted.Slice(x));
                    Vector.Min(new Vector<byte>(low.Slice(x)), s).CopyTo(low.Slice(x));
                    Vector.Max(new Vector<byte>(high.Slice(x)), s).CopyTo(high.Slice(x));
                }
            }

            for (; x < low.Length; x++)
            {
                low[x] = Math.Min(low[x], shifted[x]);
                high[x] = Math.Max(high[x], shifted[x]);
            }
        }
    }

    // Premultiplied sums over each edge pixel's window. A separable kernel sums each padded column of the window
    // once for a run of nearby edge pixels, then the runs horizontally: kh + kw products a pixel instead of kh x kw.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CorrectEdges(ReadOnlySpan<byte> source, int width, int height, int n, Span<byte> dst, in ConvolutionStep step, AlphaWeighting alpha, Taps taps, KernelSamplingMap rows, KernelSamplingMap columns, int y, ReadOnlySpan<int> edges)
    {
        // Where each kernel row starts in the source for this output row; -1 for the constant border row.
        Span<int> rowStarts = stackalloc int[rows.Taps];
        for (int i = 0; i < rows.Taps; i++)
        {
            int r = rows.Indices[(y * rows.Stride) + i];
            rowStarts[i] = r == height ? -1 : r * width * n;
        }

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
        int kw = row.Length;
        PremultipliedSums[] vertical = ArrayPool<PremultipliedSums>.Shared.Rent(columns.PaddedLength);
        try
        {
            for (int e = 0; e < edges.Length;)
            {
                // A run of edge pixels close enough to share padded columns.
                int last = e;
                while (last + 1 < edges.Length && (edges[last + 1] - edges[last]) * columns.Stride < kw)
                {
                    last++;
                }

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

    // Divides the premultiplied sums by the dividing alpha and writes the pixel.
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

    // For one pixel of n bytes: the bits to keep (alpha, channels not selected) and the bits to set where every
    // sample under the kernel is invisible (the selected colour channels, at the bias).
    private static (uint Keep, uint Fill) PixelMasks(int n, bool[] selected, byte invisible)
    {
        uint keep = 0;
        uint fill = 0;
        for (int c = 0; c < n; c++)
        {
            if (c < n - 1 && selected[c])
            {
                fill |= (uint)invisible << (8 * c);
            }
            else
            {
                keep |= 0xFFu << (8 * c);
            }
        }

        return (keep, fill);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ClearInvisible(Span<byte> pixels, int n, Vector<byte> empty, uint keep, uint fill)
    {
        // Widened as signed values, so a lane of all ones stays all ones (zero extension would keep only the low byte).
        Vector.Widen(Vector.AsVectorSByte(empty), out Vector<short> e0, out Vector<short> e1);
        if (n == 2)
        {
            Span<ushort> words = MemoryMarshal.Cast<byte, ushort>(pixels);
            var keepWords = new Vector<ushort>((ushort)keep);
            var fillWords = new Vector<ushort>((ushort)fill);
            int m = Vector<ushort>.Count;
            Blend(words.Slice(0, m), Vector.AsVectorUInt16(e0), keepWords, fillWords);
            Blend(words.Slice(m, m), Vector.AsVectorUInt16(e1), keepWords, fillWords);
            return;
        }

        Span<uint> pixelWords = MemoryMarshal.Cast<byte, uint>(pixels);
        Vector.Widen(e0, out Vector<int> q0, out Vector<int> q1);
        Vector.Widen(e1, out Vector<int> q2, out Vector<int> q3);
        var keepPixels = new Vector<uint>(keep);
        var fillPixels = new Vector<uint>(fill);
        int count = Vector<uint>.Count;
        Blend(pixelWords.Slice(0, count), Vector.AsVectorUInt32(q0), keepPixels, fillPixels);
        Blend(pixelWords.Slice(count, count), Vector.AsVectorUInt32(q1), keepPixels, fillPixels);
        Blend(pixelWords.Slice(2 * count, count), Vector.AsVectorUInt32(q2), keepPixels, fillPixels);
        Blend(pixelWords.Slice(3 * count, count), Vector.AsVectorUInt32(q3), keepPixels, fillPixels);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend<TWord>(Span<TWord> words, Vector<TWord> where, Vector<TWord> keep, Vector<TWord> fill)
        where TWord : unmanaged
    {
        var current = new Vector<TWord>(words);
        Vector.ConditionalSelect(where, (current & keep) | fill, current).CopyTo(words);
    }

    private static byte Quantize(double v, bool absolute)
    {
        if (absolute)
        {
            v = Math.Abs(v);
        }

        return (byte)Math.Round(Math.Clamp(v, 0, 255), MidpointRounding.ToEven);
    }

    /// <summary>The non-zero weights of a matrix with their rows and columns.</summary>
    /// <summary>Σ w·C·A for up to three colour channels (grey in the first) and Σ w·A.</summary>
    private struct PremultipliedSums
    {
        private double c0;
        private double c1;
        private double c2;

        public double Alpha { get; private set; }

        public readonly double Colour(int channel) => channel switch { 0 => c0, 1 => c1, _ => c2 };

        // One sample; the constant border is a pixel with every channel at the border value.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ReadOnlySpan<byte> source, int n, int rowStart, int column, int width, double border, double w)
        {
            if (rowStart < 0 || column == width)
            {
                double wb = w * border;
                c0 += wb * border;
                c1 += wb * border;
                c2 += wb * border;
                Alpha += wb;
                return;
            }

            int at = rowStart + (column * n);
            double wa = w * source[at + n - 1];
            c0 += wa * source[at];
            if (n == 4)
            {
                c1 += wa * source[at + 1];
                c2 += wa * source[at + 2];
            }

            Alpha += wa;
        }

        // Another sum, weighted: the horizontal pass over vertical sums.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(double w, in PremultipliedSums other)
        {
            c0 += w * other.c0;
            c1 += w * other.c1;
            c2 += w * other.c2;
            Alpha += w * other.Alpha;
        }
    }

    private sealed class Taps
    {
        public Taps(KernelMatrix m)
        {
            Column = m.ColumnFactor;
            Row = m.RowFactor;
            int count = 0;
            for (int i = 0; i < m.Height; i++)
            {
                for (int j = 0; j < m.Width; j++)
                {
                    count += m[i, j] != 0 ? 1 : 0;
                }
            }

            Rows = new int[count];
            Columns = new int[count];
            Weights = new double[count];
            int t = 0;
            for (int i = 0; i < m.Height; i++)
            {
                for (int j = 0; j < m.Width; j++)
                {
                    if (m[i, j] != 0)
                    {
                        Rows[t] = i;
                        Columns[t] = j;
                        Weights[t++] = m[i, j];
                    }
                }
            }
        }

        public int Count => Rows.Length;

        /// <summary>The vertical factor of a separable matrix, else null.</summary>
        public double[]? Column { get; }

        /// <summary>The horizontal factor of a separable matrix, else null.</summary>
        public double[]? Row { get; }

        public int[] Rows { get; }

        public int[] Columns { get; }

        public double[] Weights { get; }
    }

    /// <summary>The alpha samples of each run of a row, noting whether some pixel has alpha 0 and a colour other than 0.</summary>
    private struct AlphaOfRuns : IPaddedRunSource<byte>
    {
        private readonly ReadOnlyMemory<byte> row;
        private readonly int channels;

        public AlphaOfRuns(ReadOnlyMemory<byte> row, int channels)
        {
            this.row = row;
            this.channels = channels;
            ColouredInvisible = false;
        }

        public bool ColouredInvisible { get; private set; }

        public void Fill(int column, Span<byte> target) => ColouredInvisible |= ExtractAlpha(row.Span.Slice(column * channels, target.Length * channels), channels, target);
    }
}
