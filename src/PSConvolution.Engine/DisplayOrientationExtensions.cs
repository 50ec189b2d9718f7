using System;

namespace PSConvolution.Engine;

/// <summary>What an orientation does to the axes of the stored pixels.</summary>
internal static class DisplayOrientationExtensions
{
    /// <summary>True for orientations 1-8.</summary>
    public static bool IsDefined(this DisplayOrientation orientation) => orientation is >= DisplayOrientation.TopLeft and <= DisplayOrientation.LeftBottom;

    /// <summary>Stored columns, left to right, are shown right to left or bottom to top.</summary>
    public static bool ReversesStoredX(this DisplayOrientation orientation)
        => orientation is DisplayOrientation.TopRight or DisplayOrientation.BottomRight or DisplayOrientation.RightBottom or DisplayOrientation.LeftBottom;

    /// <summary>Stored rows, top to bottom, are shown bottom to top or right to left.</summary>
    public static bool ReversesStoredY(this DisplayOrientation orientation)
        => orientation is DisplayOrientation.BottomRight or DisplayOrientation.BottomLeft or DisplayOrientation.RightTop or DisplayOrientation.RightBottom;

    /// <summary>
    /// How a kernel is turned to meet the stored pixels as it meets the image as shown: a step (dx, dy) in the image as
    /// shown (x to the right, y down) is the step (dy, dx) in the stored pixels when Transpose, then with x negated
    /// when MirrorX and y when MirrorY (<see cref="Kernels.KernelMatrix.Turned"/>).
    /// </summary>
    public static (bool Transpose, bool MirrorX, bool MirrorY) KernelTurn(this DisplayOrientation orientation) => orientation switch
    {
        DisplayOrientation.TopLeft => (false, false, false),
        DisplayOrientation.TopRight => (false, true, false),
        DisplayOrientation.BottomRight => (false, true, true),
        DisplayOrientation.BottomLeft => (false, false, true),
        DisplayOrientation.LeftTop => (true, false, false),
        DisplayOrientation.RightTop => (true, false, true),
        DisplayOrientation.RightBottom => (true, true, true),
        DisplayOrientation.LeftBottom => (true, true, false),
        _ => throw new ArgumentOutOfRangeException(nameof(orientation), orientation, "EXIF orientations are 1 to 8."),
    };
}
