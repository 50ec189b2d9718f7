#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>The AVX-512 and AVX2 loops of <see cref="SampleConversion"/>.</summary>
internal static partial class SampleConversion
{
    // vcvtps2dq rounds to nearest, ties to even (the default rounding mode), and the unsigned saturating
    // narrowing (vpmovusdb / vpmovusdw) clamps at 255 or 65535 in order; only the lower bound needs a max.
    // Values past 2^31 convert to 0x80000000, which saturates to the top of the range, as it should.
    [MethodImpl(Jit.HotLoop)]
    static partial void StoreAvx512<T>(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, Span<T> destination, ref int i)
        where T : unmanaged
    {
        if (!Avx512F.IsSupported)
        {
            StoreAvx2(values, divisor, bias, max, absolute, destination, ref i);
            return;
        }

        ref float src = ref MemoryMarshal.GetReference(values);
        int n = values.Length;
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
                Vector512<uint> q = Levels(Vector512.LoadUnsafe(ref src, (nuint)i), divide, d, offset, b, absolute, sign);
                Avx512F.ConvertToVector128ByteWithSaturation(q).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else
        {
            ref ushort dst = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<T, ushort>(destination));
            for (; i <= n - 16; i += 16)
            {
                Vector512<uint> q = Levels(Vector512.LoadUnsafe(ref src, (nuint)i), divide, d, offset, b, absolute, sign);
                Avx512F.ConvertToVector256UInt16WithSaturation(q).StoreUnsafe(ref dst, (nuint)i);
            }
        }
    }

    // The AVX2 form: 32 values a step, clamped to 0..max as floats (AVX2 has no unsigned saturating narrowing, and
    // the signed packs would turn a value past 2^31 into 0), converted with the same rounding, then packed, with the
    // quarters the in-lane packs interleave put back in order. The Vector<T> loop's Narrow chains cost about four
    // times as much.
    [MethodImpl(Jit.HotLoop)]
    private static void StoreAvx2<T>(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, Span<T> destination, ref int i)
        where T : unmanaged
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        ref float src = ref MemoryMarshal.GetReference(values);
        int n = values.Length;
        bool divide = divisor != 1f;
        bool offset = bias != 0f;
        Vector256<float> d = Vector256.Create(divisor);
        Vector256<float> b = Vector256.Create(bias);
        Vector256<float> top = Vector256.Create(max);
        Vector256<float> sign = Vector256.Create(-0f);
        if (typeof(T) == typeof(byte))
        {
            ref byte dst = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<T, byte>(destination));
            Vector256<int> order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            for (; i <= n - 32; i += 32)
            {
                Vector256<int> q0 = Levels(Vector256.LoadUnsafe(ref src, (nuint)i), divide, d, offset, b, absolute, sign, top);
                Vector256<int> q1 = Levels(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)), divide, d, offset, b, absolute, sign, top);
                Vector256<int> q2 = Levels(Vector256.LoadUnsafe(ref src, (nuint)(i + 16)), divide, d, offset, b, absolute, sign, top);
                Vector256<int> q3 = Levels(Vector256.LoadUnsafe(ref src, (nuint)(i + 24)), divide, d, offset, b, absolute, sign, top);
                Vector256<byte> packed = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(q0, q1), Avx2.PackSignedSaturate(q2, q3));
                Avx2.PermuteVar8x32(packed.AsInt32(), order).AsByte().StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else
        {
            ref ushort dst = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<T, ushort>(destination));
            for (; i <= n - 16; i += 16)
            {
                Vector256<int> q0 = Levels(Vector256.LoadUnsafe(ref src, (nuint)i), divide, d, offset, b, absolute, sign, top);
                Vector256<int> q1 = Levels(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)), divide, d, offset, b, absolute, sign, top);
                Vector256<ushort> packed = Avx2.PackUnsignedSaturate(q0, q1);
                Avx2.Permute4x64(packed.AsUInt64(), 0b11_01_10_00).AsUInt16().StoreUnsafe(ref dst, (nuint)i);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Levels(Vector256<float> v, bool divide, Vector256<float> d, bool offset, Vector256<float> b, bool absolute, Vector256<float> sign, Vector256<float> top)
    {
        v = divide ? Avx.Divide(v, d) : v;
        v = offset ? Avx.Add(v, b) : v;
        v = absolute ? Vector256.AndNot(v, sign) : v;
        return Avx.ConvertToVector256Int32(Avx.Min(Avx.Max(v, Vector256<float>.Zero), top));
    }

    // Sixteen values divided, offset, made absolute where asked, and rounded to non-negative integers (the narrowing
    // that follows clamps the top).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Levels(Vector512<float> v, bool divide, Vector512<float> d, bool offset, Vector512<float> b, bool absolute, Vector512<float> sign)
    {
        v = divide ? Avx512F.Divide(v, d) : v;
        v = offset ? Avx512F.Add(v, b) : v;
        v = absolute ? Vector512.AndNot(v, sign) : v;
        return Avx512F.ConvertToVector512Int32(Avx512F.Max(v, Vector512<float>.Zero)).AsUInt32();
    }

    [MethodImpl(Jit.HotLoop)]
    static partial void BytesToFloatAvx512(ReadOnlySpan<byte> source, Span<float> destination, ref int i)
    {
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
    }

    [MethodImpl(Jit.HotLoop)]
    static partial void WordsToFloatAvx512(ReadOnlySpan<ushort> source, Span<float> destination, ref int i)
    {
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
    }
}
#endif
