using System;
using System.Linq;
using PSConvolution.Engine.Convolution.Integer;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>The non-zero weights of a matrix with their rows and columns, and its factors when it is separable.</summary>
internal sealed class KernelTaps
{
    public KernelTaps(KernelMatrix m)
    {
        Column = m.ColumnFactor;
        Row = m.RowFactor;
        (IntegerColumn, IntegerRow, IntegerSum) = IntegerFactors(m);
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

    /// <summary>
    /// The factors as non-negative integers where the matrix has them, small enough that every premultiplied sum of
    /// 8-bit samples (weight × colour × alpha, summed) fits an int exactly: the common blurs (Gaussian3, Gaussian5,
    /// Box). Else null.
    /// </summary>
    public int[]? IntegerColumn { get; }

    /// <inheritdoc cref="IntegerColumn"/>
    public int[]? IntegerRow { get; }

    /// <summary>Σ IntegerColumn × Σ IntegerRow: the matrix's sum, where the integer factors exist.</summary>
    public int IntegerSum { get; }

    public int Count => Rows.Length;

    // The integer factors the separable integer path finds (SeparableIntegerPath.TryIntegerFactors), where their
    // products sum to at most 2^15, so 255 · 255 times that fits an int; else null.
    private static (int[]? Column, int[]? Row, int Sum) IntegerFactors(KernelMatrix m)
    {
        if (!m.IsSeparable || !SeparableIntegerPath.TryIntegerFactors(m, out ushort[] row, out ushort[] column))
        {
            return (null, null, 0);
        }

        int[] c = Array.ConvertAll(column, w => (int)w);
        int[] r = Array.ConvertAll(row, w => (int)w);
        long sum = (long)c.Sum() * r.Sum();
        return sum is > 0 and <= 1 << 15 ? (c, r, (int)sum) : (null, null, 0);
    }

    /// <summary>The vertical factor of a separable matrix, else null.</summary>
    public double[]? Column { get; }

    /// <summary>The horizontal factor of a separable matrix, else null.</summary>
    public double[]? Row { get; }

    public int[] Rows { get; }

    public int[] Columns { get; }

    public double[] Weights { get; }
}
