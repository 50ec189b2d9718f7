using System;
using System.Linq;
using PSConvolution.Engine.Kernels;

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

    /// <summary>A random channel selection that the layout can satisfy, or null (the default) one time in four.</summary>
    public static ColorChannel? RandomChannels(Random random, PixelLayout layout)
    {
        if (random.Next(4) == 0)
        {
            return null;
        }

        bool grey = layout is PixelLayout.Gray or PixelLayout.GrayAlpha;
        bool alpha = layout is PixelLayout.GrayAlpha or PixelLayout.Rgba;
        ColorChannel[] allowed = grey
            ? new[] { ColorChannel.Gray, ColorChannel.Color, ColorChannel.All }
            : new[] { ColorChannel.Red, ColorChannel.Green, ColorChannel.Blue, ColorChannel.Gray, ColorChannel.Color, ColorChannel.All };
        if (alpha)
        {
            allowed = allowed.Append(ColorChannel.Alpha).ToArray();
        }

        ColorChannel selection = allowed[random.Next(allowed.Length)];
        for (int extra = random.Next(3); extra > 0; extra--)
        {
            selection |= allowed[random.Next(allowed.Length)];
        }

        return selection;
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

    /// <summary>
    /// <paramref name="count"/> random square matrices of <paramref name="size"/> whole weights from
    /// <paramref name="low"/> to <paramref name="high"/>, for an operator; where <paramref name="centre"/> is given, each
    /// matrix's centre weight is drawn from it instead (so that no matrix is all zero).
    /// </summary>
    public static KernelMatrix[] RandomOperatorMatrices(Random random, int size, int count, int low, int high, (int Low, int High)? centre = null)
    {
        var matrices = new KernelMatrix[count];
        for (int m = 0; m < count; m++)
        {
            var rows = new double[size][];
            for (int i = 0; i < size; i++)
            {
                rows[i] = new double[size];
                for (int j = 0; j < size; j++)
                {
                    rows[i][j] = random.Next(low, high + 1);
                }
            }

            if (centre is (int cl, int ch))
            {
                rows[size / 2][size / 2] = random.Next(cl, ch + 1);
            }

            matrices[m] = KernelMatrix.Create(rows);
        }

        return matrices;
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

    /// <summary>
    /// The stored pixel a viewer shows at (x, y) under an EXIF orientation, for stored pixels w wide and h high; written
    /// out case by case from the tag's definition (where stored row 0 and column 0 end up), apart from the engine's
    /// own mapping.
    /// </summary>
    public static (int X, int Y) StoredAt(DisplayOrientation orientation, int w, int h, int x, int y) => orientation switch
    {
        DisplayOrientation.TopLeft => (x, y),
        DisplayOrientation.TopRight => (w - 1 - x, y),
        DisplayOrientation.BottomRight => (w - 1 - x, h - 1 - y),
        DisplayOrientation.BottomLeft => (x, h - 1 - y),
        DisplayOrientation.LeftTop => (y, x),
        DisplayOrientation.RightTop => (y, h - 1 - x),
        DisplayOrientation.RightBottom => (w - 1 - y, h - 1 - x),
        _ => (w - 1 - y, x),
    };
}
