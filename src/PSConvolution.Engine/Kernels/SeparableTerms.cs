namespace PSConvolution.Engine.Kernels;

/// <summary>
/// A kernel run as a sum of separable terms, <c>K ≈ Σ Columns[r] · Rows[r]ᵀ</c>, in the single precision the passes
/// compute with: exact factors for a separable kernel, or the leading singular terms that
/// <see cref="KernelMatrix.ApproximateBySeparableTerms"/> keeps within its error bound.
/// </summary>
internal sealed class SeparableTerms
{
    public SeparableTerms(float[][] columns, float[][] rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>Per term, one weight per kernel row.</summary>
    public float[][] Columns { get; }

    /// <summary>Per term, one weight per kernel column.</summary>
    public float[][] Rows { get; }

    public int Count => Columns.Length;
}
