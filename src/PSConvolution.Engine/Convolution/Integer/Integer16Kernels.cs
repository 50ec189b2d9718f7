using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The 16-bit loops of the exact integer paths: widening, multiply-add, running sums and conversion to float.</summary>
internal static class Integer16Kernels
{
    /// <summary>
    /// <c>acc[x] = sum over t of taps[t] * source[x + offsets[t]]</c> in 16-bit lanes (the callers' bounds keep it from
    /// wrapping); weights of 1 and -1 are an add and a subtract.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Correlate<T>(ReadOnlySpan<T> source, Span<T> accumulator, ReadOnlySpan<T> taps, ReadOnlySpan<int> offsets)
        where T : unmanaged, INumber<T>
    {
        int n = accumulator.Length;
        int maxOffset = 0;
        foreach (int o in offsets)
        {
            maxOffset = Math.Max(maxOffset, o);
        }

        if (source.Length < n + maxOffset || taps.Length != offsets.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(source));
        }

        ref T src = ref MemoryMarshal.GetReference(source);
        ref T acc = ref MemoryMarshal.GetReference(accumulator);
        T minusOne = T.Zero - T.One;
        int x = 0;
        if (Avx512BW.IsSupported)
        {
            for (; x <= n - 128; x += 128)
            {
                Vector512<T> a0 = Vector512<T>.Zero, a1 = Vector512<T>.Zero, a2 = Vector512<T>.Zero, a3 = Vector512<T>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref T s = ref Unsafe.Add(ref src, x + offsets[t]);
                    T w = taps[t];
                    if (w == T.One)
                    {
                        a0 += Vector512.LoadUnsafe(ref s);
                        a1 += Vector512.LoadUnsafe(ref s, 32);
                        a2 += Vector512.LoadUnsafe(ref s, 64);
                        a3 += Vector512.LoadUnsafe(ref s, 96);
                    }
                    else if (w == minusOne)
                    {
                        a0 -= Vector512.LoadUnsafe(ref s);
                        a1 -= Vector512.LoadUnsafe(ref s, 32);
                        a2 -= Vector512.LoadUnsafe(ref s, 64);
                        a3 -= Vector512.LoadUnsafe(ref s, 96);
                    }
                    else
                    {
                        Vector512<T> v = Vector512.Create(w);
                        a0 += Vector512.LoadUnsafe(ref s) * v;
                        a1 += Vector512.LoadUnsafe(ref s, 32) * v;
                        a2 += Vector512.LoadUnsafe(ref s, 64) * v;
                        a3 += Vector512.LoadUnsafe(ref s, 96) * v;
                    }
                }

                ref T a = ref Unsafe.Add(ref acc, x);
                a0.StoreUnsafe(ref a);
                a1.StoreUnsafe(ref a, 32);
                a2.StoreUnsafe(ref a, 64);
                a3.StoreUnsafe(ref a, 96);
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<T>.Count;
            for (; x <= n - (2 * lanes); x += 2 * lanes)
            {
                Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref T s = ref Unsafe.Add(ref src, x + offsets[t]);
                    T w = taps[t];
                    if (w == T.One)
                    {
                        a0 += Vector.LoadUnsafe(ref s);
                        a1 += Vector.LoadUnsafe(ref s, (nuint)lanes);
                    }
                    else if (w == minusOne)
                    {
                        a0 -= Vector.LoadUnsafe(ref s);
                        a1 -= Vector.LoadUnsafe(ref s, (nuint)lanes);
                    }
                    else
                    {
                        var v = new Vector<T>(w);
                        a0 += Vector.LoadUnsafe(ref s) * v;
                        a1 += Vector.LoadUnsafe(ref s, (nuint)lanes) * v;
                    }
                }

                a0.StoreUnsafe(ref acc, (nuint)x);
                a1.StoreUnsafe(ref acc, (nuint)(x + lanes));
            }
        }

        for (; x < n; x++)
        {
            T a = T.Zero;
            for (int t = 0; t < taps.Length; t++)
            {
                a += taps[t] * Unsafe.Add(ref src, x + offsets[t]);
            }

            Unsafe.Add(ref acc, x) = a;
        }
    }

    /// <summary>Zero-extends bytes to 16-bit samples (the same bits whether the lanes are then read as signed or unsigned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen<T>(ReadOnlySpan<byte> source, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        Span<ushort> words = MemoryMarshal.Cast<T, ushort>(destination);
        int i = 0;
        if (Avx512BW.IsSupported)
        {
            ref byte src = ref MemoryMarshal.GetReference(source);
            ref ushort dst = ref MemoryMarshal.GetReference(words);
            for (; i <= source.Length - 32; i += 32)
            {
                Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            ref byte src = ref MemoryMarshal.GetReference(source);
            ref ushort dst = ref MemoryMarshal.GetReference(words);
            int lanes = Vector<byte>.Count;
            for (; i <= source.Length - lanes; i += lanes)
            {
                Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)i), out Vector<ushort> low, out Vector<ushort> high);
                low.StoreUnsafe(ref dst, (nuint)i);
                high.StoreUnsafe(ref dst, (nuint)(i + Vector<ushort>.Count));
            }
        }

        for (; i < source.Length; i++)
        {
            words[i] = source[i];
        }
    }

    /// <summary>Converts signed 16-bit sums to floats, exactly (unsigned sums go through <see cref="SampleConversion.ToFloat{T}(ReadOnlySpan{T}, Span{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToFloat(ReadOnlySpan<short> source, Span<float> destination)
    {
        int n = source.Length;
        if (destination.Length < n)
        {
            throw new ArgumentOutOfRangeException(nameof(destination));
        }

        ref short src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Avx512BW.IsSupported)
        {
            for (; i <= n - 16; i += 16)
            {
                Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref src, (nuint)i))).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<short>.Count;
            int half = Vector<int>.Count;
            for (; i <= n - lanes; i += lanes)
            {
                Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)i), out Vector<int> low, out Vector<int> high);
                Vector.ConvertToSingle(low).StoreUnsafe(ref dst, (nuint)i);
                Vector.ConvertToSingle(high).StoreUnsafe(ref dst, (nuint)(i + half));
            }
        }

        for (; i < n; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>
    /// Running sums per channel, wrapping at 16 bits: <c>sums[0..channels) = 0</c> and
    /// <c>sums[k + channels] = sums[k] + source[k]</c>, so <c>sums[b] - sums[a]</c> is the sum of <c>source[a..b)</c>
    /// taken every <paramref name="channels"/> samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunningSum<T>(ReadOnlySpan<T> source, Span<T> sums, int channels)
        where T : unmanaged, INumber<T>
    {
        int n = source.Length;
        if (sums.Length < n + channels)
        {
            throw new ArgumentOutOfRangeException(nameof(sums));
        }

        sums.Slice(0, channels).Clear();
        ref T src = ref MemoryMarshal.GetReference(source);
        ref T dst = ref MemoryMarshal.GetReference(sums);
        int k = 0;
        if (Avx512BW.IsSupported && channels <= 8)
        {
            k = RunningSumAvx512(ref Unsafe.As<T, ushort>(ref src), n, ref Unsafe.As<T, ushort>(ref dst), channels);
        }

        // The rest one pixel at a time with each channel's sum kept in a register: through memory, every sum would
        // wait for the store of the one before it.
        if (channels <= 4)
        {
            T a0 = Unsafe.Add(ref dst, k), a1 = channels > 1 ? Unsafe.Add(ref dst, k + 1) : T.Zero;
            T a2 = channels > 2 ? Unsafe.Add(ref dst, k + 2) : T.Zero, a3 = channels > 3 ? Unsafe.Add(ref dst, k + 3) : T.Zero;
            for (; k <= n - channels; k += channels)
            {
                ref T s = ref Unsafe.Add(ref src, k);
                ref T d = ref Unsafe.Add(ref dst, k + channels);
                a0 += s;
                d = a0;
                if (channels > 1)
                {
                    a1 += Unsafe.Add(ref s, 1);
                    Unsafe.Add(ref d, 1) = a1;
                }

                if (channels > 2)
                {
                    a2 += Unsafe.Add(ref s, 2);
                    Unsafe.Add(ref d, 2) = a2;
                }

                if (channels > 3)
                {
                    a3 += Unsafe.Add(ref s, 3);
                    Unsafe.Add(ref d, 3) = a3;
                }
            }
        }

        for (; k < n; k++)
        {
            Unsafe.Add(ref dst, k + channels) = Unsafe.Add(ref dst, k) + Unsafe.Add(ref src, k);
        }
    }

    // 32 lanes at a time: a log-step scan within the vector (add the vector moved up by c, 2c, 4c, ... lanes),
    // then each lane adds the last sum of its channel from the block before. The bits are the same for signed lanes.
    private static int RunningSumAvx512(ref ushort source, int n, ref ushort sums, int channels)
    {
        // Lane l takes lane l - shift of v (index l - shift + 32 picks the second table), or 0 below it; and the
        // carry for lane l is the previous block's last sum of the same channel.
        Span<ushort> lanes = stackalloc ushort[32];
        Vector512<ushort> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default;
        int steps = 0;
        for (int shift = channels; shift < 32; shift *= 2, steps++)
        {
            for (int l = 0; l < 32; l++)
            {
                lanes[l] = (ushort)(l < shift ? l : l - shift + 32);
            }

            var index = Vector512.Create((ReadOnlySpan<ushort>)lanes);
            _ = steps switch { 0 => s0 = index, 1 => s1 = index, 2 => s2 = index, 3 => s3 = index, _ => s4 = index };
        }

        for (int l = 0; l < 32; l++)
        {
            lanes[l] = (ushort)(32 - channels + (l % channels));
        }

        Vector512<ushort> carry = Vector512.Create((ReadOnlySpan<ushort>)lanes);
        Vector512<ushort> zero = Vector512<ushort>.Zero;
        Vector512<ushort> previous = zero;
        int k = 0;
        for (; k <= n - 32; k += 32)
        {
            Vector512<ushort> v = Vector512.LoadUnsafe(ref source, (nuint)k);
            v += Avx512BW.PermuteVar32x16x2(zero, s0, v);
            v += steps > 1 ? Avx512BW.PermuteVar32x16x2(zero, s1, v) : zero;
            v += steps > 2 ? Avx512BW.PermuteVar32x16x2(zero, s2, v) : zero;
            v += steps > 3 ? Avx512BW.PermuteVar32x16x2(zero, s3, v) : zero;
            v += steps > 4 ? Avx512BW.PermuteVar32x16x2(zero, s4, v) : zero;
            v += Avx512BW.PermuteVar32x16(previous, carry);
            v.StoreUnsafe(ref sums, (nuint)(k + channels));
            previous = v;
        }

        return k;
    }
}
