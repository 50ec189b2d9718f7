namespace PSConvolution.Engine.Kernels;

/// <summary>How a rounded result is mapped into the channel's range.</summary>
public enum OutputRange
{
    /// <summary>Clamp to 0..max.</summary>
    Clamp = 0,

    /// <summary>Take the absolute value, then clamp to 0..max (edge detectors).</summary>
    Absolute,
}
