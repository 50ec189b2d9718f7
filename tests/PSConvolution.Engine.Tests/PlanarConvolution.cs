using System;
using System.Collections.Generic;
using System.Threading;
using PSConvolution.Engine.Convolution;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>Runs the engine on a <see cref="PlanarImage"/>: interleaves it, convolves, and splits the result into planes.</summary>
internal static class PlanarConvolution
{
    public static PlanarImage Convolve(PlanarImage image, IReadOnlyList<ConvolutionKernel> kernels, ConvolutionOptions options, CancellationToken cancellationToken = default)
    {
        (int w, int h, PixelLayout layout) = ImageConvolver.GetOutputShape(image.Width, image.Height, image.Layout, kernels, options);
        var result = new PlanarImage(w, h, layout, image.BitDepth);
        try
        {
            if (image.BitDepth == 8)
            {
                byte[] source = Interleave(image, v => (byte)v);
                var destination = new byte[w * h * result.Channels];
                ImageConvolver.Convolve(new PixelBuffer(source, image.Width, image.Height, image.Layout), new PixelBuffer(destination, w, h, layout), kernels, options, cancellationToken);
                Deinterleave(destination, result, v => v);
            }
            else
            {
                ushort[] source = Interleave(image, v => (ushort)v);
                var destination = new ushort[w * h * result.Channels];
                ImageConvolver.Convolve(new PixelBuffer(source, image.Width, image.Height, image.Layout), new PixelBuffer(destination, w, h, layout), kernels, options, cancellationToken);
                Deinterleave(destination, result, v => v);
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static T[] Interleave<T>(PlanarImage image, Func<float, T> convert)
    {
        int channels = image.Channels;
        var result = new T[image.Width * image.Height * channels];
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = image.GetChannel(c);
            for (int i = 0; i < plane.Length; i++)
            {
                result[(i * channels) + c] = convert(plane[i]);
            }
        }

        return result;
    }

    private static void Deinterleave<T>(T[] samples, PlanarImage image, Func<T, float> convert)
    {
        int channels = image.Channels;
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = image.GetChannel(c);
            for (int i = 0; i < plane.Length; i++)
            {
                plane[i] = convert(samples[(i * channels) + c]);
            }
        }
    }
}
