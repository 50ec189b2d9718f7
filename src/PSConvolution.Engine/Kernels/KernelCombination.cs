namespace PSConvolution.Engine.Kernels;

/// <summary>How the responses of an operator's kernels are combined per pixel.</summary>
public enum KernelCombination
{
    /// <summary>The operator has exactly one kernel.</summary>
    Single = 0,

    /// <summary>Gradient magnitude: the square root of the sum of squared responses (Sobel, Scharr, Prewitt, Roberts).</summary>
    Magnitude,

    /// <summary>The largest response (compass operators: Kirsch, Robinson).</summary>
    Maximum,
}
