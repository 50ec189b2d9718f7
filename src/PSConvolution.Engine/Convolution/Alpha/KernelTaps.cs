using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>The non-zero weights of a matrix with their rows and columns, and its factors when it is separable.</summary>
internal sealed class KernelTaps
{
    public KernelTaps(KernelMatrix m)
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
