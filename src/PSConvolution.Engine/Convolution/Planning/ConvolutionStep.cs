using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>The arithmetic of one kernel of a chain, resolved for one image: what every convolution path reads.</summary>
internal readonly struct ConvolutionStep
{
    public ConvolutionStep(KernelMatrix[] matrices, KernelCombination combination, float[] divisors, float bias, float borderValue, float max, OutputRange range, bool[] selected)
    {
        Matrices = matrices;
        Combination = combination;
        Divisors = divisors;
        Bias = bias;
        BorderValue = borderValue;
        Max = max;
        Range = range;
        Selected = selected;
    }

    public KernelMatrix[] Matrices { get; }

    public KernelCombination Combination { get; }

    public float[] Divisors { get; }

    /// <summary>Added after the divisor, in the image's own levels.</summary>
    public float Bias { get; }

    /// <summary>The constant border, in the image's own levels.</summary>
    public float BorderValue { get; }

    /// <summary>Largest level: 255 or 65535.</summary>
    public float Max { get; }

    public OutputRange Range { get; }

    /// <summary>Per channel, whether it is convolved; the others keep the sample under each output pixel's anchor.</summary>
    public bool[] Selected { get; }

    /// <summary>Set when colour is convolved alpha-weighted.</summary>
    public AlphaWeighting? Alpha { get; init; }

    /// <summary>Set when the step convolves in linear light (colour decoded from sRGB, encoded after); then only the float path runs.</summary>
    public bool LinearLight { get; init; }

    /// <summary>Whether a large kernel may run as a sum of separable terms.</summary>
    public KernelDecomposition Decomposition { get; init; }

    /// <summary>The same step with other alpha weighting and bias.</summary>
    public ConvolutionStep With(AlphaWeighting? alpha, float bias) => With(alpha, bias, Selected);

    /// <summary>The same step with another alpha weighting, bias and channel selection.</summary>
    public ConvolutionStep With(AlphaWeighting? alpha, float bias, bool[] selected) => new(Matrices, Combination, Divisors, bias, BorderValue, Max, Range, selected) { Alpha = alpha, LinearLight = LinearLight, Decomposition = Decomposition };
}
