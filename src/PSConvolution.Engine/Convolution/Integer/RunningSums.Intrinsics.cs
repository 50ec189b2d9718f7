#if NET8_0_OR_GREATER
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>The AVX-512 and AVX2 scans of <see cref="RunningSums"/>.</summary>
internal static partial class RunningSums
{
    [MethodImpl(Jit.HotLoop)]
    static partial void RunningSumVectors(ref ushort source, int n, ref ushort sums, int channels, ref int k)
    {
        if (Avx512BW.IsSupported && channels <= 8)
        {
            RunningSumAvx512(ref source, n, ref sums, channels, ref k);
            return;
        }

        if (!Avx2.IsSupported)
        {
            return;
        }

        // One scan for each number of channels an image has, its shifts constants (AVX2's byte shifts take them only
        // as immediates).
        switch (channels)
        {
            case 1:
                RunningSumAvx2<OneChannel>(ref source, n, ref sums, ref k);
                break;
            case 2:
                RunningSumAvx2<TwoChannels>(ref source, n, ref sums, ref k);
                break;
            case 3:
                RunningSumAvx2<ThreeChannels>(ref source, n, ref sums, ref k);
                break;
            case 4:
                RunningSumAvx2<FourChannels>(ref source, n, ref sums, ref k);
                break;
        }
    }

    // 32 lanes at a time: a log-step scan within the vector (add the vector moved up by c, 2c, 4c, ... lanes),
    // then each lane adds the last sum of its channel from the block before. The bits are the same for signed lanes.
    [MethodImpl(Jit.HotLoop)]
    private static void RunningSumAvx512(ref ushort source, int n, ref ushort sums, int channels, ref int k)
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

    // The same scan 16 lanes at a time with AVX2, which has no word permute across the vector's two 128-bit halves:
    // a vector moved up by s lanes is put together from itself and its low half moved into the high one
    // (TScan.Scan), and the carry takes the previous block's high half into both halves and picks each lane's
    // channel from it with a byte shuffle. Without it an AVX2 machine ran the scalar loop, a sum at a time: 40% of a
    // 15x15 disk's time on a 12 MP photo.
    [MethodImpl(Jit.HotLoop)]
    private static void RunningSumAvx2<TScan>(ref ushort source, int n, ref ushort sums, ref int k)
        where TScan : struct, IWordScan
    {
        // Sample i + l of the block at i is channel (i + l) % c, and so is sample i - c + (l % c) of the block before:
        // lane 16 - c + (l % c) of the previous vector, word 8 - c + (l % c) of its high half.
        int channels = default(TScan).Channels;
        Span<byte> pick = stackalloc byte[32];
        for (int l = 0; l < 16; l++)
        {
            int word = 8 - channels + (l % channels);
            pick[2 * l] = (byte)(2 * word);
            pick[(2 * l) + 1] = (byte)((2 * word) + 1);
        }

        Vector256<byte> carry = Vector256.Create((ReadOnlySpan<byte>)pick);

        // The scan starts at the row's start (k is 0), where every channel's sum before it is 0.
        Vector256<ushort> previous = Vector256<ushort>.Zero;
        int i = k;
        for (; i <= n - 16; i += 16)
        {
            Vector256<ushort> v = default(TScan).Scan(Vector256.LoadUnsafe(ref source, (nuint)i));
            v += Avx2.Shuffle(Avx2.Permute2x128(previous, previous, 0x11).AsByte(), carry).AsUInt16();
            v.StoreUnsafe(ref sums, (nuint)(i + channels));
            previous = v;
        }

        k = i;
    }

    // The scan within one 256-bit vector for an image of Channels channels: lane l the sum of lanes l, l - c, l - 2c
    // and so on down to 0.
    private interface IWordScan
    {
        int Channels { get; }

        Vector256<ushort> Scan(Vector256<ushort> v);
    }

    private readonly struct OneChannel : IWordScan
    {
        public int Channels => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<ushort> Scan(Vector256<ushort> v)
        {
            v += UpBelowEight(v, 14);
            v += UpBelowEight(v, 12);
            v += UpBelowEight(v, 8);
            return v + LowIntoHigh(v);
        }
    }

    private readonly struct TwoChannels : IWordScan
    {
        public int Channels => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<ushort> Scan(Vector256<ushort> v)
        {
            v += UpBelowEight(v, 12);
            v += UpBelowEight(v, 8);
            return v + LowIntoHigh(v);
        }
    }

    private readonly struct ThreeChannels : IWordScan
    {
        public int Channels => 3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<ushort> Scan(Vector256<ushort> v)
        {
            v += UpBelowEight(v, 10);
            v += UpBelowEight(v, 4);

            // Up 12 lanes: the low half moved into the high one, then up 4 more within it.
            return v + Avx2.ShiftLeftLogical128BitLane(LowIntoHigh(v).AsByte(), 8).AsUInt16();
        }
    }

    private readonly struct FourChannels : IWordScan
    {
        public int Channels => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<ushort> Scan(Vector256<ushort> v)
        {
            v += UpBelowEight(v, 8);
            return v + LowIntoHigh(v);
        }
    }

    // v moved up by fewer than 8 lanes, given as the bytes 16 - 2s that vpalignr takes: each half's top s lanes out,
    // s lanes in at its bottom, from below it (the low half's from zero, the high half's from the low half's top).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> UpBelowEight(Vector256<ushort> v, [ConstantExpected] byte bytes)
        => Avx2.AlignRight(v.AsByte(), LowIntoHigh(v).AsByte(), bytes).AsUInt16();

    // v moved up by 8 lanes: zero in the low half, v's low half in the high one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> LowIntoHigh(Vector256<ushort> v) => Avx2.Permute2x128(v, v, 0x08);
}
#endif
