using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution;

/// <summary>
/// Applies a chain of kernels to an image with the arithmetic the README's "What it computes" sets out. Every kernel but the last
/// runs with Same padding and stride 1; the last applies the options' padding and stride, so one call with a
/// chain gives the same pixels as one call per kernel.
/// </summary>
public static class ImageConvolver
{
    /// <summary>The size and layout a chain produces from an image of the given size and layout.</summary>
    public static (int Width, int Height, PixelLayout Layout) GetOutputShape(int width, int height, PixelLayout layout, IReadOnlyList<ConvolutionKernel> kernels, ConvolutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(options);
        if (kernels.Count == 0)
        {
            throw new ArgumentException("Give at least one kernel.", nameof(kernels));
        }

        // The last kernel as it meets the stored pixels: turned with the image, a 5x3 kernel spans 3 stored columns.
        KernelMatrix last = AsStored(kernels[^1], options.Orientation).Matrices[0];
        int w = KernelSamplingMap.OutputLengthOf(width, last.Width, options.Stride, options.Padding);
        int h = KernelSamplingMap.OutputLengthOf(height, last.Height, options.Stride, options.Padding);
        return (w, h, OutputLayout(layout, options));
    }

    /// <summary>Convolves an interleaved image into <paramref name="destination"/>, whose size and layout must be <see cref="GetOutputShape"/>'s.</summary>
    public static void Convolve(PixelBuffer source, PixelBuffer destination, IReadOnlyList<ConvolutionKernel> kernels, ConvolutionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (int w, int h, PixelLayout layout) = GetOutputShape(source.Width, source.Height, source.Layout, kernels, options);
        if (destination.Width != w || destination.Height != h || destination.Layout != layout || destination.BitDepth != source.BitDepth)
        {
            throw new ArgumentException($"The destination must be {w}x{h} {layout} at {source.BitDepth} bits.", nameof(destination));
        }

        CheckChannels(source.Layout, options.Channels, null);
        bool overlaps = source.BitDepth == 8 ? source.Bytes.Span.Overlaps(destination.Bytes.Span) : source.Words.Span.Overlaps(destination.Words.Span);
        if (overlaps)
        {
            throw new ArgumentException("The destination must not share memory with the source: every output pixel reads source pixels around it.", nameof(destination));
        }

        // The image is shown turned or mirrored: each kernel is turned the same way back, so it meets the stored pixels
        // as it would meet the image as shown.
        if (options.Orientation != DisplayOrientation.TopLeft)
        {
            var turned = new ConvolutionKernel[kernels.Count];
            for (int k = 0; k < turned.Length; k++)
            {
                turned[k] = AsStored(kernels[k], options.Orientation);
            }

            kernels = turned;
        }

        if (source.BitDepth == 8)
        {
            Run(source.Bytes, source.Width, source.Height, source.Layout, destination.Bytes, kernels, options, 255f, cancellationToken);
        }
        else
        {
            Run(source.Words, source.Width, source.Height, source.Layout, destination.Words, kernels, options, 65535f, cancellationToken);
        }
    }


    // A kernel turned back to meet the stored pixels of an image shown under an orientation (itself when shown as stored).
    private static ConvolutionKernel AsStored(ConvolutionKernel kernel, DisplayOrientation orientation)
    {
        (bool transpose, bool mirrorX, bool mirrorY) = orientation.KernelTurn();
        return kernel.Turned(transpose, mirrorX, mirrorY);
    }

    /// <summary>True when a channel of a layout is convolved under a channel selection.</summary>
    public static bool IsSelected(PixelLayout layout, int channel, ColorChannel? channels)
    {
        ColorChannel selection = channels ?? ColorChannel.Color;

        bool isAlpha = (layout is PixelLayout.GrayAlpha && channel == 1) || (layout is PixelLayout.Rgba && channel == 3);
        if (isAlpha)
        {
            return (selection & ColorChannel.Alpha) != 0;
        }

        if (layout.IsGray())
        {
            return (selection & ColorChannel.Color) != 0;
        }

        ColorChannel own = channel switch { 0 => ColorChannel.Red, 1 => ColorChannel.Green, _ => ColorChannel.Blue };
        return (selection & (own | ColorChannel.Gray)) != 0;
    }

    /// <summary>
    /// Says which named channel an image of <paramref name="layout"/> lacks, or null when it has them all.
    /// Composite names adapt: Color (and Gray) mean the grey channel of a grey image, All means every channel
    /// the image has; a channel named on its own must exist.
    /// </summary>
    public static string? FindMissingChannel(PixelLayout layout, ColorChannel? channels)
    {
        if (channels is not ColorChannel selection || selection == ColorChannel.All)
        {
            return null;
        }

        bool hasAlpha = layout.HasAlpha();
        bool grey = layout.IsGray();
        if ((selection & ColorChannel.Alpha) != 0 && !hasAlpha)
        {
            return "Alpha";
        }

        if (grey && (selection & ColorChannel.Gray) == 0)
        {
            foreach (ColorChannel c in new[] { ColorChannel.Red, ColorChannel.Green, ColorChannel.Blue })
            {
                if ((selection & c) != 0)
                {
                    return c.ToString();
                }
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ConvolutionException"/> (<see cref="ConvolutionErrorKind.ChannelNotInImage"/>) when the selection names a channel the layout lacks.</summary>
    internal static void CheckChannels(PixelLayout layout, ColorChannel? channels, string? path)
    {
        string? missing = FindMissingChannel(layout, channels);
        if (missing is not null)
        {
            string image = path is null ? "The image" : $"'{path}'";
            throw new ConvolutionException(ConvolutionErrorKind.ChannelNotInImage, path, $"{image} is {Describe(layout)} and has no {missing.ToLowerInvariant()} channel, but the channel selection names {missing}.");
        }
    }

    private static string Describe(PixelLayout layout) => layout switch
    {
        PixelLayout.Gray => "grey",
        PixelLayout.GrayAlpha => "grey with alpha",
        PixelLayout.Rgb => "RGB",
        _ => "RGBA",
    };

    private static PixelLayout OutputLayout(PixelLayout layout, ConvolutionOptions options)
        => options.Grayscale ? layout switch { PixelLayout.Rgb => PixelLayout.Gray, PixelLayout.Rgba => PixelLayout.GrayAlpha, _ => layout } : layout;

    private static void Run<T>(ReadOnlyMemory<T> source, int width, int height, PixelLayout layout, Memory<T> destination, IReadOnlyList<ConvolutionKernel> kernels, ConvolutionOptions options, float max, CancellationToken cancellationToken)
        where T : unmanaged
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        int capacity = width * height * layout.ChannelCount();

        // Two work buffers, used in turn between the steps of a chain; the caller's source is never written.
        T[]? first = null;
        T[]? second = null;
        ReadOnlyMemory<T> current = source;
        try
        {
            if (options.Grayscale && layout is PixelLayout.Rgb or PixelLayout.Rgba)
            {
                PixelLayout grey = OutputLayout(layout, options);
                first = ArrayPool<T>.Shared.Rent(capacity);
                ToGrayscale(source, width, height, layout, first, parallel);
                current = first;
                layout = grey;
            }

            for (int k = 0; k < kernels.Count; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bool last = k == kernels.Count - 1;
                Memory<T> target;
                if (last)
                {
                    target = destination;
                }
                else if (first is not null && current.Span.Overlaps(first))
                {
                    target = second ??= ArrayPool<T>.Shared.Rent(capacity);
                }
                else
                {
                    target = first ??= ArrayPool<T>.Shared.Rent(capacity);
                }

                (width, height) = Step(current, width, height, layout, target, kernels[k], options, last ? options.Padding : PaddingMode.Same, last ? options.Stride : 1, max, parallel);
                current = target;
            }
        }
        finally
        {
            if (first is not null)
            {
                ArrayPool<T>.Shared.Return(first);
            }

            if (second is not null)
            {
                ArrayPool<T>.Shared.Return(second);
            }
        }
    }

    private static (int Width, int Height) Step<T>(ReadOnlyMemory<T> source, int width, int height, PixelLayout layout, Memory<T> destination, ConvolutionKernel kernel, ConvolutionOptions options, PaddingMode padding, int stride, float max, ParallelOptions parallel)
        where T : unmanaged
    {
        if (options.FlipKernel)
        {
            kernel = kernel.Rotate180();
        }

        KernelMatrix shape = kernel.Matrices[0];
        // The stride grid starts at the top-left pixel as shown: on a stored axis that is shown reversed, at its far end.
        KernelSamplingMap rows = KernelSamplingMap.Create(height, shape.Height, shape.AnchorY, stride, padding, options.BorderMode, options.Orientation.ReversesStoredY());
        KernelSamplingMap columns = KernelSamplingMap.Create(width, shape.Width, shape.AnchorX, stride, padding, options.BorderMode, options.Orientation.ReversesStoredX());

        // Bias and border value are written in 8-bit levels; a 16-bit image gets them scaled to its own levels.
        float levelScale = max / 255f;
        int channels = layout.ChannelCount();
        var selected = new bool[channels];
        for (int c = 0; c < channels; c++)
        {
            selected[c] = IsSelected(layout, c, options.Channels);
        }

        var matrices = new KernelMatrix[kernel.Matrices.Count];
        var divisors = new float[matrices.Length];
        for (int m = 0; m < matrices.Length; m++)
        {
            matrices[m] = kernel.Matrices[m];
            divisors[m] = (float)(options.Divisor ?? kernel.GetDivisor(m));
        }

        float bias = (float)(options.Bias ?? kernel.Bias) * levelScale;
        float borderValue = (float)options.BorderValue * levelScale;
        var step = new ConvolutionStep(
            matrices,
            kernel.Combination,
            divisors,
            bias,
            borderValue,
            max,
            options.OutputRange ?? kernel.OutputRange,
            selected) { LinearLight = options.LinearLight, Decomposition = options.Decomposition };
        if (options.AlphaWeighted && layout.HasAlpha())
        {
            // Blurs soften alpha with the colour; other kernels keep it. Alpha named in the selection is convolved in any case.
            bool blur = IsBlur(kernel);
            bool alphaNamed = selected[channels - 1];
            var weightedSelection = (bool[])selected.Clone();
            weightedSelection[channels - 1] = blur || alphaNamed;
            var alpha = new AlphaWeighting(channels, convolveAlpha: blur || alphaNamed, divideByConvolvedAlpha: blur, bias, borderValue, max, options.LinearLight);
            ConvolutionStep weighted = step.With(alpha, 0, weightedSelection);

            // An opaque image is convolved without weighting. Finding out reads every pixel first, a fifth of an RGBA
            // blur's time; a weighted step that lists the pixels whose window holds more than one alpha value from
            // its exact sums lists none on an opaque image and comes out the same, so there it is not read first.
            if (OpaqueComesOutUnweighted<T>(weighted, channels, options) || AlphaWeighting.HasVaryingAlpha(source.Span, channels))
            {
                step = weighted;
            }
        }

        ConvolutionPaths.Convolve(source, width, height, channels, destination, step, rows, columns, parallel);
        return (columns.OutputLength, rows.OutputLength);
    }

    // True where the weighted step leaves an opaque image as the unweighted one does, at no extra cost: it runs on
    // the separable integer path, which finds the pixels to weight from its own sums (none where alpha is uniform),
    // and every sample it reads beside the image is opaque too. A constant border below full is a transparent frame:
    // weighting would soften alpha at the image's edges, where an opaque image keeps it.
    private static bool OpaqueComesOutUnweighted<T>(in ConvolutionStep weighted, int channels, ConvolutionOptions options)
        where T : unmanaged
        => (options.BorderMode != BorderMode.Constant || weighted.BorderValue == weighted.Max)
            && ConvolutionPaths.ListsAlphaEdges<T>(weighted, channels);

    // A single matrix with no negative weight: a blur, which spreads alpha as it spreads colour.
    private static bool IsBlur(ConvolutionKernel kernel)
    {
        if (kernel.Matrices.Count != 1)
        {
            return false;
        }

        KernelMatrix m = kernel.Matrices[0];
        for (int r = 0; r < m.Height; r++)
        {
            for (int c = 0; c < m.Width; c++)
            {
                if (m[r, c] < 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Each row's grey (GreyConversion) in parallel bands. Pixel by pixel through a generic conversion it took five
    // times the blur of the grey image that followed.
    private static void ToGrayscale<T>(ReadOnlyMemory<T> source, int width, int height, PixelLayout layout, T[] destination, ParallelOptions parallel)
        where T : unmanaged
    {
        int inChannels = layout.ChannelCount();
        int outChannels = layout == PixelLayout.Rgba ? 2 : 1;
        RowBands.Run(height, parallel, (start, end) =>
        {
            float[] samples = ArrayPool<float>.Shared.Rent(width * inChannels);
            try
            {
                for (int y = start; y < end; y++)
                {
                    parallel.CancellationToken.ThrowIfCancellationRequested();
                    GreyConversion.Row(source.Span.Slice(y * width * inChannels, width * inChannels), inChannels, samples, destination.AsSpan(y * width * outChannels, width * outChannels));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(samples);
            }
        });
    }
}
