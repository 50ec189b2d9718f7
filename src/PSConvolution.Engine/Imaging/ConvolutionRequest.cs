using System;
using System.Collections.Generic;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Imaging;

/// <summary>What to do to each file: the kernels, the options and how to write the result.</summary>
public sealed class ConvolutionRequest
{
    /// <summary>The default pixel limit per frame: 250 megapixels.</summary>
    public const long DefaultMaxPixels = 250_000_000;

    /// <summary>Creates a request.</summary>
    public ConvolutionRequest(IReadOnlyList<ConvolutionKernel> kernels, ConvolutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(options);
        if (kernels.Count == 0)
        {
            throw new ArgumentException("Give at least one kernel.", nameof(kernels));
        }

        options.Validate();
        Kernels = kernels;
        Options = options;
    }

    /// <summary>Kernels applied one after the other.</summary>
    public IReadOnlyList<ConvolutionKernel> Kernels { get; }

    /// <summary>How the kernels are applied.</summary>
    public ConvolutionOptions Options { get; }

    /// <summary>Format written; Auto keeps the source's format.</summary>
    public OutputFormat Format { get; init; }

    /// <summary>JPEG/WebP quality 1-100; null keeps a JPEG source's own quality (else 90).</summary>
    public int? Quality { get; init; }

    /// <summary>Largest number of pixels per frame, by the declared size, before anything is decoded.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Where the images of a batch wait for memory before they are decoded; null lets every image through.</summary>
    public MemoryGate? Memory { get; init; }

    /// <summary>The same request for an image shown under <paramref name="orientation"/> (its EXIF orientation).</summary>
    public ConvolutionRequest WithOrientation(DisplayOrientation orientation)
        => orientation == Options.Orientation ? this : With(Options with { Orientation = orientation });

    /// <summary>The same request with each image convolved on at most <paramref name="threads"/> threads.</summary>
    public ConvolutionRequest WithParallelism(int threads)
        => With(Options with { MaxDegreeOfParallelism = threads });

    // The same request with other options.
    private ConvolutionRequest With(ConvolutionOptions options) => new(Kernels, options) { Format = Format, Quality = Quality, MaxPixels = MaxPixels, Memory = Memory };
}
