#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The AVX-512 and AVX2 loops of <see cref="SeparableBytePasses"/>: 64 or 32 samples a step. Against the
/// portable Vector&lt;T&gt; loops they widen bytes with one zero-extending load instead of an unpack and a lane
/// permute, skip the multiply for a weight of 1 (the binomial's outer taps), and narrow with one saturating pack.
/// </summary>
internal static partial class SeparableBytePasses
{
    [MethodImpl(Jit.HotLoop)]
    static partial void VerticalBytesAvx512(ref byte src, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, ushort constant, int offset, int n, ref ushort dst, ref int x)
    {
        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> c = Vector512.Create(constant);
            for (; x <= n - 64; x += 64)
            {
                Vector512<ushort> a0 = c, a1 = c;
                for (int i = 0; i < rowStarts.Length; i++)
                {
                    ref byte s = ref Unsafe.Add(ref src, rowStarts[i] + offset + x);
                    Vector512<ushort> v0 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s));
                    Vector512<ushort> v1 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s, 32));
                    ushort w = taps[i];
                    if (w == 1)
                    {
                        a0 += v0;
                        a1 += v1;
                    }
                    else
                    {
                        Vector512<ushort> wv = Vector512.Create(w);
                        a0 += v0 * wv;
                        a1 += v1 * wv;
                    }
                }

                a0.StoreUnsafe(ref dst, (nuint)x);
                a1.StoreUnsafe(ref dst, (nuint)(x + 32));
            }
        }

        if (Avx2.IsSupported)
        {
            Vector256<ushort> c = Vector256.Create(constant);
            for (; x <= n - 32; x += 32)
            {
                Vector256<ushort> a0 = c, a1 = c;
                for (int i = 0; i < rowStarts.Length; i++)
                {
                    ref byte s = ref Unsafe.Add(ref src, rowStarts[i] + offset + x);
                    Vector256<ushort> v0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s)).AsUInt16();
                    Vector256<ushort> v1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, 16)).AsUInt16();
                    ushort w = taps[i];
                    if (w == 1)
                    {
                        a0 += v0;
                        a1 += v1;
                    }
                    else
                    {
                        Vector256<ushort> wv = Vector256.Create(w);
                        a0 += v0 * wv;
                        a1 += v1 * wv;
                    }
                }

                a0.StoreUnsafe(ref dst, (nuint)x);
                a1.StoreUnsafe(ref dst, (nuint)(x + 16));
            }
        }
    }

    [MethodImpl(Jit.HotLoop)]
    static partial void HorizontalStoreAvx512(ref ushort src, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, int n, ref byte dst, ref int x)
    {
        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> bias = Vector512.Create((ushort)ShiftRounding.HalfLessOne(shift));
            Vector512<ushort> one = Vector512.Create((ushort)1);
            for (; x <= n - 64; x += 64)
            {
                Vector512<ushort> a0 = Vector512<ushort>.Zero, a1 = Vector512<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref ushort s = ref Unsafe.Add(ref src, x + offsets[t]);
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += Vector512.LoadUnsafe(ref s);
                        a1 += Vector512.LoadUnsafe(ref s, 32);
                    }
                    else
                    {
                        Vector512<ushort> wv = Vector512.Create(w);
                        a0 += Vector512.LoadUnsafe(ref s) * wv;
                        a1 += Vector512.LoadUnsafe(ref s, 32) * wv;
                    }
                }

                if (shift > 0)
                {
                    a0 = Vector512.ShiftRightLogical(a0 + bias + (Vector512.ShiftRightLogical(a0, shift) & one), shift);
                    a1 = Vector512.ShiftRightLogical(a1 + bias + (Vector512.ShiftRightLogical(a1, shift) & one), shift);
                }

                Avx512BW.ConvertToVector256ByteWithSaturation(a0).StoreUnsafe(ref dst, (nuint)x);
                Avx512BW.ConvertToVector256ByteWithSaturation(a1).StoreUnsafe(ref dst, (nuint)(x + 32));
            }
        }

        if (Avx2.IsSupported)
        {
            Vector256<ushort> bias = Vector256.Create((ushort)ShiftRounding.HalfLessOne(shift));
            Vector256<ushort> one = Vector256.Create((ushort)1);
            for (; x <= n - 32; x += 32)
            {
                Vector256<ushort> a0 = Vector256<ushort>.Zero, a1 = Vector256<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref ushort s = ref Unsafe.Add(ref src, x + offsets[t]);
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += Vector256.LoadUnsafe(ref s);
                        a1 += Vector256.LoadUnsafe(ref s, 16);
                    }
                    else
                    {
                        Vector256<ushort> wv = Vector256.Create(w);
                        a0 += Vector256.LoadUnsafe(ref s) * wv;
                        a1 += Vector256.LoadUnsafe(ref s, 16) * wv;
                    }
                }

                if (shift > 0)
                {
                    a0 = Vector256.ShiftRightLogical(a0 + bias + (Vector256.ShiftRightLogical(a0, shift) & one), shift);
                    a1 = Vector256.ShiftRightLogical(a1 + bias + (Vector256.ShiftRightLogical(a1, shift) & one), shift);
                }

                // Every lane is at most 255 here (the weights are non-negative and sum to 2^shift), so the signed
                // saturating pack narrows exactly; it works within 128-bit lanes, so the quarters are put back in
                // order after it.
                Vector256<byte> packed = Avx2.PackUnsignedSaturate(a0.AsInt16(), a1.AsInt16());
                Avx2.Permute4x64(packed.AsUInt64(), 0b11_01_10_00).AsByte().StoreUnsafe(ref dst, (nuint)x);
            }
        }
    }
}
#endif
