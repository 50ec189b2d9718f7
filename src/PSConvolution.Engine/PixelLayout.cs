namespace PSConvolution.Engine;

/// <summary>The colour type of an image: which channels it has, in this order.</summary>
public enum PixelLayout
{
    /// <summary>One grey channel.</summary>
    Gray,

    /// <summary>Grey and alpha.</summary>
    GrayAlpha,

    /// <summary>Red, green and blue.</summary>
    Rgb,

    /// <summary>Red, green, blue and alpha.</summary>
    Rgba,
}
