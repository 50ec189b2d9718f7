using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// Alpha-weighted convolution of an image whose alpha varies, so the colour of invisible pixels never bleeds
/// into visible ones. Colour is convolved premultiplied (C·A, summed exactly in single precision for 8-bit
/// samples); then
/// <list type="bullet">
/// <item>kernels with no negative weight (blurs) convolve alpha too: C' = Σ K·C·A / Σ K·A, A' = Σ K·A / divisor;</item>
/// <item>other kernels keep alpha: C' = (Σ K·C·A / divisor) / A, A' = A (the source alpha under the output pixel);</item>
/// </list>
/// and C' is 0 where the dividing alpha is 0. The bias, the output range, clamping and rounding then apply to C'
/// as to any channel. Alpha named in the channel selection is convolved whatever the kernel. With linear light
/// the order is: linearise, premultiply, convolve, divide, encode.
/// </summary>
internal sealed partial class AlphaWeighting
{
    public AlphaWeighting(int channels, bool convolveAlpha, bool divideByConvolvedAlpha, float bias, float borderValue, float max, bool linearLight)
    {
        Channels = channels;
        LinearLight = linearLight;
        ConvolveAlpha = convolveAlpha;
        DivideByConvolvedAlpha = divideByConvolvedAlpha;
        Bias = bias;

        // The constant border is a pixel with every channel at the border value, premultiplied like the image.
        // With linear light its colour is linearised first, like every sample.
        float colour = linearLight ? SrgbTransfer.ToLinearLevel(borderValue, max) : borderValue;
        BorderPixel = new float[channels];
        BorderPixel.AsSpan().Fill(colour * borderValue);
        BorderPixel[channels - 1] = borderValue;
    }

    /// <summary>2 (grey and alpha) or 4 (RGBA); alpha is the last channel.</summary>
    public int Channels { get; }

    /// <summary>Colour is linearised before it is premultiplied, and encoded again after it is divided.</summary>
    public bool LinearLight { get; }

    /// <summary>The alpha channel is convolved (blurs, or alpha named in the selection).</summary>
    public bool ConvolveAlpha { get; }

    /// <summary>Colour is divided by the convolved alpha (blurs) rather than the source alpha.</summary>
    public bool DivideByConvolvedAlpha { get; }

    /// <summary>Added to colour after dividing by alpha, and to a convolved alpha.</summary>
    public float Bias { get; }

    /// <summary>The premultiplied constant border pixel.</summary>
    public float[] BorderPixel { get; }

    /// <summary>True when some pixel is not fully opaque.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static bool HasVaryingAlpha<T>(ReadOnlySpan<T> samples, int channels)
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte))
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.Cast<T, byte>(samples);
            int i = 0;
            if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && channels == 4)
            {
                // Every other byte set: a pixel is opaque when its word is all ones.
                ReadOnlySpan<uint> pixels = MemoryMarshal.Cast<byte, uint>(bytes);
                var others = new Vector<uint>(0x00FFFFFFu);
                var opaque = new Vector<uint>(uint.MaxValue);
                int p = 0;
                for (; p <= pixels.Length - Vector<uint>.Count; p += Vector<uint>.Count)
                {
                    if (!Vector.EqualsAll(VectorMemory.Load(pixels, p) | others, opaque))
                    {
                        return true;
                    }
                }

                i = p * 4;
            }

            for (i += channels - 1; i < bytes.Length; i += channels)
            {
                if (bytes[i] != byte.MaxValue)
                {
                    return true;
                }
            }

            return false;
        }

        ReadOnlySpan<ushort> words = MemoryMarshal.Cast<T, ushort>(samples);
        for (int i = channels - 1; i < words.Length; i += channels)
        {
            if (words[i] != ushort.MaxValue)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Widens whole pixels to floats with colour premultiplied by alpha: C·A, and A itself.</summary>
    [MethodImpl(Jit.HotLoop)]
    public void Premultiply<T>(ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        int n = Channels;
        int i = 0;
        if (LinearLight)
        {
            // Every sample through its table first (alpha then widened as it is), then colour times alpha: the same
            // products, without a generic lookup per sample inside the pixel loop.
            SrgbTransfer.Linearise(source, destination.Slice(0, source.Length), n, alphaLast: true);
            for (; i < source.Length; i += n)
            {
                float a = destination[i + n - 1];
                for (int c = 0; c < n - 1; c++)
                {
                    destination[i + c] *= a;
                }
            }

            return;
        }

        PremultiplyVector256(source, destination, ref i);
        for (; i < source.Length; i += n)
        {
            float alpha = SampleConversion.ToFloat(source[i + n - 1]);
            for (int c = 0; c < n - 1; c++)
            {
                destination[i + c] = SampleConversion.ToFloat(source[i + c]) * alpha;
            }

            destination[i + n - 1] = alpha;
        }
    }

    /// <summary>
    /// Finishes one output row: <paramref name="sums"/> holds the premultiplied weighted sums of each channel
    /// (before the divisor), <paramref name="centre"/> the source row under the output row's anchors; output pixel x
    /// is centred on source pixel <c>x * stride + centreOffset</c>.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public void StoreRow<T>(Span<float> sums, float divisor, float max, bool absolute, bool[] selected, ReadOnlySpan<T> centre, int stride, int centreOffset, Span<T> destination)
        where T : unmanaged
    {
        int n = Channels;
        int a = n - 1;
        int outWidth = destination.Length / n;
        if (TryStoreBlurRow(sums.Slice(0, outWidth * n), divisor, max, absolute, selected, destination.Slice(0, outWidth * n)))
        {
            return;
        }

        for (int x = 0; x < outWidth; x++)
        {
            int o = x * n;
            int s = ((x * stride) + centreOffset) * n;
            float sourceAlpha = SampleConversion.ToFloat(centre[s + a]);
            float convolvedAlpha = sums[o + a] / divisor;
            float dividing = DivideByConvolvedAlpha ? convolvedAlpha : sourceAlpha;
            for (int c = 0; c < a; c++)
            {
                if (!selected[c])
                {
                    destination[o + c] = centre[s + c];
                    continue;
                }

                float colour = dividing != 0 ? sums[o + c] / divisor / dividing : 0f;
                destination[o + c] = LinearLight ? SrgbTransfer.FromLinear<T>(absolute ? Math.Abs(colour + Bias) : colour + Bias) : SampleConversion.Quantize<T>(colour + Bias, max, absolute);
            }

            destination[o + a] = ConvolveAlpha ? SampleConversion.Quantize<T>(convolvedAlpha + Bias, max, absolute) : centre[s + a];
        }
    }

    // A blur whose every channel is written: C' = Σ K·C·A / Σ K·A (0 where Σ K·A is 0) and A' = Σ K·A / d,
    // a vector of pixels at a time, then the bias, range, rounding and clamping of the ordinary store (or, in linear
    // light, of the linear-light store).
    private bool TryStoreBlurRow<T>(Span<float> sums, float divisor, float max, bool absolute, bool[] selected, Span<T> destination)
        where T : unmanaged
    {
        if (!DivideByConvolvedAlpha || !ConvolveAlpha || !Vector.IsHardwareAccelerated || Array.IndexOf(selected, false) >= 0)
        {
            return false;
        }

        int n = Channels;
        int i = 0;
        BlurRowVector256(sums, divisor, ref i);
        for (; i < sums.Length; i += n)
        {
            float weight = sums[i + n - 1];
            for (int c = 0; c < n - 1; c++)
            {
                sums[i + c] = weight != 0 ? sums[i + c] / weight : 0f;
            }

            sums[i + n - 1] = weight / divisor;
        }

        // In linear light the colour is encoded to sRGB as the ordinary linear-light store does it (alpha rounded).
        if (LinearLight)
        {
            SrgbTransfer.Store(sums, 1f, Bias, max, absolute, n, alphaLast: true, destination);
        }
        else
        {
            SampleConversion.Store(sums, 1f, Bias, max, absolute, destination);
        }

        return true;
    }

    // The Vector256 loops (two RGBA or four grey-alpha pixels a vector, with a lane shuffle), where the runtime has
    // them; without an implementation (netstandard2.0, which has no shuffle) the calls are removed.
    partial void PremultiplyVector256<T>(ReadOnlySpan<T> source, Span<float> destination, ref int i)
        where T : unmanaged;

    partial void BlurRowVector256(Span<float> sums, float divisor, ref int i);
}
