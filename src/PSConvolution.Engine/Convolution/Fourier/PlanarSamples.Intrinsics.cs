#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Fourier;

/// <summary>The AVX2 loops of <see cref="PlanarSamples"/>: one channel, and three (RGB) eight pixels at a time.</summary>
internal static partial class PlanarSamples
{
    // Eight RGB pixels are three vectors v0..v2; lane l of v_k holds sample g = 8k + l, channel g mod 3, pixel
    // g / 3. For each lane exactly one k holds a given channel (8 ≡ 2 mod 3), so two blends gather a channel's
    // eight samples into one vector, and one permute puts them in pixel order.
    private static readonly Vector256<float>[] PickSecond = new Vector256<float>[3];
    private static readonly Vector256<float>[] PickThird = new Vector256<float>[3];
    private static readonly Vector256<int>[] PixelOrder = new Vector256<int>[3];

    // Merging: output vector k's lane l is pixel (8k + l) / 3 of channel (8k + l) mod 3.
    private static readonly Vector256<int>[] SampleOrder = new Vector256<int>[3];
    private static readonly Vector256<float>[] FromGreen = new Vector256<float>[3];
    private static readonly Vector256<float>[] FromBlue = new Vector256<float>[3];

    static PlanarSamples()
    {
        var on = BitConverterSingle(-1);
        for (int c = 0; c < 3; c++)
        {
            var second = new float[8];
            var third = new float[8];
            var order = new int[8];
            for (int l = 0; l < 8; l++)
            {
                second[l] = (8 + l) % 3 == c ? on : 0;
                third[l] = (16 + l) % 3 == c ? on : 0;
                order[l] = ((3 * l) + c) % 8;
            }

            PickSecond[c] = Vector256.Create(second);
            PickThird[c] = Vector256.Create(third);
            PixelOrder[c] = Vector256.Create(order);
        }

        for (int k = 0; k < 3; k++)
        {
            var order = new int[8];
            var green = new float[8];
            var blue = new float[8];
            for (int l = 0; l < 8; l++)
            {
                int g = (8 * k) + l;
                order[l] = g / 3;
                green[l] = g % 3 == 1 ? on : 0;
                blue[l] = g % 3 == 2 ? on : 0;
            }

            SampleOrder[k] = Vector256.Create(order);
            FromGreen[k] = Vector256.Create(green);
            FromBlue[k] = Vector256.Create(blue);
        }
    }

    private static float BitConverterSingle(int bits) => Unsafe.As<int, float>(ref bits);

    [MethodImpl(Jit.HotLoop)]
    static partial void SplitVectors(ref float source, int channels, int pixels, float offset, ref float target, int planeStride, ref int x)
    {
        if (!Avx2.IsSupported || channels is not (1 or 3))
        {
            return;
        }

        var centre = Vector256.Create(offset);
        if (channels == 1)
        {
            for (; x <= pixels - 8; x += 8)
            {
                (Vector256.LoadUnsafe(ref Unsafe.Add(ref source, x)) - centre).StoreUnsafe(ref Unsafe.Add(ref target, x));
            }

            return;
        }

        Vector256<float> s0 = PickSecond[0], s1 = PickSecond[1], s2 = PickSecond[2];
        Vector256<float> t0 = PickThird[0], t1 = PickThird[1], t2 = PickThird[2];
        Vector256<int> p0 = PixelOrder[0], p1 = PixelOrder[1], p2 = PixelOrder[2];
        for (; x <= pixels - 8; x += 8)
        {
            ref float from = ref Unsafe.Add(ref source, 3 * x);
            Vector256<float> v0 = Vector256.LoadUnsafe(ref from);
            Vector256<float> v1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref from, 8));
            Vector256<float> v2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref from, 16));
            Vector256<float> r = Avx2.PermuteVar8x32(Avx.BlendVariable(Avx.BlendVariable(v0, v1, s0), v2, t0), p0);
            Vector256<float> g = Avx2.PermuteVar8x32(Avx.BlendVariable(Avx.BlendVariable(v0, v1, s1), v2, t1), p1);
            Vector256<float> b = Avx2.PermuteVar8x32(Avx.BlendVariable(Avx.BlendVariable(v0, v1, s2), v2, t2), p2);
            (r - centre).StoreUnsafe(ref Unsafe.Add(ref target, x));
            (g - centre).StoreUnsafe(ref Unsafe.Add(ref target, planeStride + x));
            (b - centre).StoreUnsafe(ref Unsafe.Add(ref target, (2 * planeStride) + x));
        }
    }

    // Output vector k of eight RGB pixels: each plane permuted into sample order, then the lanes of each channel
    // taken from its plane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Interleaved(Vector256<float> r, Vector256<float> g, Vector256<float> b, Vector256<int> order, Vector256<float> fromGreen, Vector256<float> fromBlue)
        => Avx.BlendVariable(Avx.BlendVariable(Avx2.PermuteVar8x32(r, order), Avx2.PermuteVar8x32(g, order), fromGreen), Avx2.PermuteVar8x32(b, order), fromBlue);

    [MethodImpl(Jit.HotLoop)]
    static partial void MergeVectors(ref float source, int planeStride, int channels, int pixels, float offset, ref float target, ref int x)
    {
        if (!Avx2.IsSupported || channels is not (1 or 3))
        {
            return;
        }

        var add = Vector256.Create(offset);
        if (channels == 1)
        {
            for (; x <= pixels - 8; x += 8)
            {
                (Vector256.LoadUnsafe(ref Unsafe.Add(ref source, x)) + add).StoreUnsafe(ref Unsafe.Add(ref target, x));
            }

            return;
        }

        Vector256<int> o0 = SampleOrder[0], o1 = SampleOrder[1], o2 = SampleOrder[2];
        Vector256<float> g0 = FromGreen[0], g1 = FromGreen[1], g2 = FromGreen[2];
        Vector256<float> b0 = FromBlue[0], b1 = FromBlue[1], b2 = FromBlue[2];
        for (; x <= pixels - 8; x += 8)
        {
            Vector256<float> r = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, x)) + add;
            Vector256<float> g = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, planeStride + x)) + add;
            Vector256<float> b = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, (2 * planeStride) + x)) + add;
            ref float to = ref Unsafe.Add(ref target, 3 * x);
            Interleaved(r, g, b, o0, g0, b0).StoreUnsafe(ref to);
            Interleaved(r, g, b, o1, g1, b1).StoreUnsafe(ref Unsafe.Add(ref to, 8));
            Interleaved(r, g, b, o2, g2, b2).StoreUnsafe(ref Unsafe.Add(ref to, 16));
        }
    }
}
#endif
