namespace PSConvolution.Engine;

/// <summary>What a <see cref="PixelLayout"/> holds: how many channels, and which of them is alpha.</summary>
public static class PixelLayoutExtensions
{
    /// <summary>Number of interleaved channels.</summary>
    public static int ChannelCount(this PixelLayout layout) => layout switch
    {
        PixelLayout.Gray => 1,
        PixelLayout.GrayAlpha => 2,
        PixelLayout.Rgb => 3,
        _ => 4,
    };

    /// <summary>True when the last channel is alpha.</summary>
    public static bool HasAlpha(this PixelLayout layout) => layout is PixelLayout.GrayAlpha or PixelLayout.Rgba;

    /// <summary>True when colour is one grey channel.</summary>
    public static bool IsGray(this PixelLayout layout) => layout is PixelLayout.Gray or PixelLayout.GrayAlpha;
}
