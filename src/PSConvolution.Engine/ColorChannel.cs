using System;

namespace PSConvolution.Engine;

/// <summary>Channels to convolve. Channels not selected are copied (sampled at the kernel centre).</summary>
[Flags]
public enum ColorChannel
{
    /// <summary>Red.</summary>
    Red = 1,

    /// <summary>Green.</summary>
    Green = 2,

    /// <summary>Blue.</summary>
    Blue = 4,

    /// <summary>Alpha (only convolved when named).</summary>
    Alpha = 8,

    /// <summary>The grey channel of a grey image; on a colour image, red, green and blue.</summary>
    Gray = 16,

    /// <summary>Red, green and blue (or grey).</summary>
    Color = Red | Green | Blue | Gray,

    /// <summary>Every channel, alpha included.</summary>
    All = Color | Alpha,
}
