using System;
using System.Globalization;
using System.Text;
using System.Threading;

namespace PSConvolution.Engine.Kernels;

/// <summary>
/// An immutable, validated rectangle of weights with its anchor. Row 0 is the top row; the kernel is
/// applied as correlation (the top-left weight multiplies the top-left neighbour).
/// </summary>
public sealed class KernelMatrix
{
    private readonly double[] weights;
    private SingularValues? singularValues;
    private KernelMatrix? rotated;
    private KernelMatrix?[]? turned;

    private KernelMatrix(double[] weights, int width, int height, int anchorX, int anchorY)
    {
        this.weights = weights;
        Width = width;
        Height = height;
        AnchorX = anchorX;
        AnchorY = anchorY;
        double sum = 0;
        double absoluteSum = 0;
        foreach (double w in weights)
        {
            sum += w;
            absoluteSum += Math.Abs(w);
        }

        // The engine computes in single precision: a sum that overflows it (1e308 three times is Infinity in
        // double already) would turn every pixel black or white.
        if (!float.IsFinite((float)sum) || !float.IsFinite((float)absoluteSum))
        {
            throw new InvalidKernelException(string.Format(
                CultureInfo.InvariantCulture,
                "The kernel's weights sum to {0} (absolute values {1}), beyond what can be computed (about ±3.4e38). Scale the weights down.",
                sum,
                absoluteSum));
        }

        Sum = sum;
        AbsoluteSum = absoluteSum;
        (ColumnFactor, RowFactor) = FindSeparableFactors(weights, width, height);
    }

    /// <summary>Number of columns.</summary>
    public int Width { get; }

    /// <summary>Number of rows.</summary>
    public int Height { get; }

    /// <summary>Column of the weight that lies over the output pixel.</summary>
    public int AnchorX { get; }

    /// <summary>Row of the weight that lies over the output pixel.</summary>
    public int AnchorY { get; }

    /// <summary>
    /// The weights as one line of text in the form New-ConvolutionKernel -Text reads, with every weight's round-trip
    /// digits (the same as <see cref="ToString"/>): what ConvertTo-Json keeps of a matrix, which it writes as an
    /// object of properties at its default depth and would otherwise write without its weights.
    /// </summary>
    public string Text => ToString();

    /// <summary>Sum of the weights.</summary>
    public double Sum { get; }

    /// <summary>Sum of the absolute values of the weights.</summary>
    public double AbsoluteSum { get; }

    /// <summary>
    /// True when the weights sum to zero up to rounding: |sum| at most 1e-6 of the sum of |weights|. Weights
    /// computed in a script (a Laplacian of Gaussian minus its mean) or stored in single precision are exact
    /// only to rounding, and dividing by a rounding error is never what anyone meant.
    /// </summary>
    public bool IsZeroSum => Math.Abs(Sum) <= ZeroSumTolerance * AbsoluteSum;

    /// <summary>
    /// How many times the default divisor amplifies the weighted sums when the sum is small (below 1% of the
    /// sum of |weights|) but not zero: the sum of |weights| over |sum|. 1 otherwise.
    /// </summary>
    public double SmallSumAmplification => !IsZeroSum && Math.Abs(Sum) < SmallSumThreshold * AbsoluteSum ? AbsoluteSum / Math.Abs(Sum) : 1;

    /// <summary>The divisor used when none is given: the sum of the weights, or 1 when they sum to zero (see <see cref="IsZeroSum"/>).</summary>
    public double DefaultDivisor => IsZeroSum ? 1 : Sum;

    /// <summary>|sum| / sum of |weights| at or below which a kernel counts as zero-sum.</summary>
    public const double ZeroSumTolerance = 1e-6;

    /// <summary>|sum| / sum of |weights| below which a non-zero sum used as the divisor is worth a warning.</summary>
    public const double SmallSumThreshold = 0.01;

    /// <summary>True when the matrix is an outer product of a column and a row (rank 1), so it runs as two 1-D passes.</summary>
    public bool IsSeparable => RowFactor is not null;

    /// <summary>The vertical factor of a separable matrix (length <see cref="Height"/>), else null.</summary>
    internal double[]? ColumnFactor { get; }

    /// <summary>The horizontal factor of a separable matrix (length <see cref="Width"/>), else null.</summary>
    internal double[]? RowFactor { get; }

    /// <summary>The weight at a row and column.</summary>
    public double this[int row, int column] => weights[(row * Width) + column];

    /// <summary>Creates a matrix from rows of weights with the anchor at the centre; each size must be odd.</summary>
    public static KernelMatrix Create(double[][] rows) => Create(rows, null, null);

    /// <summary>Creates a matrix from rows of weights. An explicit anchor allows even sizes.</summary>
    public static KernelMatrix Create(double[][] rows, int? anchorX, int? anchorY)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length == 0 || rows[0] is null || rows[0].Length == 0)
        {
            throw new InvalidKernelException("The kernel is empty: give at least one row with at least one weight.");
        }

        int height = rows.Length;
        int width = rows[0].Length;
        var weights = new double[width * height];
        for (int r = 0; r < height; r++)
        {
            double[] row = rows[r];
            if (row is null || row.Length != width)
            {
                throw new InvalidKernelException(string.Format(
                    CultureInfo.InvariantCulture,
                    "The kernel's rows differ in length: row 0 has {0} weights but row {1} has {2}. Every row must have the same number of weights.",
                    width,
                    r,
                    row?.Length ?? 0));
            }

            for (int c = 0; c < width; c++)
            {
                double w = row[c];
                if (!float.IsFinite((float)w))
                {
                    throw new InvalidKernelException(string.Format(
                        CultureInfo.InvariantCulture,
                        "The kernel weight at row {0}, column {1} is {2}; every weight must be a finite number within about ±3.4e38 (the engine computes in single precision).",
                        r,
                        c,
                        w));
                }

                weights[(r * width) + c] = w;
            }
        }

        return Create(weights, width, height, anchorX, anchorY);
    }

    /// <summary>Creates a matrix from row-major weights.</summary>
    internal static KernelMatrix Create(double[] weights, int width, int height, int? anchorX = null, int? anchorY = null)
    {
        int ax = ResolveAnchor(anchorX, width, "width", "column");
        int ay = ResolveAnchor(anchorY, height, "height", "row");
        return new KernelMatrix(weights, width, height, ax, ay);
    }

    /// <summary>
    /// The matrix rotated by 180 degrees: correlation with it is mathematical convolution with this one. Made once
    /// and kept (each is the other's rotation), so a call over many files with <c>-FlipKernel</c> factors it and
    /// finds its spectrum once, as without.
    /// </summary>
    public KernelMatrix Rotate180()
    {
        if (Volatile.Read(ref rotated) is KernelMatrix made)
        {
            return made;
        }

        var flipped = new double[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            flipped[i] = weights[weights.Length - 1 - i];
        }

        var result = new KernelMatrix(flipped, Width, Height, Width - 1 - AnchorX, Height - 1 - AnchorY) { rotated = this };

        // Two threads may both make one; both are right, and the first kept is returned from then on.
        return Interlocked.CompareExchange(ref rotated, result, null) ?? result;
    }

    /// <summary>
    /// The matrix turned or mirrored (one of the eight symmetries of a rectangle): the weight <c>(dx, dy)</c> from the
    /// anchor moves to <c>(dy, dx)</c> when <paramref name="transpose"/>, then has its x negated when
    /// <paramref name="mirrorX"/> and its y when <paramref name="mirrorY"/>; the anchor stays on its weight. Used to
    /// meet an image's stored pixels as a kernel meets the image as shown (its EXIF orientation). This matrix itself
    /// where that changes nothing (a symmetric blur), and each other made once and kept, so a batch of photos plans
    /// it once, as it does this one.
    /// </summary>
    internal KernelMatrix Turned(bool transpose, bool mirrorX, bool mirrorY)
    {
        int index = (transpose ? 4 : 0) | (mirrorX ? 2 : 0) | (mirrorY ? 1 : 0);
        if (index == 0)
        {
            return this;
        }

        KernelMatrix?[]? made = Volatile.Read(ref turned);
        if (made is null)
        {
            var fresh = new KernelMatrix?[8];
            made = Interlocked.CompareExchange(ref turned, fresh, null) ?? fresh;
        }

        if (Volatile.Read(ref made[index]) is KernelMatrix kept)
        {
            return kept;
        }

        int width = transpose ? Height : Width;
        int height = transpose ? Width : Height;
        (int X, int Y) Move(int dx, int dy)
        {
            (int x, int y) = transpose ? (dy, dx) : (dx, dy);
            return (mirrorX ? -x : x, mirrorY ? -y : y);
        }

        // The least offset on each axis after the move fixes the new anchor: it is the new top-left weight's.
        (int left, int top) = Move(-AnchorX, -AnchorY);
        (int right, int bottom) = Move(Width - 1 - AnchorX, Height - 1 - AnchorY);
        int anchorX = -Math.Min(left, right), anchorY = -Math.Min(top, bottom);
        var moved = new double[weights.Length];
        for (int r = 0; r < Height; r++)
        {
            for (int c = 0; c < Width; c++)
            {
                (int x, int y) = Move(c - AnchorX, r - AnchorY);
                moved[((y + anchorY) * width) + x + anchorX] = weights[(r * Width) + c];
            }
        }

        KernelMatrix result = width == Width && anchorX == AnchorX && anchorY == AnchorY && moved.AsSpan().SequenceEqual(weights)
            ? this
            : new KernelMatrix(moved, width, height, anchorX, anchorY);

        // Two threads may both make one; both are right, and the first kept is returned from then on.
        return Interlocked.CompareExchange(ref made[index], result, null) ?? result;
    }

    /// <summary>The matrix with every weight multiplied by a factor.</summary>
    public KernelMatrix Scale(double factor)
    {
        var scaled = new double[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            scaled[i] = weights[i] * factor;
        }

        return new KernelMatrix(scaled, Width, Height, AnchorX, AnchorY);
    }

    /// <summary>A copy of the weights as rows.</summary>
    public double[][] ToRows()
    {
        var rows = new double[Height][];
        for (int r = 0; r < Height; r++)
        {
            rows[r] = new double[Width];
            Array.Copy(weights, r * Width, rows[r], 0, Width);
        }

        return rows;
    }

    /// <summary>A copy of the weights in row-major order.</summary>
    internal double[] ToArray() => (double[])weights.Clone();

    /// <summary>The weights as an aligned grid of text, one line per row.</summary>
    public string ToGrid()
    {
        var cells = new string[weights.Length];
        int widest = 1;
        for (int i = 0; i < weights.Length; i++)
        {
            cells[i] = weights[i].ToString("0.####", CultureInfo.InvariantCulture);
            widest = Math.Max(widest, cells[i].Length);
        }

        var text = new StringBuilder();
        for (int r = 0; r < Height; r++)
        {
            if (r > 0)
            {
                text.Append('\n');
            }

            for (int c = 0; c < Width; c++)
            {
                if (c > 0)
                {
                    text.Append(' ');
                }

                text.Append(cells[(r * Width) + c].PadLeft(widest));
            }
        }

        return text.ToString();
    }

    /// <summary>The weights as one line of text in the form New-ConvolutionKernel -Text reads.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (int r = 0; r < Height; r++)
        {
            if (r > 0)
            {
                text.Append("; ");
            }

            for (int c = 0; c < Width; c++)
            {
                if (c > 0)
                {
                    text.Append(' ');
                }

                text.Append(this[r, c].ToString("R", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static int ResolveAnchor(int? anchor, int size, string dimension, string axis)
    {
        if (anchor is null)
        {
            if (size % 2 == 0)
            {
                throw new InvalidKernelException(string.Format(
                    CultureInfo.InvariantCulture,
                    "The kernel's {0} is {1}, which is even, so it has no centre. Use an odd {0}, or give its anchor: the column and row (zero-based, 0,0 the top-left weight) of the weight that lies over the output pixel.",
                    dimension,
                    size))
                {
                    NeedsAnchor = true,
                };
            }

            return size / 2;
        }

        if (anchor < 0 || anchor >= size)
        {
            throw new InvalidKernelException(string.Format(
                CultureInfo.InvariantCulture,
                "The anchor {0} {1} lies outside the kernel, whose {2} is {3}.",
                axis,
                anchor,
                dimension,
                size));
        }

        return anchor.Value;
    }

    /// <summary>Kernels with a shorter side than this are decomposed; larger ones always take the direct path.</summary>
    internal const int MaximumDecomposedSide = 256;

    /// <summary>
    /// The fewest leading singular terms (at most <paramref name="maximumTerms"/>) whose single-precision factors
    /// rebuild the kernel to within <paramref name="tolerance"/> in the sum of absolute residual weights, or null
    /// when more terms would be needed, or the kernel is too large to decompose.
    /// </summary>
    internal SeparableTerms? ApproximateBySeparableTerms(double tolerance, int maximumTerms, CancellationToken cancellationToken = default)
    {
        if (maximumTerms < 1 || Math.Min(Width, Height) > MaximumDecomposedSide)
        {
            return null;
        }

        // Computed once per matrix (a batch applies one kernel to every file); a race computes it twice, harmlessly.
        SingularValues svd = singularValues ??= SingularValues.Decompose(weights, Width, Height, cancellationToken);
        bool centrallySymmetric = IsCentrallySymmetric();
        var residual = (double[])weights.Clone();
        int limit = Math.Min(maximumTerms, svd.Values.Length);
        var columns = new float[limit][];
        var rows = new float[limit][];
        for (int r = 0; r < limit; r++)
        {
            double scale = Math.Sqrt(svd.Values[r]);
            columns[r] = new float[Height];
            rows[r] = new float[Width];
            for (int i = 0; i < Height; i++)
            {
                columns[r][i] = (float)(svd.Left[r][i] * scale);
            }

            for (int j = 0; j < Width; j++)
            {
                rows[r][j] = (float)(svd.Right[r][j] * scale);
            }

            // A kernel equal to itself turned half a turn (every Gaussian, rotated or not; every disk) has terms whose
            // two factors are both symmetric or both antisymmetric, up to rounding; made exactly so, each pass can add
            // (or subtract) the two samples a weight shares before multiplying. The residual below is of the factors
            // as made, so the bound holds for them.
            if (centrallySymmetric && Parity(svd.Left[r]) is int sign && Parity(svd.Right[r]) == sign)
            {
                MakeParity(columns[r], sign);
                MakeParity(rows[r], sign);
            }

            double sum = 0;
            for (int i = 0; i < Height; i++)
            {
                for (int j = 0; j < Width; j++)
                {
                    int k = (i * Width) + j;
                    residual[k] -= (double)columns[r][i] * rows[r][j];
                    sum += Math.Abs(residual[k]);
                }
            }

            if (sum <= tolerance)
            {
                return new SeparableTerms(columns.AsSpan(0, r + 1).ToArray(), rows.AsSpan(0, r + 1).ToArray());
            }
        }

        return null;
    }

    private bool IsCentrallySymmetric()
    {
        for (int k = 0; k < weights.Length; k++)
        {
            if (weights[k] != weights[weights.Length - 1 - k])
            {
                return false;
            }
        }

        return true;
    }

    // 1 when the vector is symmetric about its centre, -1 when antisymmetric, each to within 1e-9 of its largest
    // element; null when it is neither (equal singular values can mix the two).
    private static int? Parity(double[] v)
    {
        double largest = 0, symmetric = 0, antisymmetric = 0;
        for (int i = 0; i < v.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(v[i]));
            symmetric = Math.Max(symmetric, Math.Abs(v[i] - v[v.Length - 1 - i]));
            antisymmetric = Math.Max(antisymmetric, Math.Abs(v[i] + v[v.Length - 1 - i]));
        }

        return symmetric <= 1e-9 * largest ? 1 : antisymmetric <= 1e-9 * largest ? -1 : null;
    }

    private static void MakeParity(float[] v, int sign)
    {
        int n = v.Length;
        for (int i = 0; i < n / 2; i++)
        {
            v[i] = (float)((v[i] + ((double)sign * v[n - 1 - i])) / 2);
            v[n - 1 - i] = sign * v[i];
        }

        if (sign < 0 && n % 2 == 1)
        {
            v[n / 2] = 0;
        }
    }

    // A rank-1 matrix is col * row^T. Factor it through its smallest non-zero weight (so integer kernels such
    // as the binomial Gaussian factor into exact integers) and accept the factors only when they rebuild every
    // weight to within a tiny relative error, so two 1-D passes give the 2-D result.
    private static (double[]? Column, double[]? Row) FindSeparableFactors(double[] weights, int width, int height)
    {
        int pivot = -1;
        double largest = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double magnitude = Math.Abs(weights[i]);
            largest = Math.Max(largest, magnitude);
            if (magnitude != 0 && (pivot < 0 || magnitude < Math.Abs(weights[pivot])))
            {
                pivot = i;
            }
        }

        if (pivot < 0 || (width == 1 && height == 1))
        {
            return (null, null);
        }

        double peak = weights[pivot];

        int pr = pivot / width;
        int pc = pivot % width;
        var row = new double[width];
        var column = new double[height];
        Array.Copy(weights, pr * width, row, 0, width);
        for (int r = 0; r < height; r++)
        {
            column[r] = weights[(r * width) + pc] / peak;
        }

        double tolerance = largest * 1e-9;
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                if (Math.Abs((column[r] * row[c]) - weights[(r * width) + c]) > tolerance)
                {
                    return (null, null);
                }
            }
        }

        // Through a tiny pivot (a Gaussian's far corner, 1e-98 for sigma 1 over 31 taps) the row would hold tiny
        // weights and the column huge ones, beyond single precision's range: 0 and infinity. Move their scale
        // between them by a power of two, which changes no bit of any weight's mantissa or of any product.
        int shift = (int)Math.Round(Math.Log(MaxMagnitude(column) / MaxMagnitude(row), 2) / 2);
        if (shift != 0)
        {
            double up = Math.Pow(2, shift), down = Math.Pow(2, -shift);
            for (int r = 0; r < height; r++)
            {
                column[r] *= down;
            }

            for (int c = 0; c < width; c++)
            {
                row[c] *= up;
            }
        }

        return (column, row);
    }

    private static double MaxMagnitude(double[] values)
    {
        double max = 0;
        foreach (double v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }
}
