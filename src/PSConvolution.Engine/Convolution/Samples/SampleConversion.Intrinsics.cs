#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>The AVX-512 loops of <see cref="SampleConversion"/>.</summary>
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
