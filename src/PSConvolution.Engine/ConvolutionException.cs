using System;

namespace PSConvolution.Engine;

/// <summary>Processing one file failed; <see cref="Kind"/> says how and the message names the file.</summary>
public sealed class ConvolutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConvolutionException(ConvolutionErrorKind kind, string? path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Path = path;
    }

    /// <summary>The stable kind of failure.</summary>
    public ConvolutionErrorKind Kind { get; }

    /// <summary>The file concerned, when there is one.</summary>
    public string? Path { get; }

    /// <summary>The caller's limit of pixels per frame, when the image declares more than that.</summary>
    public long? PixelLimit { get; init; }

    /// <summary>For a <see cref="ConvolutionErrorKind.DestinationCollision"/> with another output: the source that writes it.</summary>
    public string? OtherSource { get; init; }

    /// <summary>
    /// For a <see cref="ConvolutionErrorKind.DestinationCollision"/>: the two outputs' names differ, and the file system
    /// takes them for one file (it ignores case, as FAT, exFAT and SMB shares do).
    /// </summary>
    public bool OneFileOnDisk { get; init; }
}
