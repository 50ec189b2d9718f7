using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Float;

/// <summary>The element-wise row steps of the float path that combine the responses of several matrices.</summary>
internal static class RowArithmetic
{
    /// <summary><c>values[x] = values[x] / divisor + bias</c>.</summary>
    [MethodImpl(Jit.HotLoop)]
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

    /// <summary><c>target[x] = target[x]^2</c> when starting a magnitude, else <c>target[x] += source[x]^2</c>.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void AccumulateSquares(Span<float> target, ReadOnlySpan<float> source, bool first)
    {
        for (int x = 0; x < target.Length; x++)
        {
            float s = source[x];
            target[x] = first ? s * s : target[x] + (s * s);
        }
    }

    /// <summary><c>target[x] = sqrt(target[x])</c>.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void SquareRoot(Span<float> values)
    {
        for (int x = 0; x < values.Length; x++)
        {
            values[x] = (float)Math.Sqrt(values[x]); // the correctly rounded float root
        }
    }

    /// <summary><c>target[x] = max(target[x], source[x])</c>.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Maximum(Span<float> target, ReadOnlySpan<float> source)
    {
        for (int x = 0; x < target.Length; x++)
        {
            target[x] = Math.Max(target[x], source[x]);
        }
    }
}
