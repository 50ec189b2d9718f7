namespace PSConvolution.Engine;

/// <summary>
/// How an image's stored pixels are turned to be shown: the EXIF (and TIFF) Orientation tag, whose values these
/// are, named as TIFF names them (where row 0 and column 0 of the stored pixels are shown). Cameras and phones
/// store a portrait photo as it left the sensor, turned on its side, and set <see cref="RightTop"/> or
/// <see cref="LeftBottom"/>.
/// </summary>
/// <remarks>
/// Kernels act on the image as shown: a horizontal motion blur blurs across the picture a viewer sees, an emboss is
/// lit from that picture's top left, and the stride grid starts at its top-left pixel. The pixels are still written
/// in their stored order with the tag unchanged, so nothing is turned twice.
/// </remarks>
public enum DisplayOrientation
{
    /// <summary>1: shown as stored (also what an image without the tag gets).</summary>
    TopLeft = 1,

    /// <summary>2: mirrored left to right.</summary>
    TopRight = 2,

    /// <summary>3: turned 180 degrees.</summary>
    BottomRight = 3,

    /// <summary>4: mirrored top to bottom.</summary>
    BottomLeft = 4,

    /// <summary>5: mirrored about the top-left to bottom-right diagonal (rows shown as columns).</summary>
    LeftTop = 5,

    /// <summary>6: turned 90 degrees clockwise (a portrait photo from most phones).</summary>
    RightTop = 6,

    /// <summary>7: mirrored about the other diagonal.</summary>
    RightBottom = 7,

    /// <summary>8: turned 90 degrees anticlockwise.</summary>
    LeftBottom = 8,
}
