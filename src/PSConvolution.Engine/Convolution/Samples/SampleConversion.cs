using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>Vectorised conversions between stored samples (8- or 16-bit) and the float rows the kernels run on.</summary>
internal static class SampleConversion
{
    // Adding and subtracting 2^23 rounds a float in [0, 2^23) to the nearest integer, ties to even,
    // under the default rounding mode: the same rounding as MathF.Round, without .NET 9's Vector.Round.
    private const float RoundingMagic = 8388608f;

    /// <summary>Widens samples to floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        if (Avx512F.IsSupported)
        {
            i = StoreAvx512(values, divisor, bias, max, absolute, destination);
        }

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
            destination[i] = Quantize<T>((values[i] / divisor) + bias, max, absolute);
        }
    }

    /// <summary>One value as a sample: made absolute when asked, clamped to 0..max, rounded to nearest (ties to even).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Quantize<T>(float value, float max, bool absolute)
        where T : unmanaged
    {
        float v = MathF.Round(Math.Clamp(absolute ? MathF.Abs(value) : value, 0f, max), MidpointRounding.ToEven);
        return typeof(T) == typeof(byte) ? (T)(object)(byte)v : (T)(object)(ushort)v;
    }

    // vcvtps2dq rounds to nearest, ties to even (the default rounding mode), and the unsigned saturating
    // narrowing (vpmovusdb / vpmovusdw) clamps at 255 or 65535 in order; only the lower bound needs a max.
    // Values past 2^31 convert to 0x80000000, which saturates to the top of the range, as it should.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int StoreAvx512<T>(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, Span<T> destination)
        where T : unmanaged
    {
        ref float src = ref MemoryMarshal.GetReference(values);
        int n = values.Length;
        int i = 0;
        bool divide = divisor != 1f;
        bool offset = bias != 0f;
        Vector512<float> d = Vector512.Create(divisor);
        Vector512<float> b = Vector512.Create(bias);
        Vector512<float> sign = Vector512.Create(-0f);
        if (typeof(T) == typeof(byte))
        {
            ref byte dst = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<T, byte>(destination));
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref src, (nuint)i);
                v = divide ? Avx512F.Divide(v, d) : v;
                v = offset ? Avx512F.Add(v, b) : v;
                v = absolute ? Vector512.AndNot(v, sign) : v;
                Vector512<uint> q = Avx512F.ConvertToVector512Int32(Avx512F.Max(v, Vector512<float>.Zero)).AsUInt32();
                Avx512F.ConvertToVector128ByteWithSaturation(q).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else
        {
            ref ushort dst = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<T, ushort>(destination));
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref src, (nuint)i);
                v = divide ? Avx512F.Divide(v, d) : v;
                v = offset ? Avx512F.Add(v, b) : v;
                v = absolute ? Vector512.AndNot(v, sign) : v;
                Vector512<uint> q = Avx512F.ConvertToVector512Int32(Avx512F.Max(v, Vector512<float>.Zero)).AsUInt32();
                Avx512F.ConvertToVector256UInt16WithSaturation(q).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        return i;
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
        if (Avx512F.IsSupported)
        {
            ref byte src = ref MemoryMarshal.GetReference(source);
            ref float dst = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - 16; i += 16)
            {
                Vector512<int> widened = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref src, (nuint)i));
                Avx512F.ConvertToVector512Single(widened).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        if (Vector.IsHardwareAccelerated && source.Length - i >= Vector<byte>.Count)
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
        if (Avx512F.IsSupported)
        {
            ref ushort src = ref MemoryMarshal.GetReference(source);
            ref float dst = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - 16; i += 16)
            {
                Vector512<int> widened = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref src, (nuint)i));
                Avx512F.ConvertToVector512Single(widened).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        if (Vector.IsHardwareAccelerated && source.Length - i >= Vector<ushort>.Count)
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
