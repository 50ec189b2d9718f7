using System;
using PSConvolution.Engine;

namespace PSConvolution.Engine.Tests;

internal static class TestImages
{
    public static PlanarImage Random(Random random, int width, int height, PixelLayout layout, int bitDepth)
    {
        var image = new PlanarImage(width, height, layout, bitDepth);
        for (int c = 0; c < image.Channels; c++)
        {
            Span<float> plane = image.GetChannel(c);
            for (int i = 0; i < plane.Length; i++)
            {
                plane[i] = random.Next(0, (int)image.MaxValue + 1);
            }
        }

        return image;
    }

    public static double[,] ChannelAsArray(PlanarImage image, int channel)
    {
        var result = new double[image.Height, image.Width];
        Span<float> plane = image.GetChannel(channel);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                result[y, x] = plane[(y * image.Width) + x];
            }
        }

        return result;
    }

    public static double[,] ToArray(KernelMatrix matrix)
    {
        var k = new double[matrix.Height, matrix.Width];
        for (int i = 0; i < matrix.Height; i++)
        {
            for (int j = 0; j < matrix.Width; j++)
            {
                k[i, j] = matrix[i, j];
            }
        }

        return k;
    }

    public static PlanarImage Flat(int width, int height, float value, PixelLayout layout = PixelLayout.Gray)
    {
        var image = new PlanarImage(width, height, layout, 8);
        for (int c = 0; c < image.Channels; c++)
        {
            image.GetChannel(c).Fill(value);
        }

        return image;
    }
}
