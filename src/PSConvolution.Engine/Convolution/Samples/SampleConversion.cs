using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>Vectorised conversions between stored samples (8- or 16-bit) and the float rows the kernels run on.</summary>
internal static partial class SampleConversion
{
    // Adding and subtracting 2^23 rounds a float in [0, 2^23) to the nearest integer, ties to even,
    // under the default rounding mode: the same rounding as Math.Round, without .NET 9's Vector.Round.
    internal const float RoundingMagic = 8388608f;

    /// <summary>Widens samples to floats.</summary>
    [MethodImpl(Jit.HotLoop)]
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
    [MethodImpl(Jit.HotLoop)]
    public static float ToFloat<T>(T sample)
        where T : unmanaged
        => typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref sample) : Unsafe.As<T, ushort>(ref sample);

    /// <summary>
    /// Stores <c>values / divisor + bias</c>, rounded to nearest (ties to even), optionally made absolute, clamped
    /// to 0..max, as samples.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Store<T>(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, Span<T> destination)
        where T : unmanaged
    {
        int i = 0;
        StoreAvx512(values, divisor, bias, max, absolute, destination, ref i);

        if (Vector.IsHardwareAccelerated && values.Length - i >= Vector<float>.Count * 4)
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
                    VectorMemory.Store(packed, MemoryMarshal.Cast<T, byte>(destination), i);
                }
                else
                {
                    Vector<uint> q0 = Quantize(values.Slice(i), d, b, hi, magic, absolute);
                    Vector<uint> q1 = Quantize(values.Slice(i + Vector<float>.Count), d, b, hi, magic, absolute);
                    VectorMemory.Store(Vector.Narrow(q0, q1), MemoryMarshal.Cast<T, ushort>(destination), i);
                }
            }
        }

        for (; i < values.Length; i++)
        {
            destination[i] = Quantize<T>((values[i] / divisor) + bias, max, absolute);
        }
    }

    /// <summary>One value as a sample: made absolute when asked, clamped to 0..max, rounded to nearest (ties to even).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Quantize<T>(float value, float max, bool absolute)
        where T : unmanaged
    {
        // Rounding the float in double precision is exact: the clamped value and its rounding are both floats.
        double v = Math.Round(Math.Min(Math.Max(absolute ? Math.Abs(value) : value, 0f), max), MidpointRounding.ToEven);
        if (typeof(T) == typeof(byte))
        {
            byte b = (byte)v;
            return Unsafe.As<byte, T>(ref b);
        }

        ushort w = (ushort)v;
        return Unsafe.As<ushort, T>(ref w);
    }

    private static Vector<uint> Quantize(ReadOnlySpan<float> values, Vector<float> divisor, Vector<float> bias, Vector<float> max, Vector<float> magic, bool absolute)
    {
        Vector<float> v = (VectorMemory.Load(values, 0) / divisor) + bias;
        if (absolute)
        {
            v = Vector.Abs(v);
        }

        // Clamping first is the same as rounding first, because the bounds are whole numbers.
        v = Vector.Min(Vector.Max(v, Vector<float>.Zero), max);
        v = (v + magic) - magic;
        return Vector.AsVectorUInt32(Vector.ConvertToInt32(v));
    }

    [MethodImpl(Jit.HotLoop)]
    private static void BytesToFloat(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int i = 0;
        BytesToFloatAvx512(source, destination, ref i);
        if (Vector.IsHardwareAccelerated && source.Length - i >= Vector<byte>.Count)
        {
            int n = Vector<float>.Count;
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(VectorMemory.Load(source, i), out Vector<ushort> lo, out Vector<ushort> hi);
                Vector.Widen(lo, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(hi, out Vector<uint> c, out Vector<uint> d);
                VectorMemory.Store(Vector.ConvertToSingle(a), destination, i);
                VectorMemory.Store(Vector.ConvertToSingle(b), destination, i + n);
                VectorMemory.Store(Vector.ConvertToSingle(c), destination, i + (2 * n));
                VectorMemory.Store(Vector.ConvertToSingle(d), destination, i + (3 * n));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    [MethodImpl(Jit.HotLoop)]
    private static void WordsToFloat(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        int i = 0;
        WordsToFloatAvx512(source, destination, ref i);
        if (Vector.IsHardwareAccelerated && source.Length - i >= Vector<ushort>.Count)
        {
            int n = Vector<float>.Count;
            for (; i <= source.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                Vector.Widen(VectorMemory.Load(source, i), out Vector<uint> a, out Vector<uint> b);
                VectorMemory.Store(Vector.ConvertToSingle(a), destination, i);
                VectorMemory.Store(Vector.ConvertToSingle(b), destination, i + n);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    // The AVX-512 loops, where the machine has them; without an implementation (netstandard2.0) the calls are removed.
    static partial void StoreAvx512<T>(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, Span<T> destination, ref int i)
        where T : unmanaged;

    static partial void BytesToFloatAvx512(ReadOnlySpan<byte> source, Span<float> destination, ref int i);

    static partial void WordsToFloatAvx512(ReadOnlySpan<ushort> source, Span<float> destination, ref int i);
}
