using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PSConvolution.Engine.Kernels;

/// <summary>
/// An immutable kernel definition: one matrix, or an operator made of several matrices whose responses are
/// combined per pixel, together with its divisor, bias and default output range.
/// </summary>
public sealed class ConvolutionKernel
{
    private readonly KernelMatrix[] matrices;

    /// <summary>Creates a kernel.</summary>
    /// <param name="name">Name shown in listings and used in default output file names; null or empty for a
    /// name made of the size and a hash of the definition (<c>Custom3x3-1f2e3d4c</c>).</param>
    /// <param name="category">Category such as Blur, Sharpen, Edge.</param>
    /// <param name="description">One-line description.</param>
    /// <param name="matrices">One matrix, or several for an operator.</param>
    /// <param name="combination">How several matrices' responses are combined.</param>
    /// <param name="divisor">Divisor for every matrix; null for each matrix's default (its sum, or 1 when the sum is 0).</param>
    /// <param name="bias">Added after division.</param>
    /// <param name="outputRange">Default mapping of results into the channel range.</param>
    public ConvolutionKernel(
        string name,
        string category,
        string description,
        IReadOnlyList<KernelMatrix> matrices,
        KernelCombination combination = KernelCombination.Single,
        double? divisor = null,
        double bias = 0,
        OutputRange outputRange = OutputRange.Clamp)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0)
        {
            throw new InvalidKernelException("A kernel needs at least one matrix.");
        }

        if (combination == KernelCombination.Single && matrices.Count != 1)
        {
            throw new InvalidKernelException("A kernel with several matrices needs a combination (Magnitude or Maximum).");
        }

        if (divisor is double d && (d == 0 || !double.IsFinite(d) || (float)d == 0 || !float.IsFinite((float)d)))
        {
            throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "The divisor {0} is not allowed: it must be a finite number other than 0.", d));
        }

        if (!double.IsFinite(bias))
        {
            throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "The bias {0} is not allowed: it must be a finite number.", bias));
        }

        this.matrices = new KernelMatrix[matrices.Count];
        for (int i = 0; i < matrices.Count; i++)
        {
            this.matrices[i] = matrices[i] ?? throw new ArgumentNullException(nameof(matrices));
            KernelMatrix first = this.matrices[0];
            KernelMatrix m = this.matrices[i];
            if (m.Width != first.Width || m.Height != first.Height || m.AnchorX != first.AnchorX || m.AnchorY != first.AnchorY)
            {
                throw new InvalidKernelException("Every matrix of an operator must have the same size and anchor.");
            }
        }

        Category = category ?? string.Empty;
        Description = description ?? string.Empty;
        Combination = combination;
        ExplicitDivisor = divisor;
        Bias = bias;
        OutputRange = outputRange;
        IsNamed = !string.IsNullOrWhiteSpace(name);
        Name = IsNamed ? name : DefaultName();
    }

    /// <summary>The kernel's name.</summary>
    public string Name { get; }

    /// <summary>False when the name was made from the size and a hash of the definition.</summary>
    public bool IsNamed { get; }

    /// <summary>The kernel's category (Blur, Sharpen, Edge, Emboss, Identity, Custom).</summary>
    public string Category { get; }

    /// <summary>One-line description.</summary>
    public string Description { get; }

    /// <summary>The matrices: one, or several for an operator.</summary>
    public IReadOnlyList<KernelMatrix> Matrices => matrices;

    /// <summary>How several matrices' responses are combined.</summary>
    public KernelCombination Combination { get; }

    /// <summary>The divisor given explicitly, or null when each matrix uses its default.</summary>
    public double? ExplicitDivisor { get; }

    /// <summary>The divisor applied to the first matrix (the explicit one, else the sum of weights or 1).</summary>
    public double Divisor => GetDivisor(0);

    /// <summary>Added to each result after division.</summary>
    public double Bias { get; }

    /// <summary>Default mapping of results into the channel range.</summary>
    public OutputRange OutputRange { get; }

    /// <summary>Width of the (first) matrix.</summary>
    public int Width => matrices[0].Width;

    /// <summary>Height of the (first) matrix.</summary>
    public int Height => matrices[0].Height;

    /// <summary>Column of the weight over the output pixel, from 0 (every matrix of an operator has the same anchor).</summary>
    public int AnchorX => matrices[0].AnchorX;

    /// <summary>Row of the weight over the output pixel, from 0.</summary>
    public int AnchorY => matrices[0].AnchorY;

    /// <summary>The size as text, for example 5x5.</summary>
    public string Size => string.Format(CultureInfo.InvariantCulture, "{0}x{1}", Width, Height);

    /// <summary>Sum of the weights of the (first) matrix.</summary>
    public double Sum => matrices[0].Sum;

    /// <summary>True when every matrix is separable and runs as two 1-D passes.</summary>
    public bool IsSeparable
    {
        get
        {
            foreach (KernelMatrix m in matrices)
            {
                if (!m.IsSeparable)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The weights as a grid of text; an operator's matrices follow one another.</summary>
    public string Weights
    {
        get
        {
            if (matrices.Length == 1)
            {
                return matrices[0].ToGrid();
            }

            var text = new StringBuilder();
            for (int i = 0; i < matrices.Length; i++)
            {
                if (i > 0)
                {
                    text.Append("\n\n");
                }

                text.Append(FormattableString.Invariant($"[{i + 1}/{matrices.Length}]\n"));
                text.Append(matrices[i].ToGrid());
            }

            return text.ToString();
        }
    }

    /// <summary>The divisor applied to one matrix.</summary>
    public double GetDivisor(int matrixIndex) => ExplicitDivisor ?? matrices[matrixIndex].DefaultDivisor;

    /// <summary>A kernel with the same matrices and other settings.</summary>
    /// <param name="divisor">New explicit divisor, or null to keep the current one.</param>
    /// <param name="bias">New bias, or null to keep the current one.</param>
    /// <param name="normalize">Scale each matrix so its weights sum to 1 (divisor 1).</param>
    /// <param name="outputRange">New default output range, or null to keep the current one.</param>
    public ConvolutionKernel With(double? divisor = null, double? bias = null, bool normalize = false, OutputRange? outputRange = null)
    {
        KernelMatrix[] result = matrices;
        double? newDivisor = divisor ?? ExplicitDivisor;
        if (normalize)
        {
            result = new KernelMatrix[matrices.Length];
            for (int i = 0; i < matrices.Length; i++)
            {
                double sum = matrices[i].Sum;
                if (matrices[i].IsZeroSum)
                {
                    throw new InvalidKernelException("The kernel's weights sum to 0, so it cannot be normalised; give a divisor instead.") { CannotNormalize = true };
                }

                result[i] = matrices[i].Scale(1 / sum);
            }

            newDivisor = divisor ?? 1;
        }

        return new ConvolutionKernel(IsNamed ? Name : string.Empty, Category, Description, result, Combination, newDivisor, bias ?? Bias, outputRange ?? OutputRange);
    }

    /// <summary>The kernel rotated by 180 degrees (mathematical convolution instead of correlation).</summary>
    public ConvolutionKernel Rotate180()
    {
        var flipped = new KernelMatrix[matrices.Length];
        for (int i = 0; i < matrices.Length; i++)
        {
            flipped[i] = matrices[i].Rotate180();
        }

        return new ConvolutionKernel(Name, Category, Description, flipped, Combination, ExplicitDivisor, Bias, OutputRange);
    }

    /// <summary>
    /// The kernel with every matrix turned or mirrored (<see cref="KernelMatrix.Turned"/>); this kernel where no
    /// matrix changes. The name and every other setting stay.
    /// </summary>
    internal ConvolutionKernel Turned(bool transpose, bool mirrorX, bool mirrorY)
    {
        var moved = new KernelMatrix[matrices.Length];
        bool same = true;
        for (int i = 0; i < matrices.Length; i++)
        {
            moved[i] = matrices[i].Turned(transpose, mirrorX, mirrorY);
            same &= ReferenceEquals(moved[i], matrices[i]);
        }

        return same ? this : new ConvolutionKernel(Name, Category, Description, moved, Combination, ExplicitDivisor, Bias, OutputRange);
    }

    /// <summary>The kernel's name.</summary>
    public override string ToString() => Name;

    // Two kernels that differ in anything that changes their output never share a default name (and so an
    // output file name): FNV-1a over the sizes, anchors, weights, divisor, bias and ranges.
    private string DefaultName()
    {
        uint hash = 2166136261;
        void Add(ulong value)
        {
            for (int b = 0; b < 8; b++)
            {
                hash = (hash ^ (byte)(value >> (8 * b))) * 16777619;
            }
        }

        foreach (KernelMatrix m in matrices)
        {
            Add((ulong)m.Width);
            Add((ulong)m.Height);
            Add((ulong)m.AnchorX);
            Add((ulong)m.AnchorY);
            for (int r = 0; r < m.Height; r++)
            {
                for (int c = 0; c < m.Width; c++)
                {
                    // +0.0 for -0.0, so equal weights hash alike.
                    Add((ulong)BitConverter.DoubleToInt64Bits(m[r, c] + 0.0));
                }
            }
        }

        Add((ulong)Combination);
        Add(ExplicitDivisor is double d ? (ulong)BitConverter.DoubleToInt64Bits(d) : ulong.MaxValue);
        Add((ulong)BitConverter.DoubleToInt64Bits(Bias + 0.0));
        Add((ulong)OutputRange);
        return string.Format(CultureInfo.InvariantCulture, "Custom{0}x{1}-{2:x8}", Width, Height, hash);
    }
}
