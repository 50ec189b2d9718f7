using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>Per-channel running sums along a padded row, which let a run of equal weights cost two taps.</summary>
internal static class RunningSums
{
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
