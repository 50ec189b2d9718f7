#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The AVX-512 scan of <see cref="RunningSums"/>.</summary>
internal static partial class RunningSums
{
    // 32 lanes at a time: a log-step scan within the vector (add the vector moved up by c, 2c, 4c, ... lanes),
    // then each lane adds the last sum of its channel from the block before. The bits are the same for signed lanes.
    [MethodImpl(Jit.HotLoop)]
    static partial void RunningSumAvx512(ref ushort source, int n, ref ushort sums, int channels, ref int k)
    {
        if (!Avx512BW.IsSupported || channels > 8)
        {
            return;
        }

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
    }
}
#endif
