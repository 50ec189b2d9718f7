namespace PSConvolution.Engine.Imaging;

/// <summary>How a file is decoded and processed: its channels, its depth, and whether alpha is written only when used.</summary>
internal readonly record struct SourceShape(PixelLayout Layout, int BitDepth, bool AlphaOnlyIfUsed, bool GreyIfNeutral = false)
{
    /// <summary>The source's samples hold more than 16 bits or floating point (a TIFF's), which are processed in 16.</summary>
    public bool Narrowed { get; init; }

    public int Width { get; init; }

    public int Height { get; init; }
}
