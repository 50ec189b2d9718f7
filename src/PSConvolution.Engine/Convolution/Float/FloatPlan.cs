using System;
using System.Linq;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Float;

/// <summary>Everything about one step that does not change from row to row, computed once per image.</summary>
internal sealed class FloatPlan
{
    public FloatPlan(in ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns, int channels, System.Threading.CancellationToken cancellation = default)
    {
        Step = step;
        Cancellation = cancellation;
        Rows = rows;
        Columns = columns;
        KernelMatrix first = step.Matrices[0];
        KernelHeight = first.Height;
        KernelWidth = first.Width;
        OutWidth = columns.OutputLength;
        RowLength = columns.ComputedLength * channels;
        PaddedLength = columns.PaddedLength * channels;
        BlockPositions = ((Block - 1) * rows.Stride) + KernelHeight;
        Slots = BlockPositions + rows.Stride + 1;
        BorderPixel = BorderPixelOf(step, channels);

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
            Weights[m] = Array.ConvertAll(step.Matrices[m].ToArray(), w => (float)w);
            (TapWeights[m], TapPositions[m]) = NonZeroTaps(Weights[m]);
        }

        Terms = SeparablePlanning.Choose(step, TapWeights[0].Length, cancellation);
        if (Terms is { Count: > 1 } decomposed)
        {
            // Several terms run vertical pass first, on the padded rows the cache holds as for a 2-D kernel, a tile
            // of columns at a time: each term's vertical pass fills its slice of the tile buffer, then one horizontal
            // correlation sums every term's row factor over it.
            CacheRowLength = PaddedLength;
            TileLength = Math.Min(RowLength, DecomposedTile);

            // The vertical passes run four terms per load; a last group of fewer is filled with zero columns whose
            // tiles are never read, which costs multiply-adds but saves loads, the scarcer of the two. Terms whose
            // column factor is symmetric are grouped, then antisymmetric ones, then any others: a group of one
            // parity adds (or subtracts) the two rows a weight shares before multiplying, half the multiply-adds.
            // Grouping by parity pays only when the folded groups cost less than the plain ones (a folded group
            // costs about half); otherwise every term goes in one run of plain groups.
            int[] parities = Array.ConvertAll(decomposed.Columns, ColumnParity);
            int Groups(int parity) => (Array.FindAll(parities, p => p == parity).Length + 3) / 4;
            if (Groups(1) + Groups(-1) + (2 * Groups(0)) >= 2 * ((decomposed.Count + 3) / 4))
            {
                Array.Clear(parities, 0, parities.Length);
            }

            var order = new System.Collections.Generic.List<(float[] Column, int Term)>();
            var folding = new System.Collections.Generic.List<int>();
            foreach (int parity in new[] { 1, -1, 0 })
            {
                int groupStart = order.Count;
                for (int r = 0; r < decomposed.Count; r++)
                {
                    if (parities[r] == parity)
                    {
                        order.Add((decomposed.Columns[r], r));
                    }
                }

                while ((order.Count - groupStart) % 4 != 0)
                {
                    order.Add((new float[KernelHeight], -1));
                }

                for (int g = groupStart; g < order.Count; g += 4)
                {
                    folding.Add(parity);
                }
            }

            VerticalColumns = order.ConvertAll(o => o.Column).ToArray();
            VerticalFolding = folding.ToArray();
            FoldedColumns = order.ConvertAll(o => FoldedWeights(o.Column)).ToArray();

            TileStride = TileLength + ((KernelWidth - 1) * channels);
            HorizontalWeights = new float[decomposed.Count * KernelWidth];
            HorizontalTermOffsets = new int[decomposed.Count * KernelWidth];
            int t = 0;
            for (int p = 0; p < order.Count; p++)
            {
                int r = order[p].Term;
                for (int j = 0; r >= 0 && j < KernelWidth; j++, t++)
                {
                    HorizontalWeights[t] = decomposed.Rows[r][j];
                    HorizontalTermOffsets[t] = (p * TileStride) + (j * channels);
                }
            }
        }
        else if (Terms is SeparableTerms separable)
        {
            // Each cached row holds the row filtered by the row factor.
            CacheRowLength = RowLength;
            VerticalWeights = separable.Columns[0];

            // Output row q of a block reads block positions q*stride .. q*stride + kh - 1.
            BlockPositionOfTap = new int[BlockPositions];
            BlockShifts = new int[BlockPositions];
            BlockWeights = new float[Block][];
            for (int q = 0; q < Block; q++)
            {
                BlockWeights[q] = new float[BlockPositions];
            }

            for (int p = 0; p < BlockPositions; p++)
            {
                BlockPositionOfTap[p] = p;
                for (int q = 0; q < Block; q++)
                {
                    int i = p - (q * rows.Stride);
                    BlockWeights[q][p] = i >= 0 && i < KernelHeight ? separable.Columns[0][i] : 0;
                }
            }
        }
        else
        {
            CacheRowLength = PaddedLength;
            if (step.Matrices.Length == 1)
            {
                // Every (position, column) pair that some output row of the block weighs with a non-zero weight.
                float[] w = Weights[0];
                var positions = new System.Collections.Generic.List<int>();
                var shifts = new System.Collections.Generic.List<int>();
                for (int p = 0; p < BlockPositions; p++)
                {
                    for (int j = 0; j < KernelWidth; j++)
                    {
                        for (int q = 0; q < Block; q++)
                        {
                            int i = p - (q * rows.Stride);
                            if (i >= 0 && i < KernelHeight && w[(i * KernelWidth) + j] != 0)
                            {
                                positions.Add(p);
                                shifts.Add(j * channels);
                                break;
                            }
                        }
                    }
                }

                BlockPositionOfTap = positions.ToArray();
                BlockShifts = shifts.ToArray();
                BlockWeights = new float[Block][];
                for (int q = 0; q < Block; q++)
                {
                    BlockWeights[q] = new float[BlockPositionOfTap.Length];
                    for (int t = 0; t < BlockPositionOfTap.Length; t++)
                    {
                        int i = BlockPositionOfTap[t] - (q * rows.Stride);
                        int j = BlockShifts[t] / channels;
                        BlockWeights[q][t] = i >= 0 && i < KernelHeight ? w[(i * KernelWidth) + j] : 0;
                    }
                }
            }
        }

        int most = Math.Max(Math.Max(BlockPositionOfTap?.Length ?? 0, HorizontalWeights?.Length ?? 0), KernelHeight);
        foreach (float[] taps in TapWeights)
        {
            most = Math.Max(most, taps.Length);
        }

        MostTaps = most;
    }

    /// <summary>One pixel of the constant border as padded float rows hold it: premultiplied, linearised or plain.</summary>
    public static float[] BorderPixelOf(in ConvolutionStep step, int channels)
    {
        if (step.Alpha is AlphaWeighting alpha)
        {
            return alpha.BorderPixel;
        }

        var pixel = new float[channels];
        pixel.AsSpan().Fill(step.LinearLight ? SrgbTransfer.ToLinearLevel(step.BorderValue, step.Max) : step.BorderValue);
        if (step.LinearLight && channels is 2 or 4)
        {
            pixel[channels - 1] = step.BorderValue;
        }

        return pixel;
    }

    /// <summary>Output rows computed together, sharing each source load.</summary>
    public const int Block = 4;

    /// <summary>
    /// Kernels at least this tall compute four output rows at a time: their rows no longer fit the first-level
    /// cache, so sharing loads pays for the multiply-adds wasted on the block's edges.
    /// </summary>
    public const int BlockMinimumHeight = 9;

    public bool UseBlocks => BlockPositionOfTap is not null && KernelHeight >= BlockMinimumHeight;

    public ConvolutionStep Step { get; }

    /// <summary>Checked while a large kernel is decomposed (every sweep) and every block of rows, so a large image stops within milliseconds.</summary>
    public System.Threading.CancellationToken Cancellation { get; }

    public KernelSamplingMap Rows { get; }

    public KernelSamplingMap Columns { get; }

    public int KernelHeight { get; }

    public int KernelWidth { get; }

    /// <summary>The step runs as separable passes: horizontal passes as rows are cached, then vertical ones.</summary>
    public bool Separable => Terms is { Count: 1 };

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

    /// <summary>
    /// The separable terms the kernel runs as (one for a separable kernel, a few for a large one that is nearly
    /// a sum of separable ones), or null when it runs as a 2-D kernel.
    /// </summary>
    public SeparableTerms? Terms { get; }

    /// <summary>The step runs as several separable terms (<see cref="Terms"/>), vertical pass first, over tiles of columns.</summary>
    public bool Decomposed => Terms is { Count: > 1 };

    /// <summary>A separable kernel's vertical weights, one per kernel row.</summary>
    public float[]? VerticalWeights { get; }

    /// <summary>Computed samples per tile of a decomposed step: the tile's padded rows stay in the second-level cache across its terms.</summary>
    public const int DecomposedTile = 2048;

    /// <summary>Computed samples in a full tile of a decomposed step.</summary>
    public int TileLength { get; }

    /// <summary>Samples between two terms' vertically filtered tiles: the tile and its kernel-width halo.</summary>
    public int TileStride { get; }

    /// <summary>Each term's column factor, then zero columns up to a multiple of four terms.</summary>
    public float[][]? VerticalColumns { get; }

    /// <summary>Term r's row factor at r * kernel width + j.</summary>
    public float[]? HorizontalWeights { get; }

    /// <summary>Where term r's tap j reads within the tile buffer: r * <see cref="TileStride"/> + j * channels.</summary>
    public int[]? HorizontalTermOffsets { get; }

    /// <summary>Per block tap, the block position (row) it reads.</summary>
    public int[]? BlockPositionOfTap { get; }

    /// <summary>Per block tap, its offset within the cached row: a column times the channels (0 for a separable kernel's filtered rows).</summary>
    public int[]? BlockShifts { get; }

    /// <summary>Per output row of a block, the weight of each block tap (0 where the row does not use it).</summary>
    public float[][]? BlockWeights { get; }

    /// <summary>Per group of four <see cref="VerticalColumns"/>: 1 when all are symmetric, -1 when all antisymmetric, 0 otherwise.</summary>
    public int[]? VerticalFolding { get; }

    /// <summary>
    /// Per vertical column, the weights of its folded pass: one per pair of rows i and kh-1-i (i below kh/2), then,
    /// for an odd height, half the centre row's, the centre being a pair of itself.
    /// </summary>
    public float[][]? FoldedColumns { get; }

    // 1 when the column equals itself reversed, -1 when it equals its negation reversed, 0 otherwise; exactly.
    private static int ColumnParity(float[] column)
    {
        bool symmetric = true, antisymmetric = true;
        for (int i = 0; i < column.Length; i++)
        {
            symmetric &= column[i] == column[column.Length - 1 - i];
            antisymmetric &= column[i] == -column[column.Length - 1 - i];
        }

        return symmetric ? 1 : antisymmetric ? -1 : 0;
    }

    private static float[] FoldedWeights(float[] column)
    {
        var folded = new float[(column.Length + 1) / 2];
        Array.Copy(column, folded, column.Length / 2);
        if (column.Length % 2 == 1)
        {
            // Halving is exact (short of subnormal weights), so (c + c) × w/2 is c × w to the bit.
            folded[^1] = column[column.Length / 2] / 2;
        }

        return folded;
    }

    /// <summary>
    /// The estimated cost per computed output sample, in taps of the direct 2-D path: its non-zero taps, or for
    /// separable passes their taps weighted as <see cref="SeparablePlanning.CostFraction"/> says.
    /// </summary>
    public double Cost => Terms is SeparableTerms terms
        ? terms.Count * (KernelWidth + KernelHeight) / SeparablePlanning.CostFraction
        : TapWeights.Sum(t => t.Length);

    /// <summary>The most taps any single correlation call of the plan takes.</summary>
    public int MostTaps { get; }

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
}
