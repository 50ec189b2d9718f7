using System;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine;

/// <summary>How kernels are applied to an image (README, "What it computes"). Immutable; the defaults are the contract's defaults.</summary>
public sealed record ConvolutionOptions
{
    /// <summary>The contract's defaults.</summary>
    public static ConvolutionOptions Default { get; } = new();

    /// <summary>How samples beyond the edge are produced. Default Replicate.</summary>
    public BorderMode BorderMode { get; init; } = BorderMode.Replicate;

    /// <summary>The sample value outside the image for <see cref="BorderMode.Constant"/>, in 8-bit levels (0-255); scaled by 257 for 16-bit images.</summary>
    public double BorderValue { get; init; }

    /// <summary>Same or Valid. Applies to the last kernel of a chain.</summary>
    public PaddingMode Padding { get; init; } = PaddingMode.Same;

    /// <summary>Step between output samples (1 or more). Applies to the last kernel of a chain.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Rotate each kernel by 180 degrees first (mathematical convolution).</summary>
    public bool FlipKernel { get; init; }

    /// <summary>Overrides each kernel's own output range when set.</summary>
    public OutputRange? OutputRange { get; init; }

    /// <summary>Overrides each kernel's divisor when set.</summary>
    public double? Divisor { get; init; }

    /// <summary>Overrides each kernel's bias when set, in 8-bit levels (0-255); scaled by 257 for 16-bit images.</summary>
    public double? Bias { get; init; }

    /// <summary>Channels to convolve; null means the colour (or grey) channels without alpha.</summary>
    public ColorChannel? Channels { get; init; }

    /// <summary>Convert colour to luminance (BT.601: 0.299 R + 0.587 G + 0.114 B) before convolving.</summary>
    public bool Grayscale { get; init; }

    /// <summary>
    /// Convolve colour weighted by alpha in images whose alpha varies (the default), so invisible pixels' colour
    /// never bleeds into visible ones; false convolves every channel independently and copies alpha.
    /// </summary>
    public bool AlphaWeighted { get; init; } = true;

    /// <summary>
    /// Convolve in linear light: colour samples are decoded from sRGB first and encoded again after, so blurs
    /// keep brightness; the bias and border value are then in linear levels. Alpha is linear already.
    /// </summary>
    public bool LinearLight { get; init; }

    /// <summary>
    /// Whether large kernels may run as a sum of separable terms or through the Fourier path, and separable blurs in
    /// fixed point, within their error bounds; automatic by cost. Tests and benchmarks set it to compare the paths.
    /// </summary>
    internal KernelDecomposition Decomposition { get; init; }

    /// <summary>
    /// How the image's stored pixels are shown (its EXIF orientation): kernels, padding and the stride grid act on the
    /// image as shown, and the result is given in stored order, to be shown the same way. Default
    /// <see cref="DisplayOrientation.TopLeft"/> (as stored).
    /// </summary>
    public DisplayOrientation Orientation { get; init; } = DisplayOrientation.TopLeft;

    /// <summary>Largest number of threads used for one image; -1 for all processors.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (Stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Stride), Stride, "The stride must be 1 or more.");
        }

        if (!double.IsFinite(BorderValue))
        {
            throw new ArgumentOutOfRangeException(nameof(BorderValue), BorderValue, "The border value must be a finite number.");
        }

        if (Divisor is double d && (d == 0 || !double.IsFinite(d) || (float)d == 0 || !float.IsFinite((float)d)))
        {
            throw new ArgumentOutOfRangeException(nameof(Divisor), d, "The divisor must be a finite number other than 0.");
        }

        if (Bias is double b && !double.IsFinite(b))
        {
            throw new ArgumentOutOfRangeException(nameof(Bias), b, "The bias must be a finite number.");
        }

        if (Grayscale && Channels is ColorChannel c && (c & ColorChannel.Gray) == 0 && (c & (ColorChannel.Red | ColorChannel.Green | ColorChannel.Blue)) != 0)
        {
            throw new ArgumentException("A grayscale conversion leaves one grey channel (and alpha): select Gray, Alpha or All, not red, green or blue.", nameof(Channels));
        }

        if (!Orientation.IsDefined())
        {
            throw new ArgumentOutOfRangeException(nameof(Orientation), Orientation, "EXIF orientations are 1 to 8.");
        }

        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Use -1 or a positive number.");
        }
    }
}
