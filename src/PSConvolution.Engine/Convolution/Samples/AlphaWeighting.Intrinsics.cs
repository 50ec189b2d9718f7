#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>The Vector256 loops of <see cref="AlphaWeighting"/>: each pixel's alpha spread over its lanes by a shuffle.</summary>
internal sealed partial class AlphaWeighting
{
    [MethodImpl(Jit.HotLoop)]
    partial void PremultiplyVector256<T>(ReadOnlySpan<T> source, Span<float> destination, ref int i)
        where T : unmanaged
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return;
        }

        // Widen every sample, then multiply each pixel by its own alpha, broadcast across the pixel's lanes
        // (1 in the alpha lane itself): two RGBA or four grey-alpha pixels a vector.
        int n = Channels;
        SampleConversion.ToFloat(source, destination.Slice(0, source.Length));
        Vector256<int> spread = n == 4 ? Vector256.Create(3, 3, 3, 3, 7, 7, 7, 7) : Vector256.Create(1, 1, 3, 3, 5, 5, 7, 7);
        Vector256<float> alphaLanes = n == 4 ? Vector256.Create(0f, 0, 0, 1, 0, 0, 0, 1) : Vector256.Create(0f, 1, 0, 1, 0, 1, 0, 1);
        ref float row = ref MemoryMarshal.GetReference(destination);
        for (; i <= source.Length - 8; i += 8)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref row, (nuint)i);
            Vector256<float> factor = Vector256.ConditionalSelect(Vector256.Equals(alphaLanes, Vector256<float>.One), Vector256<float>.One, Vector256.Shuffle(v, spread));
            (v * factor).StoreUnsafe(ref row, (nuint)i);
        }
    }

    [MethodImpl(Jit.HotLoop)]
    partial void BlurRowVector256(Span<float> sums, float divisor, ref int i)
    {
        int n = Channels;
        if (!Vector256.IsHardwareAccelerated)
        {
            return;
        }

        Vector256<int> spread = n == 4 ? Vector256.Create(3, 3, 3, 3, 7, 7, 7, 7) : Vector256.Create(1, 1, 3, 3, 5, 5, 7, 7);
        Vector256<float> alphaLanes = n == 4 ? Vector256.Create(0f, 0, 0, 1, 0, 0, 0, 1) : Vector256.Create(0f, 1, 0, 1, 0, 1, 0, 1);
        Vector256<float> isAlpha = Vector256.Equals(alphaLanes, Vector256<float>.One);
        var d = Vector256.Create(divisor);
        ref float row = ref MemoryMarshal.GetReference(sums);
        for (; i <= sums.Length - 8; i += 8)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref row, (nuint)i);
            Vector256<float> weight = Vector256.Shuffle(v, spread);
            Vector256<float> colour = Vector256.ConditionalSelect(Vector256.Equals(weight, Vector256<float>.Zero), Vector256<float>.Zero, v / weight);
            Vector256.ConditionalSelect(isAlpha, v / d, colour).StoreUnsafe(ref row, (nuint)i);
        }
    }
}
#endif
