using System;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>Σ w·C·A for up to three colour channels (grey in the first) and Σ w·A.</summary>
internal struct PremultipliedSums
{
    private double c0;
    private double c1;
    private double c2;

    public double Alpha { get; private set; }

    public readonly double Colour(int channel) => channel switch { 0 => c0, 1 => c1, _ => c2 };

    // One sample; the constant border is a pixel with every channel at the border value.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ReadOnlySpan<byte> source, int n, int rowStart, int column, int width, double border, double w)
    {
        if (rowStart < 0 || column == width)
        {
            double wb = w * border;
            c0 += wb * border;
            c1 += wb * border;
            c2 += wb * border;
            Alpha += wb;
            return;
        }

        int at = rowStart + (column * n);
        double wa = w * source[at + n - 1];
        c0 += wa * source[at];
        if (n == 4)
        {
            c1 += wa * source[at + 1];
            c2 += wa * source[at + 2];
        }

        Alpha += wa;
    }

    // Another sum, weighted: the horizontal pass over vertical sums.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double w, in PremultipliedSums other)
    {
        c0 += w * other.c0;
        c1 += w * other.c1;
        c2 += w * other.c2;
        Alpha += w * other.Alpha;
    }
}
