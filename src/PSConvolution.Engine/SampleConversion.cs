using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine;

/// <summary>Vectorised conversions between stored samples (8- or 16-bit) and the float rows the kernels run on.</summary>
internal static class SampleConversion
{
    // Adding and subtracting 2^23 rounds a float in [0, 2^23) to the nearest integer, ties to even,
    // under the default rounding mode: the same rounding as MathF.Round, without .NET 9's Vector.Round.
    private const float RoundingMagic = 8388608f;

    /// <summary>Widens samples to floats.</summary>
    public static void ToFloat<T>(ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte))
        {
            BytesToFloat(MemoryMarshal.Cast<T, byte>(source), destination);
        }
        else
        {
            WordsToFloat(MemoryMarshal.Cast<T, ushort>(source), destination);
        }
    }

    /// <summary>One sample as a float.</summary>
    public static float ToFloat<T>(T sample)
        where T : unmanaged
        => typeof(T) == typeof(byte) ? (byte)(object)sample : (ushort)(object)sample;

    /// <summary>
    /// Stores <c>values / divisor + bias</c>, rounded to nearest (ties to even), optionally made absolute, clamped
    /// to 0..max, as samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Store<T>(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, Span<T> destination)
        where T : unmanaged
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count * 4)
        {
            var d = new Vector<float>(divisor);
            var b = new Vector<float>(bias);
            var hi = new Vector<float>(max);
            var magic = new Vector<float>(RoundingMagic);
            int block = Vector<float>.Count * (typeof(T) == typeof(byte) ? 4 : 2);
            for (; i <= values.Length - block; i += block)
            {
                if (typeof(T) == typeof(byte))
                {
                    Vector<uint> q0 = Quantize(values.Slice(i), d, b, hi, magic, absolute);
                    Vector<uint> q1 = Quantize(values.Slice(i + Vector<float>.Count), d, b, hi, magic, absolute);
                    Vector<uint> q2 = Quantize(values.Slice(i + (2 * Vector<float>.Count)), d, b, hi, magic, absolute);
                    Vector<uint> q3 = Quantize(values.Slice(i + (3 * Vector<float>.Count)), d, b, hi, magic, absolute);
                    Vector<byte> packed = Vector.Narrow(Vector.Narrow(q0, q1), Vector.Narrow(q2, q3));
                    packed.CopyTo(MemoryMarshal.Cast<T, byte>(destination).Slice(i));
                }
                else
                {
                    Vector<uint> q0 = Quantize(values.Slice(i), d, b, hi, magic, absolute);
                    Vector<uint> q1 = Quantize(values.Slice(i + Vector<float>.Count), d, b, hi, magic, absolute);
                    Vector.Narrow(q0, q1).CopyTo(MemoryMarshal.Cast<T, ushort>(destination).Slice(i));
                }
            }
        }

        for (; i < values.Length; i++)
        {
            float v = (values[i] / divisor) + bias;
            if (absolute)
            {
                v = MathF.Abs(v);
            }

            v = MathF.Round(Math.Clamp(v, 0f, max), MidpointRounding.ToEven);
            destination[i] = typeof(T) == typeof(byte) ? (T)(object)(byte)v : (T)(object)(ushort)v;
        }
    }

    private static Vector<uint> Quantize(ReadOnlySpan<float> values, Vector<float> divisor, Vector<float> bias, Vector<float> max, Vector<float> magic, bool absolute)
    {
        Vector<float> v = (new Vector<float>(values) / divisor) + bias;
        if (absolute)
        {
            v = Vector.Abs(v);
        }

        // Clamping first is the same as rounding first, because the bounds are whole numbers.
        v = Vector.Min(Vector.Max(v, Vector<float>.Zero), max);
        v = (v + magic) - magic;
        return Vector.AsVectorUInt32(Vector.ConvertToInt32(v));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BytesToFloat(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<byte>.Count)
        {
            int n = Vector<float>.Count;
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(source.Slice(i)), out Vector<ushort> lo, out Vector<ushort> hi);
                Vector.Widen(lo, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(hi, out Vector<uint> c, out Vector<uint> d);
                Span<float> dst = destination.Slice(i);
                Vector.ConvertToSingle(a).CopyTo(dst);
                Vector.ConvertToSingle(b).CopyTo(dst.Slice(n));
                Vector.ConvertToSingle(c).CopyTo(dst.Slice(2 * n));
                Vector.ConvertToSingle(d).CopyTo(dst.Slice(3 * n));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WordsToFloat(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<ushort>.Count)
        {
            int n = Vector<float>.Count;
            for (; i <= source.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                Vector.Widen(new Vector<ushort>(source.Slice(i)), out Vector<uint> a, out Vector<uint> b);
                Vector.ConvertToSingle(a).CopyTo(destination.Slice(i));
                Vector.ConvertToSingle(b).CopyTo(destination.Slice(i + n));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }
}
