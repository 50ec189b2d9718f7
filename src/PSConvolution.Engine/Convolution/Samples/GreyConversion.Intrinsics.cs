#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>The SSSE3 and SSE4.1 loops of <see cref="GreyConversion"/>.</summary>
internal static partial class GreyConversion
{
    // Sixteen pixels (48 bytes, three vectors) a step: each channel's sixteen bytes gathered by one shuffle of each
    // vector (0x80 leaves a zero) and two ORs, widened four at a time to floats, weighted and summed in the scalar
    // order, rounded by adding and taking away 2^23 (SampleConversion.RoundingMagic), then packed back to sixteen bytes.
    [MethodImpl(Jit.HotLoop)]
    static partial void RgbBytesVector128(ReadOnlySpan<byte> rgb, Span<byte> grey, ref int done)
    {
        if (!Ssse3.IsSupported || !Sse41.IsSupported)
        {
            return;
        }

        const byte Z = 0x80;
        Vector128<byte> r0 = Vector128.Create((byte)0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z);
        Vector128<byte> r1 = Vector128.Create(Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14, Z, Z, Z, Z, Z);
        Vector128<byte> r2 = Vector128.Create(Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 1, 4, 7, 10, 13);
        Vector128<byte> g0 = Vector128.Create((byte)1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z);
        Vector128<byte> g1 = Vector128.Create(Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z);
        Vector128<byte> g2 = Vector128.Create(Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14);
        Vector128<byte> b0 = Vector128.Create((byte)2, 5, 8, 11, 14, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z);
        Vector128<byte> b1 = Vector128.Create(Z, Z, Z, Z, Z, 1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z);
        Vector128<byte> b2 = Vector128.Create(Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15);
        ref byte src = ref MemoryMarshal.GetReference(rgb);
        ref byte dst = ref MemoryMarshal.GetReference(grey);
        int pixels = Math.Min(rgb.Length / 3, grey.Length);
        int x = 0;
        for (; x <= pixels - 16; x += 16)
        {
            Vector128<byte> v0 = Vector128.LoadUnsafe(ref src, (nuint)(3 * x));
            Vector128<byte> v1 = Vector128.LoadUnsafe(ref src, (nuint)((3 * x) + 16));
            Vector128<byte> v2 = Vector128.LoadUnsafe(ref src, (nuint)((3 * x) + 32));
            Vector128<byte> r = Ssse3.Shuffle(v0, r0) | Ssse3.Shuffle(v1, r1) | Ssse3.Shuffle(v2, r2);
            Vector128<byte> g = Ssse3.Shuffle(v0, g0) | Ssse3.Shuffle(v1, g1) | Ssse3.Shuffle(v2, g2);
            Vector128<byte> b = Ssse3.Shuffle(v0, b0) | Ssse3.Shuffle(v1, b1) | Ssse3.Shuffle(v2, b2);
            Vector128<int> l0 = Luma(r, g, b);
            Vector128<int> l1 = Luma(Sse2.ShiftRightLogical128BitLane(r, 4), Sse2.ShiftRightLogical128BitLane(g, 4), Sse2.ShiftRightLogical128BitLane(b, 4));
            Vector128<int> l2 = Luma(Sse2.ShiftRightLogical128BitLane(r, 8), Sse2.ShiftRightLogical128BitLane(g, 8), Sse2.ShiftRightLogical128BitLane(b, 8));
            Vector128<int> l3 = Luma(Sse2.ShiftRightLogical128BitLane(r, 12), Sse2.ShiftRightLogical128BitLane(g, 12), Sse2.ShiftRightLogical128BitLane(b, 12));
            Sse2.PackUnsignedSaturate(Sse2.PackSignedSaturate(l0, l1), Sse2.PackSignedSaturate(l2, l3)).StoreUnsafe(ref dst, (nuint)x);
        }

        done = x;
    }

    // Sixteen pixels (64 bytes, four vectors) a step: each vector's four pixels are four 32-bit lanes, red, green and
    // blue their low three bytes and alpha the top one. Each lane's luma in the scalar order and rounding, and its
    // alpha, make one 16-bit word (grey in the low byte, as the grey-and-alpha pixel is stored), packed 32 bytes a step.
    [MethodImpl(Jit.HotLoop)]
    static partial void RgbaBytesVector128(ReadOnlySpan<byte> rgba, Span<byte> greyAlpha, ref int done)
    {
        if (!Sse41.IsSupported)
        {
            return;
        }

        ref byte src = ref MemoryMarshal.GetReference(rgba);
        ref byte dst = ref MemoryMarshal.GetReference(greyAlpha);
        int pixels = Math.Min(rgba.Length / 4, greyAlpha.Length / 2);
        int x = 0;
        for (; x <= pixels - 16; x += 16)
        {
            Vector128<int> w0 = GreyAndAlpha(Vector128.LoadUnsafe(ref src, (nuint)(4 * x)).AsInt32());
            Vector128<int> w1 = GreyAndAlpha(Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 16)).AsInt32());
            Vector128<int> w2 = GreyAndAlpha(Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 32)).AsInt32());
            Vector128<int> w3 = GreyAndAlpha(Vector128.LoadUnsafe(ref src, (nuint)((4 * x) + 48)).AsInt32());
            Sse41.PackUnsignedSaturate(w0, w1).AsByte().StoreUnsafe(ref dst, (nuint)(2 * x));
            Sse41.PackUnsignedSaturate(w2, w3).AsByte().StoreUnsafe(ref dst, (nuint)((2 * x) + 16));
        }

        done = x;
    }

    // Four RGBA pixels' rounded luma, each with its alpha above it: grey + 256 · alpha, at most 65535.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> GreyAndAlpha(Vector128<int> pixels)
    {
        Vector128<int> low = Vector128.Create(0xFF);
        Vector128<float> rounding = Vector128.Create(SampleConversion.RoundingMagic);
        Vector128<float> l = (Vector128.Create(Red) * Vector128.ConvertToSingle(pixels & low))
            + (Vector128.Create(Green) * Vector128.ConvertToSingle(Vector128.ShiftRightLogical(pixels, 8) & low))
            + (Vector128.Create(Blue) * Vector128.ConvertToSingle(Vector128.ShiftRightLogical(pixels, 16) & low));
        return Sse2.ConvertToVector128Int32WithTruncation((l + rounding) - rounding) | Vector128.ShiftLeft(Vector128.ShiftRightLogical(pixels, 24), 8);
    }

    // The rounded luma of the first four pixels of each channel's bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Luma(Vector128<byte> r, Vector128<byte> g, Vector128<byte> b)
    {
        Vector128<float> rounding = Vector128.Create(SampleConversion.RoundingMagic);
        Vector128<float> l = (Vector128.Create(Red) * Sse2.ConvertToVector128Single(Sse41.ConvertToVector128Int32(r)))
            + (Vector128.Create(Green) * Sse2.ConvertToVector128Single(Sse41.ConvertToVector128Int32(g)))
            + (Vector128.Create(Blue) * Sse2.ConvertToVector128Single(Sse41.ConvertToVector128Int32(b)));
        return Sse2.ConvertToVector128Int32WithTruncation((l + rounding) - rounding);
    }
}
#endif
