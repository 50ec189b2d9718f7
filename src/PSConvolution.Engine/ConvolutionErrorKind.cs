namespace PSConvolution.Engine;

/// <summary>Stable identifiers of the ways processing a file can fail. Scripts match on these names: never rename one.</summary>
public enum ConvolutionErrorKind
{
    /// <summary>The source file does not exist.</summary>
    FileNotFound,

    /// <summary>The source path is a directory, not a file.</summary>
    PathIsDirectory,

    /// <summary>The file is not in a supported image format.</summary>
    NotAnImage,

    /// <summary>The file is an image but its data is damaged or truncated.</summary>
    CorruptImage,

    /// <summary>The image's declared size is above the pixel limit.</summary>
    ImageTooLarge,

    /// <summary>The image is smaller than the kernel with Valid padding.</summary>
    ImageSmallerThanKernel,

    /// <summary>The output file exists and overwriting was not asked for.</summary>
    DestinationExists,

    /// <summary>The output would replace the source without -InPlace.</summary>
    DestinationIsSource,

    /// <summary>The file could not be read.</summary>
    ReadFailed,

    /// <summary>The output could not be written.</summary>
    WriteFailed,

    /// <summary>The path is not on the file system.</summary>
    NotFileSystemPath,

    /// <summary>The channel selection names a channel the image does not have (alpha of an RGB image, red of a grey one).</summary>
    ChannelNotInImage,

    /// <summary>Another input of the same call already writes this output (same name sent to one folder), or the output is an input of the call.</summary>
    DestinationCollision,

    /// <summary>The source is not below the base folder whose structure is kept under the destination.</summary>
    NotUnderRelativeBasePath,

    /// <summary>The result is larger than the output format can hold (JPEG 65,534 pixels a side as written here, GIF 65,535, TGA 32,767, WebP 16,383).</summary>
    OutputTooLarge,

    /// <summary>The file is well formed but uses a feature the decoder does not have (a CMYK or CIELab TIFF, LZMA compression).</summary>
    UnsupportedImage,

    /// <summary>
    /// The output would replace a read-only file (one the process may not write by its permissions, or with the
    /// ReadOnly attribute on Windows), and replacing read-only files was not asked for.
    /// </summary>
    DestinationReadOnly,
}
