#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>The AVX2, SSSE3 and SSE4.1 loops of <see cref="GreyConversion"/>, for 8-bit and 16-bit samples.</summary>
internal static partial class GreyConversion
{
    // Sixteen pixels (48 bytes, three vectors) a step: each channel's sixteen bytes gathered by one shuffle of each
    // vector (0x80 leaves a zero) and two ORs, widened to floats, weighted and summed in the scalar order, rounded by
    // adding and taking away 2^23 (SampleConversion.RoundingMagic), then packed back to sixteen bytes. With AVX2 eight
    // pixels an operation, the same products and sums in the same order, so the same bytes in half the float
    // instructions (its 32-bit levels are packed within 128-bit lanes, and their quarters put back in order after);
    // else four.
    [MethodImpl(Jit.HotLoop)]
    static partial void RgbBytesVectors(ReadOnlySpan<byte> rgb, Span<byte> grey, ref int done)
    {
        GatherMasks r = GatherMasks.Bytes[0], g = GatherMasks.Bytes[1], b = GatherMasks.Bytes[2];
        ref byte src = ref MemoryMarshal.GetReference(rgb);
        ref byte dst = ref MemoryMarshal.GetReference(grey);
        int pixels = Math.Min(rgb.Length / 3, grey.Length);
        int x = done;
        if (Avx2.IsSupported)
        {
            for (; x <= pixels - 16; x += 16)
            {
                GatherSixteen(ref src, x, r, g, b, out Vector128<byte> red, out Vector128<byte> green, out Vector128<byte> blue);
                Vector256<int> l0 = Luma(Avx2.ConvertToVector256Int32(red), Avx2.ConvertToVector256Int32(green), Avx2.ConvertToVector256Int32(blue));
                Vector256<int> l1 = Luma(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(red, 8)), Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(green, 8)), Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(blue, 8)));
                StoreInOrder(Avx2.PackSignedSaturate(l0, l1), ref dst, x);
            }
        }
        else if (Ssse3.IsSupported && Sse41.IsSupported)
        {
            for (; x <= pixels - 16; x += 16)
            {
                GatherSixteen(ref src, x, r, g, b, out Vector128<byte> red, out Vector128<byte> green, out Vector128<byte> blue);
                Vector128<int> l0 = Luma(red, green, blue);
                Vector128<int> l1 = Luma(Sse2.ShiftRightLogical128BitLane(red, 4), Sse2.ShiftRightLogical128BitLane(green, 4), Sse2.ShiftRightLogical128BitLane(blue, 4));
                Vector128<int> l2 = Luma(Sse2.ShiftRightLogical128BitLane(red, 8), Sse2.ShiftRightLogical128BitLane(green, 8), Sse2.ShiftRightLogical128BitLane(blue, 8));
                Vector128<int> l3 = Luma(Sse2.ShiftRightLogical128BitLane(red, 12), Sse2.ShiftRightLogical128BitLane(green, 12), Sse2.ShiftRightLogical128BitLane(blue, 12));
                Sse2.PackUnsignedSaturate(Sse2.PackSignedSaturate(l0, l1), Sse2.PackSignedSaturate(l2, l3)).StoreUnsafe(ref dst, (nuint)x);
            }
        }

        done = x;
    }

    // Sixteen pixels (64 bytes) a step: each pixel one 32-bit lane, red, green and blue its low three bytes and alpha
    // the top one. Each lane's luma in the scalar order and rounding, and its alpha, make one 16-bit word (grey in the
    // low byte, as the grey-and-alpha pixel is stored), packed 32 bytes a step: with AVX2 eight pixels a vector (packed
    // within 128-bit lanes, their quarters put back in order after), else four.
    [MethodImpl(Jit.HotLoop)]
    static partial void RgbaBytesVectors(ReadOnlySpan<byte> rgba, Span<byte> greyAlpha, ref int done)
    {
        ref byte src = ref MemoryMarshal.GetReference(rgba);
        ref byte dst = ref MemoryMarshal.GetReference(greyAlpha);
        int pixels = Math.Min(rgba.Length / 4, greyAlpha.Length / 2);
        int x = done;
        if (Avx2.IsSupported)
        {
            for (; x <= pixels - 16; x += 16)
            {
                Vector256<int> w0 = GreyAndAlpha(Vector256.LoadUnsafe(ref src, (nuint)(4 * x)).AsInt32());
                Vector256<int> w1 = GreyAndAlpha(Vector256.LoadUnsafe(ref src, (nuint)((4 * x) + 32)).AsInt32());
                Avx2.Permute4x64(Avx2.PackUnsignedSaturate(w0, w1).AsUInt64(), 0b11_01_10_00).AsByte().StoreUnsafe(ref dst, (nuint)(2 * x));
            }
        }
        else if (Sse41.IsSupported)
        {
            for (; x <= pixels - 16; x += 16)
            {
                Vector128<int> w0 = GreyAndAlpha(Vector128.LoadUnsafe(ref src, (nuint)(4 * x)).AsInt32());
                Vector128<int> w1 = GreyAndAlpha(Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 16)).AsInt32());
                Vector128<int> w2 = GreyAndAlpha(Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 32)).AsInt32());
                Vector128<int> w3 = GreyAndAlpha(Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 48)).AsInt32());
                Sse41.PackUnsignedSaturate(w0, w1).AsByte().StoreUnsafe(ref dst, (nuint)(2 * x));
                Sse41.PackUnsignedSaturate(w2, w3).AsByte().StoreUnsafe(ref dst, (nuint)((2 * x) + 16));
            }
        }

        done = x;
    }

    // Sixteen 8-bit RGB pixels from pixel x on (48 bytes, three vectors), each channel's sixteen bytes gathered into
    // one vector in pixel order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherSixteen(ref byte src, int x, in GatherMasks r, in GatherMasks g, in GatherMasks b, out Vector128<byte> red, out Vector128<byte> green, out Vector128<byte> blue)
    {
        Vector128<byte> v0 = Vector128.LoadUnsafe(ref src, (nuint)(3 * x));
        Vector128<byte> v1 = Vector128.LoadUnsafe(ref src, (nuint)((3 * x) + 16));
        Vector128<byte> v2 = Vector128.LoadUnsafe(ref src, (nuint)((3 * x) + 32));
        red = r.Gather(v0, v1, v2);
        green = g.Gather(v0, v1, v2);
        blue = b.Gather(v0, v1, v2);
    }

    // Sixteen levels as two vectors' words packed within 128-bit lanes (pixels 0-3, 8-11, 4-7, 12-15), stored as
    // sixteen bytes in pixel order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInOrder(Vector256<short> packed, ref byte dst, int x)
    {
        Vector256<short> words = Avx2.Permute4x64(packed.AsInt64(), 0b11_01_10_00).AsInt16();
        Sse2.PackUnsignedSaturate(words.GetLower(), words.GetUpper()).StoreUnsafe(ref dst, (nuint)x);
    }

    // Eight 16-bit pixels (48 bytes, three vectors) a step: each channel's eight samples gathered by one shuffle of each
    // vector (0x80 leaves a zero) and two ORs, widened four at a time to floats, weighted, summed and rounded as the
    // 8-bit loop does, then packed back to eight words.
    [MethodImpl(Jit.HotLoop)]
    static partial void RgbWordsVector128(ReadOnlySpan<ushort> rgb, Span<ushort> grey, ref int done)
    {
        if (!Ssse3.IsSupported || !Sse41.IsSupported)
        {
            return;
        }

        GatherMasks r = GatherMasks.Words[0], g = GatherMasks.Words[1], b = GatherMasks.Words[2];
        ref ushort src = ref MemoryMarshal.GetReference(rgb);
        ref ushort dst = ref MemoryMarshal.GetReference(grey);
        int pixels = Math.Min(rgb.Length / 3, grey.Length);
        int x = 0;
        for (; x <= pixels - 8; x += 8)
        {
            Vector128<byte> v0 = Vector128.LoadUnsafe(ref src, (nuint)(3 * x)).AsByte();
            Vector128<byte> v1 = Vector128.LoadUnsafe(ref src, (nuint)((3 * x) + 8)).AsByte();
            Vector128<byte> v2 = Vector128.LoadUnsafe(ref src, (nuint)((3 * x) + 16)).AsByte();
            Vector128<ushort> red = r.Gather(v0, v1, v2).AsUInt16(), green = g.Gather(v0, v1, v2).AsUInt16(), blue = b.Gather(v0, v1, v2).AsUInt16();
            Vector128<int> l0 = Luma(red, green, blue);
            Vector128<int> l1 = Luma(Sse2.ShiftRightLogical128BitLane(red, 8), Sse2.ShiftRightLogical128BitLane(green, 8), Sse2.ShiftRightLogical128BitLane(blue, 8));
            Sse41.PackUnsignedSaturate(l0, l1).StoreUnsafe(ref dst, (nuint)x);
        }

        done = x;
    }

    // Eight 16-bit RGBA pixels (64 bytes, four vectors) a step: each pixel's samples widened to four float lanes and
    // weighted (alpha by 0), and two horizontal adds make each luma as ((0.299 R + 0.587 G) + (0.114 B + 0)), the
    // scalar order, since adding 0 changes nothing. Each rounded luma with its alpha above it makes one 32-bit
    // grey-and-alpha pixel.
    [MethodImpl(Jit.HotLoop)]
    static partial void RgbaWordsVector128(ReadOnlySpan<ushort> rgba, Span<ushort> greyAlpha, ref int done)
    {
        if (!Sse41.IsSupported)
        {
            return;
        }

        ref ushort src = ref MemoryMarshal.GetReference(rgba);
        ref ushort dst = ref MemoryMarshal.GetReference(greyAlpha);
        int pixels = Math.Min(rgba.Length / 4, greyAlpha.Length / 2);
        int x = 0;
        for (; x <= pixels - 8; x += 8)
        {
            Vector128<ushort> v0 = Vector128.LoadUnsafe(ref src, (nuint)(4 * x));
            Vector128<ushort> v1 = Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 8));
            Vector128<ushort> v2 = Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 16));
            Vector128<ushort> v3 = Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 24));
            GreyAndAlpha(v0, v1).AsUInt16().StoreUnsafe(ref dst, (nuint)(2 * x));
            GreyAndAlpha(v2, v3).AsUInt16().StoreUnsafe(ref dst, (nuint)((2 * x) + 8));
        }

        done = x;
    }

    // Four 16-bit RGBA pixels (two a vector) as four grey-and-alpha pixels: grey + 65536 · alpha.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> GreyAndAlpha(Vector128<ushort> first, Vector128<ushort> second)
    {
        Vector128<int> p0 = Sse41.ConvertToVector128Int32(first);
        Vector128<int> p1 = Sse41.ConvertToVector128Int32(Sse2.ShiftRightLogical128BitLane(first, 8));
        Vector128<int> p2 = Sse41.ConvertToVector128Int32(second);
        Vector128<int> p3 = Sse41.ConvertToVector128Int32(Sse2.ShiftRightLogical128BitLane(second, 8));
        Vector128<float> weights = Vector128.Create(Red, Green, Blue, 0f);
        Vector128<float> l = Sse3.HorizontalAdd(
            Sse3.HorizontalAdd(Sse2.ConvertToVector128Single(p0) * weights, Sse2.ConvertToVector128Single(p1) * weights),
            Sse3.HorizontalAdd(Sse2.ConvertToVector128Single(p2) * weights, Sse2.ConvertToVector128Single(p3) * weights));
        Vector128<float> rounding = Vector128.Create(SampleConversion.RoundingMagic);
        Vector128<int> alpha = Sse2.UnpackHigh(Sse2.UnpackHigh(p0, p1).AsInt64(), Sse2.UnpackHigh(p2, p3).AsInt64()).AsInt32();
        return Sse2.ConvertToVector128Int32WithTruncation((l + rounding) - rounding) | Vector128.ShiftLeft(alpha, 16);
    }

    // Four RGBA pixels' rounded luma, each with its alpha above it: grey + 256 · alpha, at most 65535.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> GreyAndAlpha(Vector128<int> pixels)
    {
        Vector128<int> low = Vector128.Create(0xFF);
        Vector128<int> luma = Luma(pixels & low, Vector128.ShiftRightLogical(pixels, 8) & low, Vector128.ShiftRightLogical(pixels, 16) & low);
        return luma | Vector128.ShiftLeft(Vector128.ShiftRightLogical(pixels, 24), 8);
    }

    /// <summary>
    /// The byte shuffles that gather one channel of three vectors of interleaved RGB samples (<c>size</c> bytes each)
    /// into one vector, in pixel order: each vector shuffled by its mask (0x80 leaves a zero where another vector
    /// supplies the byte), the three ORed. The masks follow from the layout: output byte j belongs to sample
    /// 3 (j / size) + channel, byte j % size of it, which lies in the vector that holds that byte of the three.
    /// </summary>
    private readonly struct GatherMasks
    {
        public static readonly GatherMasks[] Bytes = { new(0, 1), new(1, 1), new(2, 1) };

        public static readonly GatherMasks[] Words = { new(0, 2), new(1, 2), new(2, 2) };

        private readonly Vector128<byte> first;
        private readonly Vector128<byte> second;
        private readonly Vector128<byte> third;

        private GatherMasks(int channel, int size)
        {
            first = Mask(channel, size, 0);
            second = Mask(channel, size, 1);
            third = Mask(channel, size, 2);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<byte> Gather(Vector128<byte> v0, Vector128<byte> v1, Vector128<byte> v2)
            => Ssse3.Shuffle(v0, first) | Ssse3.Shuffle(v1, second) | Ssse3.Shuffle(v2, third);

        private static Vector128<byte> Mask(int channel, int size, int vector)
        {
            Span<byte> mask = stackalloc byte[16];
            for (int j = 0; j < 16; j++)
            {
                int at = (((3 * (j / size)) + channel) * size) + (j % size) - (16 * vector);
                mask[j] = at is >= 0 and < 16 ? (byte)at : (byte)0x80;
            }

            return Vector128.Create((ReadOnlySpan<byte>)mask);
        }
    }

    // The rounded luma of eight pixels' levels, as the four-lane form below computes it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Luma(Vector256<int> r, Vector256<int> g, Vector256<int> b)
    {
        Vector256<float> rounding = Vector256.Create(SampleConversion.RoundingMagic);
        Vector256<float> l = (Vector256.Create(Red) * Avx.ConvertToVector256Single(r))
            + (Vector256.Create(Green) * Avx.ConvertToVector256Single(g))
            + (Vector256.Create(Blue) * Avx.ConvertToVector256Single(b));
        return Avx.ConvertToVector256Int32WithTruncation((l + rounding) - rounding);
    }

    // Eight RGBA pixels' rounded luma, each with its alpha above it, as the four-lane form below computes it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> GreyAndAlpha(Vector256<int> pixels)
    {
        Vector256<int> low = Vector256.Create(0xFF);
        Vector256<int> luma = Luma(pixels & low, Vector256.ShiftRightLogical(pixels, 8) & low, Vector256.ShiftRightLogical(pixels, 16) & low);
        return luma | Vector256.ShiftLeft(Vector256.ShiftRightLogical(pixels, 24), 8);
    }

    // The rounded luma of the first four pixels of each channel's bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Luma(Vector128<byte> r, Vector128<byte> g, Vector128<byte> b)
        => Luma(Sse41.ConvertToVector128Int32(r), Sse41.ConvertToVector128Int32(g), Sse41.ConvertToVector128Int32(b));

    // The rounded luma of the first four pixels of each channel's words.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Luma(Vector128<ushort> r, Vector128<ushort> g, Vector128<ushort> b)
        => Luma(Sse41.ConvertToVector128Int32(r), Sse41.ConvertToVector128Int32(g), Sse41.ConvertToVector128Int32(b));

    // The rounded luma of four pixels' levels: weighted and summed in the scalar order, rounded by adding and taking
    // away 2^23 (SampleConversion.RoundingMagic).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Luma(Vector128<int> r, Vector128<int> g, Vector128<int> b)
    {
        Vector128<float> rounding = Vector128.Create(SampleConversion.RoundingMagic);
        Vector128<float> l = (Vector128.Create(Red) * Sse2.ConvertToVector128Single(r))
            + (Vector128.Create(Green) * Sse2.ConvertToVector128Single(g))
            + (Vector128.Create(Blue) * Sse2.ConvertToVector128Single(b));
        return Sse2.ConvertToVector128Int32WithTruncation((l + rounding) - rounding);
    }
}
#endif
