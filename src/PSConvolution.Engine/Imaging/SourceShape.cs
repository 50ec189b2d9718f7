namespace PSConvolution.Engine.Imaging;

/// <summary>How a file is decoded and processed: its channels, its depth, and whether alpha is written only when used.</summary>
internal readonly record struct SourceShape(PixelLayout Layout, int BitDepth, bool AlphaOnlyIfUsed, bool GreyIfNeutral = false)
{
    public int Width { get; init; }

    public int Height { get; init; }
}
