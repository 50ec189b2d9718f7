using System;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The contract's formula written as plainly as possible, in double precision, one output pixel at a time.
/// Deliberately shares no code with the engine (its own border rules, no sampling maps, no separation).
/// </summary>
internal static class ReferenceConvolution
{
    public static double[,] Convolve(
        double[,] image,
        double[,] kernel,
        BorderMode border,
        double borderValue,
        PaddingMode padding,
        int stride,
        double divisor,
        double bias,
        int anchorY = -1,
        int anchorX = -1)
    {
        int h = image.GetLength(0);
        int w = image.GetLength(1);
        int kh = kernel.GetLength(0);
        int kw = kernel.GetLength(1);
        int ay = anchorY >= 0 ? anchorY : kh / 2;
        int ax = anchorX >= 0 ? anchorX : kw / 2;
        int outH;
        int outW;
        if (padding == PaddingMode.Same)
        {
            outH = (int)Math.Ceiling(h / (double)stride);
            outW = (int)Math.Ceiling(w / (double)stride);
        }
        else
        {
            outH = ((h - kh) / stride) + 1;
            outW = ((w - kw) / stride) + 1;
        }

        var result = new double[outH, outW];
        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                int cy = padding == PaddingMode.Same ? y * stride : (y * stride) + ay;
                int cx = padding == PaddingMode.Same ? x * stride : (x * stride) + ax;
                double sum = 0;
                for (int i = 0; i < kh; i++)
                {
                    for (int j = 0; j < kw; j++)
                    {
                        sum += kernel[i, j] * Sample(image, cy + i - ay, cx + j - ax, border, borderValue);
                    }
                }

                result[y, x] = (sum / divisor) + bias;
            }
        }

        return result;
    }

    public static double Quantize(double value, double max, OutputRange range)
    {
        double v = Math.Round(value, MidpointRounding.ToEven);
        if (range == OutputRange.Absolute)
        {
            v = Math.Abs(v);
        }

        return Math.Clamp(v, 0, max);
    }

    public static double Sample(double[,] image, int y, int x, BorderMode border, double borderValue)
    {
        int h = image.GetLength(0);
        int w = image.GetLength(1);
        if (border == BorderMode.Constant && (y < 0 || y >= h || x < 0 || x >= w))
        {
            return borderValue;
        }

        return image[Fold(y, h, border), Fold(x, w, border)];
    }

    // Reflections are unfolded one bounce at a time, the way the contract's table draws them.
    public static int Fold(int p, int n, BorderMode border)
    {
        switch (border)
        {
            case BorderMode.Constant:
                return p;
            case BorderMode.Replicate:
                return Math.Clamp(p, 0, n - 1);
            case BorderMode.Wrap:
                return ((p % n) + n) % n;
            case BorderMode.Reflect:
                while (p < 0 || p >= n)
                {
                    p = p < 0 ? -p - 1 : (2 * n) - 1 - p;
                }

                return p;
            case BorderMode.Mirror:
                if (n == 1)
                {
                    return 0;
                }

                while (p < 0 || p >= n)
                {
                    p = p < 0 ? -p : (2 * n) - 2 - p;
                }

                return p;
            default:
                throw new ArgumentOutOfRangeException(nameof(border));
        }
    }
}
