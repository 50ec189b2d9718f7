namespace PSConvolution.Engine.Imaging;

/// <summary>How a file is decoded and processed: its channels, its depth, and whether alpha is written only when used.</summary>
internal readonly record struct SourceShape(PixelLayout Layout, int BitDepth, bool AlphaOnlyIfUsed, bool GreyIfNeutral = false)
{
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>
    /// True unless the source is a JPEG whose chroma is sampled more finely than 4:2:0 (4:4:4, 4:2:2, 4:4:0, 4:1:1):
    /// a JPEG output is then written 4:4:4, so its chroma is not halved again.
    /// </summary>
    public bool HalvedChroma { get; init; } = true;
}
