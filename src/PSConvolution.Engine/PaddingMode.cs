namespace PSConvolution.Engine;

/// <summary>Which output positions are produced.</summary>
public enum PaddingMode
{
    /// <summary>One output pixel per input position (sliced every stride-th row and column).</summary>
    Same = 0,

    /// <summary>Only positions where the kernel lies entirely inside the image.</summary>
    Valid,
}
