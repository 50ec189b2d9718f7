using System;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Float;

/// <summary>Everything about one step that does not change from row to row, computed once per image.</summary>
internal sealed class FloatPlan
{
    public FloatPlan(in ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns, int channels)
    {
        Step = step;
        Rows = rows;
        Columns = columns;
        KernelMatrix first = step.Matrices[0];
        KernelHeight = first.Height;
        KernelWidth = first.Width;
        Separable = step.Matrices.Length == 1 && first.IsSeparable && first.Width > 1 && first.Height > 1;
        OutWidth = columns.OutputLength;
        RowLength = columns.ComputedLength * channels;
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

    public ConvolutionStep Step { get; }

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
