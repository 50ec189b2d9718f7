namespace PSConvolution.Engine.Kernels;

/// <summary>
/// A kernel approximated by a sum of separable terms, <c>K ≈ Σ Columns[r] · Rows[r]ᵀ</c>, in the single precision
/// the passes compute with, and how far the sum is from the kernel: <see cref="ResidualSum"/> is Σ |K − Σ terms|
/// over every weight, computed in double from the single-precision factors. An image convolved with the terms
/// differs from one convolved with the kernel by at most <see cref="ResidualSum"/> times the largest sample.
/// </summary>
internal sealed class SeparableTerms
{
    public SeparableTerms(float[][] columns, float[][] rows, double residualSum)
    {
        Columns = columns;
        Rows = rows;
        ResidualSum = residualSum;
    }

    /// <summary>Per term, one weight per kernel row.</summary>
    public float[][] Columns { get; }

    /// <summary>Per term, one weight per kernel column.</summary>
    public float[][] Rows { get; }

    public int Count => Columns.Length;

    public double ResidualSum { get; }
}
