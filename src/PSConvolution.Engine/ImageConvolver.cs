using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PSConvolution.Engine;

/// <summary>
/// Applies a chain of kernels to a <see cref="PlanarImage"/> with the arithmetic of CONTRACT section 1.
/// Every kernel but the last runs with Same padding and stride 1; the last applies the options' padding and stride,
/// so one call with a chain gives the same pixels as one call per kernel.
/// </summary>
public static class ImageConvolver
{
    /// <summary>Luminance weights of BT.601, as OpenCV's and Pillow's colour-to-grey conversions use.</summary>
    private const float LumaRed = 0.299f;
    private const float LumaGreen = 0.587f;
    private const float LumaBlue = 0.114f;

    /// <summary>Convolves an image with each kernel in turn and returns a new image; the input is left as it is.</summary>
    public static PlanarImage Convolve(PlanarImage image, IReadOnlyList<ConvolutionKernel> kernels, ConvolutionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (kernels.Count == 0)
        {
            throw new ArgumentException("Give at least one kernel.", nameof(kernels));
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        PlanarImage current = image;
        try
        {
            if (options.Grayscale && image.Layout is PixelLayout.Rgb or PixelLayout.Rgba)
            {
                current = ToGrayscale(image);
            }

            for (int k = 0; k < kernels.Count; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bool last = k == kernels.Count - 1;
                PlanarImage next = ConvolveOnce(current, kernels[k], options, last ? options.Padding : PaddingMode.Same, last ? options.Stride : 1, parallel);
                if (!ReferenceEquals(current, image))
                {
                    current.Dispose();
                }

                current = next;
            }

            return current;
        }
        catch
        {
            if (!ReferenceEquals(current, image))
            {
                current.Dispose();
            }

            throw;
        }
    }

    /// <summary>True when a channel of a layout is convolved under a channel selection.</summary>
    public static bool IsSelected(PixelLayout layout, int channel, ColorChannel selection)
    {
        if (selection == ColorChannel.None)
        {
            selection = ColorChannel.Color;
        }

        bool isAlpha = (layout is PixelLayout.GrayAlpha && channel == 1) || (layout is PixelLayout.Rgba && channel == 3);
        if (isAlpha)
        {
            return (selection & ColorChannel.Alpha) != 0;
        }

        if (layout is PixelLayout.Gray or PixelLayout.GrayAlpha)
        {
            return (selection & ColorChannel.Color) != 0;
        }

        ColorChannel own = channel switch { 0 => ColorChannel.Red, 1 => ColorChannel.Green, _ => ColorChannel.Blue };
        return (selection & (own | ColorChannel.Gray)) != 0;
    }

    private static PlanarImage ConvolveOnce(PlanarImage source, ConvolutionKernel kernel, ConvolutionOptions options, PaddingMode padding, int stride, ParallelOptions parallel)
    {
        if (options.FlipKernel)
        {
            kernel = kernel.Rotate180();
        }

        KernelMatrix shape = kernel.Matrices[0];
        KernelSamplingMap rows = KernelSamplingMap.Create(source.Height, shape.Height, shape.AnchorY, stride, padding, options.BorderMode);
        KernelSamplingMap columns = KernelSamplingMap.Create(source.Width, shape.Width, shape.AnchorX, stride, padding, options.BorderMode);

        // Bias and border value are written in 8-bit levels; a 16-bit image gets them scaled to its own levels.
        float levelScale = source.MaxValue / 255f;
        float borderValue = (float)options.BorderValue * levelScale;
        float bias = (float)(options.Bias ?? kernel.Bias) * levelScale;
        OutputRange range = options.OutputRange ?? kernel.OutputRange;

        var result = new PlanarImage(columns.OutputLength, rows.OutputLength, source.Layout, source.BitDepth);
        float[]? response = kernel.Matrices.Count > 1 ? ArrayPool<float>.Shared.Rent(result.Width * result.Height) : null;
        try
        {
            for (int c = 0; c < source.Channels; c++)
            {
                float[] src = source.GetChannelArray(c);
                float[] dst = result.GetChannelArray(c);
                if (!IsSelected(source.Layout, c, options.Channels))
                {
                    PlaneConvolver.SampleCentres(src, source.Width, rows, columns, dst, parallel);
                    continue;
                }

                for (int m = 0; m < kernel.Matrices.Count; m++)
                {
                    float divisor = (float)(options.Divisor ?? kernel.GetDivisor(m));
                    float[] target = m == 0 ? dst : response!;
                    PlaneConvolver.Convolve(src, source.Width, source.Height, kernel.Matrices[m], rows, columns, borderValue, divisor, bias, target, parallel);
                    Combine(kernel.Combination, dst, target, m, result.Width * result.Height);
                }

                if (kernel.Combination == KernelCombination.Magnitude)
                {
                    RowKernels.SquareRoot(dst.AsSpan(0, result.Width * result.Height));
                }

                RowKernels.Quantize(dst.AsSpan(0, result.Width * result.Height), source.MaxValue, range);
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            if (response is not null)
            {
                ArrayPool<float>.Shared.Return(response);
            }
        }
    }

    private static void Combine(KernelCombination combination, float[] destination, float[] response, int matrixIndex, int length)
    {
        switch (combination)
        {
            case KernelCombination.Magnitude:
                RowKernels.AccumulateSquares(destination.AsSpan(0, length), response.AsSpan(0, length), matrixIndex == 0);
                break;
            case KernelCombination.Maximum when matrixIndex > 0:
                RowKernels.Maximum(destination.AsSpan(0, length), response.AsSpan(0, length));
                break;
        }
    }

    private static PlanarImage ToGrayscale(PlanarImage image)
    {
        PixelLayout layout = image.HasAlpha ? PixelLayout.GrayAlpha : PixelLayout.Gray;
        var grey = new PlanarImage(image.Width, image.Height, layout, image.BitDepth);
        Span<float> r = image.GetChannel(0);
        Span<float> g = image.GetChannel(1);
        Span<float> b = image.GetChannel(2);
        Span<float> l = grey.GetChannel(0);
        for (int i = 0; i < l.Length; i++)
        {
            // Rounded to the channel's levels, so the result equals convolving the grey image a user would save.
            l[i] = MathF.Round((LumaRed * r[i]) + (LumaGreen * g[i]) + (LumaBlue * b[i]), MidpointRounding.ToEven);
        }

        if (image.HasAlpha)
        {
            image.GetChannel(3).CopyTo(grey.GetChannel(1));
        }

        return grey;
    }
}
