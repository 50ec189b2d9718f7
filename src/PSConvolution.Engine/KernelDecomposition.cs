namespace PSConvolution.Engine;

/// <summary>
/// Whether a 2-D kernel that is not exactly separable may run as a sum of separable terms, or through the frequency
/// domain; and whether a separable blur may run in fixed point. All of these are within their error bounds.
/// </summary>
internal enum KernelDecomposition
{
    /// <summary>Whichever of the direct 2-D kernel, the terms its error bound needs, or the Fourier path is estimated cheapest.</summary>
    Automatic,

    /// <summary>Never: the direct 2-D kernel or a separable kernel's exact factors (never the Fourier or fixed-point paths).</summary>
    Never,

    /// <summary>Whenever some number of terms meets the error bound, whatever it costs (for tests).</summary>
    Always,

    /// <summary>The Fourier path whenever its error bound holds, whatever it costs (for tests).</summary>
    Fourier,
}
