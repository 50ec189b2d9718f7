using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine;

/// <summary>The vectorised row loops every convolution path is built from.</summary>
internal static class RowKernels
{
    /// <summary><c>acc[x] += weight * source[x]</c> for every x of <paramref name="accumulator"/>.</summary>
    public static void MultiplyAdd(Span<float> accumulator, ReadOnlySpan<float> source, float weight)
    {
        source = source.Slice(0, accumulator.Length);
        int x = 0;
        if (Vector.IsHardwareAccelerated && accumulator.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> acc = MemoryMarshal.Cast<float, Vector<float>>(accumulator);
            ReadOnlySpan<Vector<float>> src = MemoryMarshal.Cast<float, Vector<float>>(source);
            var w = new Vector<float>(weight);
            for (int v = 0; v < acc.Length; v++)
            {
                acc[v] += w * src[v];
            }

            x = acc.Length * Vector<float>.Count;
        }

        for (; x < accumulator.Length; x++)
        {
            accumulator[x] += weight * source[x];
        }
    }

    /// <summary><c>acc[x] += weight * source[x * stride]</c>: the strided form, where samples are not contiguous.</summary>
    public static void MultiplyAddStrided(Span<float> accumulator, ReadOnlySpan<float> source, int stride, float weight)
    {
        for (int x = 0; x < accumulator.Length; x++)
        {
            accumulator[x] += weight * source[x * stride];
        }
    }

    /// <summary><c>values[x] = values[x] / divisor + bias</c>.</summary>
    public static void DivideAndOffset(Span<float> values, float divisor, float bias)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(values);
            var d = new Vector<float>(divisor);
            var b = new Vector<float>(bias);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = (v[i] / d) + b;
            }

            x = v.Length * Vector<float>.Count;
        }

        for (; x < values.Length; x++)
        {
            values[x] = (values[x] / divisor) + bias;
        }
    }

    /// <summary>
    /// Rounds to nearest (ties to even, as OpenCV's saturate_cast), optionally takes the absolute value,
    /// then clamps to 0..max.
    /// </summary>
    public static void Quantize(Span<float> values, float max, OutputRange range)
    {
        bool absolute = range == OutputRange.Absolute;
        for (int x = 0; x < values.Length; x++)
        {
            float v = MathF.Round(values[x], MidpointRounding.ToEven);
            if (absolute)
            {
                v = MathF.Abs(v);
            }

            values[x] = Math.Clamp(v, 0f, max);
        }
    }

    /// <summary><c>target[x] = target[x]^2</c> when starting a magnitude, else <c>target[x] += source[x]^2</c>.</summary>
    public static void AccumulateSquares(Span<float> target, ReadOnlySpan<float> source, bool first)
    {
        for (int x = 0; x < target.Length; x++)
        {
            float s = source[x];
            target[x] = first ? s * s : target[x] + (s * s);
        }
    }

    /// <summary><c>target[x] = sqrt(target[x])</c>.</summary>
    public static void SquareRoot(Span<float> values)
    {
        for (int x = 0; x < values.Length; x++)
        {
            values[x] = MathF.Sqrt(values[x]);
        }
    }

    /// <summary><c>target[x] = max(target[x], source[x])</c>.</summary>
    public static void Maximum(Span<float> target, ReadOnlySpan<float> source)
    {
        for (int x = 0; x < target.Length; x++)
        {
            target[x] = MathF.Max(target[x], source[x]);
        }
    }
}
