using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// Makes an unweighted result alpha-weighted where it is not already. Wherever every sample under the kernel
/// has the same alpha a, the alpha-weighted colour equals the unweighted one (Σ K·C·a / Σ K·a = Σ K·C / Σ K for
/// a blur whose divisor is its sum; (Σ K·C·a / d) / a = Σ K·C / d for any other kernel, and so for the magnitude or
/// maximum of several such responses, an operator's), and where that alpha is 0 the colour is 0. So 8-bit images run the fast integer paths unweighted, and only the pixels whose window
/// holds more than one alpha value (the edges of a cut-out) are recomputed here, in double precision from the
/// formulas. Where such pixels are many (alpha that varies everywhere), a block of rows is recomputed by the
/// premultiplied float path instead. The separable integer path (the common blurs) names the pixels that may need
/// it from its own exact sums as it goes (<see cref="UniformAlphaSums"/>), against the rows' highest alpha once a
/// block has shown that full alpha lists too many (<see cref="BlockLevels"/>); elsewhere each window's alpha minimum
/// and maximum decide.
/// </summary>
internal static class AlphaEdgeCorrection
{
    /// <summary>
    /// Correcting one pixel costs about one multiply-add per tap and channel; recomputing a block with the
    /// premultiplied float path costs about this many per pixel and channel.
    /// </summary>
    private const int RecomputeCostPerSample = 6;

    /// <summary>
    /// Pixels listed from the integer path's sums are corrected as listed while that costs at most this many
    /// multiply-adds per pixel and channel of the block. Past that (alpha neither 0 nor full over a wide area) the
    /// listing stops, and each window is judged instead, which costs a few operations per pixel.
    /// </summary>
    private const int ListedCostPerSample = 2;

    /// <summary>
    /// True when the unweighted result of <paramref name="step"/> is the weighted one wherever alpha is uniform: one
    /// matrix, a blur divided by its own sum or any kernel divided by the source's alpha; or an operator of several
    /// matrices (a gradient magnitude, a compass maximum) that keeps alpha and divides its combined response by the
    /// source's alpha, without a bias, which the unweighted step would add to each matrix's response before combining.
    /// Over a window of one alpha a, each response of the premultiplied colour is a times the unweighted one, so
    /// the combination is too, and dividing by a leaves the unweighted result. An operator's matrices share one size
    /// and anchor (<see cref="ConvolutionKernel"/> refuses others), so one window serves them all.
    /// </summary>
    public static bool Applies(in ConvolutionStep step, AlphaWeighting alpha)
        => step.Matrices.Length == 1
            ? !alpha.DivideByConvolvedAlpha || step.Divisors[0] == (float)step.Matrices[0].Sum
            : !alpha.DivideByConvolvedAlpha && !alpha.ConvolveAlpha && alpha.Bias == 0;

    /// <summary>
    /// Runs the alpha-weighted <c>step</c>: block by block, <c>unweighted</c> writes output rows [start, end)
    /// without weighting, on one thread, and the block is corrected while its rows are still in cache, or, where
    /// most of its pixels lie on alpha edges, recomputed whole by <c>recompute</c> (the premultiplied float path).
    /// Where <c>listing</c> is given it runs instead of <c>unweighted</c> and lists the pixels that may need
    /// correcting as it goes (<see cref="UniformAlphaSums"/>); where it lists few, they are corrected without
    /// judging any window, else the block's windows are judged as without it.
    /// </summary>
    public static void Run(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, AlphaWeighting alpha, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, Action<int, int, ParallelOptions> unweighted, Action<int, int, ParallelOptions, EdgePixels>? listing, Action<int, int> recompute)
    {
        KernelTaps[] matrices = Array.ConvertAll(step.Matrices, m => new KernelTaps(m));
        int tapCount = matrices.Sum(t => t.Count);

        byte[] borderAlpha = { (byte)step.BorderValue };
        var single = new ParallelOptions { MaxDegreeOfParallelism = 1, CancellationToken = parallel.CancellationToken };

        // Blocks of at least 16 rows, and four times the kernel's height, so rows cached by the integer path are reused.
        int blockRows = Math.Max(16, 4 * rows.Taps);
        int outWidth = columns.OutputLength;
        int chunks = (outWidth + AlphaWindows.Chunk - 1) / AlphaWindows.Chunk;
        using var levels = listing is null ? null : new BlockLevels(source, width, height, channels, rows, borderAlpha[0], Array.IndexOf(columns.Indices, columns.SourceLength) >= 0);
        RowBands.Run(rows.OutputLength, parallel, [MethodImpl(Jit.HotLoop)] (start, end) =>
        {
            int maxPositions = ((blockRows - 1) * rows.Stride) + rows.Taps;
            int paddedLength = columns.PaddedLength;
            using var edges = new EdgePixels(blockRows, outWidth, channels);
            byte[]? padded = null;
            int[]? chunkAlpha = null;
            byte[]? low = null;
            byte[]? high = null;
            try
            {
                for (int y0 = start; y0 < end; y0 += blockRows)
                {
                    parallel.CancellationToken.ThrowIfCancellationRequested();
                    int y1 = Math.Min(end, y0 + blockRows);
                    long blockSamples = (long)(y1 - y0) * outWidth * channels;
                    edges.StartBlock(y0, blockSamples * ListedCostPerSample / (tapCount * channels), levels);
                    if (listing is not null)
                    {
                        listing(y0, y1, single, edges);
                        if (!edges.Overflowed)
                        {
                            EdgeRecompute.CorrectRows(source.Span, width, height, channels, destination.Span, step, alpha, matrices, rows, columns, edges, y0, y1);
                            continue;
                        }

                        levels!.Wanted = true;
                    }
                    else
                    {
                        unweighted(y0, y1, single);
                    }

                    // The alpha of every row the block reads, and for each chunk of output pixels the one alpha value
                    // its window columns hold in that row, or Mixed. Where every invisible pixel the block reads has
                    // colour 0 (as most files store them), the unweighted result is already right over invisible
                    // windows: Σ K·0 / d + bias.
                    padded ??= ArrayPool<byte>.Shared.Rent(maxPositions * paddedLength);
                    chunkAlpha ??= ArrayPool<int>.Shared.Rent(maxPositions * chunks);
                    low ??= ArrayPool<byte>.Shared.Rent(2 * ((AlphaWindows.Chunk * columns.Stride) + columns.Taps));
                    high ??= ArrayPool<byte>.Shared.Rent(2 * ((AlphaWindows.Chunk * columns.Stride) + columns.Taps));
                    int positions = ((y1 - y0 - 1) * rows.Stride) + rows.Taps;
                    bool colouredInvisible = false;
                    for (int p = 0; p < positions; p++)
                    {
                        int r = rows.Indices[(y0 * rows.Stride) + p];
                        Span<byte> row = padded.AsSpan(p * paddedLength, paddedLength);
                        colouredInvisible |= AlphaWindows.PadAlpha(source, width, height, channels, r, columns, borderAlpha, row);
                        AlphaWindows.ChunkValues(row, columns, chunks, chunkAlpha.AsSpan(p * chunks, chunks));
                    }

                    for (int y = y0; y < y1; y++)
                    {
                        var block = new BlockRows(padded, paddedLength, chunkAlpha, chunks, (y - y0) * rows.Stride, rows.Taps);
                        edges.SetCount(y, AlphaWindows.ClassifyRow(block, columns, destination.Span.Slice(y * outWidth * channels, outWidth * channels), channels, step, alpha, colouredInvisible, edges.Room(y), low, high));
                    }

                    if (edges.Total(y1) * tapCount * channels > blockSamples * RecomputeCostPerSample)
                    {
                        recompute(y0, y1);
                        continue;
                    }

                    EdgeRecompute.CorrectRows(source.Span, width, height, channels, destination.Span, step, alpha, matrices, rows, columns, edges, y0, y1);
                }
            }
            finally
            {
                ReturnTo(ArrayPool<byte>.Shared, padded);
                ReturnTo(ArrayPool<int>.Shared, chunkAlpha);
                ReturnTo(ArrayPool<byte>.Shared, low);
                ReturnTo(ArrayPool<byte>.Shared, high);
            }
        });
    }

    /// <summary>
    /// The highest alpha that output rows read, for the listing's checks (<see cref="UniformAlphaSums"/>): 255
    /// until some block's listing overflows at full alpha (a half-transparent layer), then found for every row
    /// after it in any band, from each source row's highest alpha, found once, and the constant border's value where
    /// the row reads it. The checks ask for it row by row as each begins (<see cref="EdgePixels.Begin"/>), after the
    /// vertical pass has loaded the rows: asked for a whole block before it was computed, it read those rows from
    /// memory first, a fifth of a half-transparent layer's blur.
    /// </summary>
    internal sealed class BlockLevels : IDisposable
    {
        private readonly ReadOnlyMemory<byte> source;
        private readonly int width;
        private readonly int height;
        private readonly int channels;
        private readonly KernelSamplingMap rows;
        private readonly byte border;
        private readonly bool borderColumns;
        private readonly int[] rowLevels;
        private volatile bool wanted;

        public BlockLevels(ReadOnlyMemory<byte> source, int width, int height, int channels, KernelSamplingMap rows, byte border, bool borderColumns)
        {
            this.source = source;
            this.width = width;
            this.height = height;
            this.channels = channels;
            this.rows = rows;
            this.border = border;
            this.borderColumns = borderColumns;
            rowLevels = ArrayPool<int>.Shared.Rent(height);
            rowLevels.AsSpan(0, height).Fill(-1);
        }

        /// <summary>Set once a block's listing overflowed at full alpha: the blocks after it find their level.</summary>
        public bool Wanted
        {
            get => wanted;
            set => wanted = value;
        }

        /// <summary>No alpha that output rows [y0, y1) read is above this: 255 until <see cref="Wanted"/>.</summary>
        public int Of(int y0, int y1)
        {
            if (!wanted)
            {
                return 255;
            }

            // Bands may find a row's level at once; both write the same value.
            int level = borderColumns ? border : 0;
            int positions = ((y1 - y0 - 1) * rows.Stride) + rows.Taps;
            for (int p = 0; p < positions && level < 255; p++)
            {
                int r = rows.Indices[(y0 * rows.Stride) + p];
                if (r == height)
                {
                    level = Math.Max(level, border);
                    continue;
                }

                int found = Volatile.Read(ref rowLevels[r]);
                if (found < 0)
                {
                    found = AlphaWindows.HighestAlpha(source.Span.Slice(r * width * channels, width * channels), channels);
                    Volatile.Write(ref rowLevels[r], found);
                }

                level = Math.Max(level, found);
            }

            return level;
        }

        public void Dispose() => ArrayPool<int>.Shared.Return(rowLevels);
    }

    private static void ReturnTo<T>(ArrayPool<T> pool, T[]? array)
    {
        if (array is not null)
        {
            pool.Return(array);
        }
    }
}
