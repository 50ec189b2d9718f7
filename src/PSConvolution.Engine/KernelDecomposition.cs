namespace PSConvolution.Engine;

/// <summary>Whether a 2-D kernel that is not exactly separable may run as a sum of separable terms.</summary>
internal enum KernelDecomposition
{
    /// <summary>When the terms its error bound needs cost less than the direct 2-D kernel.</summary>
    Automatic,

    /// <summary>Never: the direct 2-D kernel.</summary>
    Never,

    /// <summary>Whenever some number of terms meets the error bound, whatever it costs (for tests).</summary>
    Always,
}
