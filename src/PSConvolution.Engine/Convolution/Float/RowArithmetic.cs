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
        // A vector's products and sums round as the scalar ones do (the JIT fuses no multiply into an add).
        int x = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> t = MemoryMarshal.Cast<float, Vector<float>>(target);
            ReadOnlySpan<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(source.Slice(0, target.Length));
            for (int i = 0; i < t.Length; i++)
            {
                Vector<float> s = v[i];
                t[i] = first ? s * s : t[i] + (s * s);
            }

            x = t.Length * Vector<float>.Count;
        }

        for (; x < target.Length; x++)
        {
            float s = source[x];
            target[x] = first ? s * s : target[x] + (s * s);
        }
    }

    /// <summary><c>target[x] = sqrt(target[x])</c>.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void SquareRoot(Span<float> values)
    {
        // The correctly rounded float root: the vector instruction's, and the double root rounded to float (a double
        // holds more than twice a float's bits, so that rounding twice gives the same float). It was the scalar double
        // root alone that took most of a Sobel magnitude's time.
        int x = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = Vector.SquareRoot(v[i]);
            }

            x = v.Length * Vector<float>.Count;
        }

        for (; x < values.Length; x++)
        {
            values[x] = (float)Math.Sqrt(values[x]);
        }
    }

    /// <summary><c>target[x] = max(target[x], source[x])</c>.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Maximum(Span<float> target, ReadOnlySpan<float> source)
    {
        // The responses are finite sums (never NaN), and where they differ only in the sign of a zero, both round
        // to the same level, so the vector maximum's choice between -0 and +0 changes no output.
        int x = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> t = MemoryMarshal.Cast<float, Vector<float>>(target);
            ReadOnlySpan<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(source.Slice(0, target.Length));
            for (int i = 0; i < t.Length; i++)
            {
                t[i] = Vector.Max(t[i], v[i]);
            }

            x = t.Length * Vector<float>.Count;
        }

        for (; x < target.Length; x++)
        {
            target[x] = Math.Max(target[x], source[x]);
        }
    }
}
