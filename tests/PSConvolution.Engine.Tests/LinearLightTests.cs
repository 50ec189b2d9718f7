using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>Convolution in linear light against the sRGB formulas (IEC 61966-2-1) in double precision.</summary>
public sealed class LinearLightTests
{
    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 60).Select(s => new object[] { s });

    /// <summary>
    /// A row stored in linear light is stored sample by sample as <c>SrgbTransfer.EncodeByte</c> stores one
    /// (and alpha rounded), whichever samples the vector loop takes: values over the whole range, below and above it,
    /// and exactly halfway between the encoding table's steps, where rounding decides.
    /// </summary>
    [Theory]
    [InlineData(3, false, 1f, 0f, false)]
    [InlineData(4, true, 1f, 0f, false)]
    [InlineData(4, true, 3f, -7.5f, true)]
    [InlineData(2, true, -2f, 1f, true)]
    public void StoredRowsEncodeEachSampleAsOneIs(int channels, bool alphaLast, float divisor, float bias, bool absolute)
    {
        var random = new Random(channels + (absolute ? 10 : 0));
        float step = 255f / 65536;
        var values = new float[(channels * 300) + 5];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i % 3) switch
            {
                0 => (float)((random.NextDouble() * 300) - 20) * divisor,
                1 => ((random.Next(65536) + 0.5f) * step * divisor) - (bias * divisor),
                _ => (float)(random.NextDouble() * 255) * divisor,
            };
        }

        var stored = new byte[values.Length];
        Convolution.Samples.SrgbTransfer.Store<byte>(values, divisor, bias, 255f, absolute, channels, alphaLast, stored);
        for (int i = 0; i < values.Length; i++)
        {
            float v = (values[i] / divisor) + bias;
            v = absolute ? Math.Abs(v) : v;
            bool alpha = alphaLast && i % channels == channels - 1;
            byte expected = alpha ? (byte)Math.Round(Math.Min(Math.Max(v, 0f), 255f), MidpointRounding.ToEven) : Convolution.Samples.SrgbTransfer.EncodeByte(v);
            Expect.True(expected == stored[i], $"sample {i} ({v}): {stored[i]}, expected {expected}");
        }
    }

    /// <summary>
    /// 16-bit samples are encoded through the thresholds where the formula's level steps, and come out as the formula
    /// gives them: on both sides of every threshold, at a million values spread over every octave of the range, and
    /// at the values beside it (negative, NaN, infinite, above the top).
    /// </summary>
    [Fact]
    public void SixteenBitEncodingGivesTheFormulasLevelOnBothSidesOfEveryStep()
    {
        float[] thresholds = Convolution.Samples.SrgbTransfer.WordSteps.Thresholds;
        for (int level = 1; level <= 65535; level++)
        {
            float at = thresholds[level];
            float below = BitsNext(at, -1);
            Expect.True(Convolution.Samples.SrgbTransfer.WordLevel(at) == level && Convolution.Samples.SrgbTransfer.EncodeWord(at) == level, $"level {level} at {at:R}: formula {Convolution.Samples.SrgbTransfer.WordLevel(at)}, encoded {Convolution.Samples.SrgbTransfer.EncodeWord(at)}");
            Expect.True(Convolution.Samples.SrgbTransfer.WordLevel(below) == level - 1 && Convolution.Samples.SrgbTransfer.EncodeWord(below) == level - 1, $"below level {level} at {below:R}: formula {Convolution.Samples.SrgbTransfer.WordLevel(below)}, encoded {Convolution.Samples.SrgbTransfer.EncodeWord(below)}");
        }

        var random = new Random(16);
        for (int i = 0; i < 1_000_000; i++)
        {
            // Log-uniform from 2^-10 to 2^16: every bucket size, and the values below the lowest bucket.
            float v = (float)Math.Pow(2, (random.NextDouble() * 26) - 10);
            Expect.True(Convolution.Samples.SrgbTransfer.WordLevel(v) == Convolution.Samples.SrgbTransfer.EncodeWord(v), $"{v:R}: formula {Convolution.Samples.SrgbTransfer.WordLevel(v)}, encoded {Convolution.Samples.SrgbTransfer.EncodeWord(v)}");
        }

        float lowest = Convolution.Samples.SrgbTransfer.WordSteps.Lowest;
        foreach (float v in new[] { 0f, -0f, float.Epsilon, BitsNext(lowest, -1), lowest, BitsNext(lowest, 1), 1f, 65534.99f, 65535f, 65535.5f, 70000f, 1e30f, float.PositiveInfinity, -1f, -70000f, float.NegativeInfinity })
        {
            Expect.True(Convolution.Samples.SrgbTransfer.WordLevel(v) == Convolution.Samples.SrgbTransfer.EncodeWord(v), $"{v:R}: formula {Convolution.Samples.SrgbTransfer.WordLevel(v)}, encoded {Convolution.Samples.SrgbTransfer.EncodeWord(v)}");
        }

        Assert.Equal(0, Convolution.Samples.SrgbTransfer.EncodeWord(float.NaN));
        Assert.Equal(65535, Convolution.Samples.SrgbTransfer.EncodeWord(65535f));
    }

    /// <summary>A stored 16-bit row encodes each colour sample as <c>EncodeWord</c> does and rounds alpha.</summary>
    [Theory]
    [InlineData(3, false, 1f, 0f, false)]
    [InlineData(4, true, 257f, -3.5f, true)]
    [InlineData(2, true, -2f, 1f, true)]
    public void StoredSixteenBitRowsEncodeEachSampleAsOneIs(int channels, bool alphaLast, float divisor, float bias, bool absolute)
    {
        var random = new Random(channels + 100);
        var values = new float[(channels * 300) + 5];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 70000) - 2000) * divisor;
        }

        var stored = new ushort[values.Length];
        Convolution.Samples.SrgbTransfer.Store<ushort>(values, divisor, bias, 65535f, absolute, channels, alphaLast, stored);
        for (int i = 0; i < values.Length; i++)
        {
            float v = (values[i] / divisor) + bias;
            v = absolute ? Math.Abs(v) : v;
            bool alpha = alphaLast && i % channels == channels - 1;
            ushort expected = alpha ? (ushort)Math.Round(Math.Min(Math.Max(v, 0f), 65535f), MidpointRounding.ToEven) : Convolution.Samples.SrgbTransfer.WordLevel(v);
            Expect.True(expected == stored[i], $"sample {i} ({v}): {stored[i]}, expected {expected}");
        }
    }

    private static float BitsNext(float f, int direction) => BitConverter.ToSingle(BitConverter.GetBytes(BitConverter.ToInt32(BitConverter.GetBytes(f), 0) + direction), 0);

    /// <summary>Channel <paramref name="c"/> of <paramref name="image"/> decoded to linear light, in levels of its maximum.</summary>
    internal static double[,] Linearised(PlanarImage image, int c)
    {
        double max = image.MaxValue;
        double[,] linear = TestImages.ChannelAsArray(image, c);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                linear[y, x] = max * Decode(linear[y, x] / max);
            }
        }

        return linear;
    }

    internal static double Decode(double v) => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);

    internal static double Encode(double v) => v <= 0.0031308 ? v * 12.92 : (1.055 * Math.Pow(v, 1 / 2.4)) - 0.055;

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesTheTransferFunctionsAroundTheReference(int seed)
    {
        var random = new Random(seed);
        int kh = (random.Next(0, 4) * 2) + 1;
        int kw = (random.Next(0, 4) * 2) + 1;
        var rows = new double[kh][];
        for (int i = 0; i < kh; i++)
        {
            rows[i] = Enumerable.Range(0, kw).Select(_ => (double)random.Next(-2, 6)).ToArray();
        }

        rows[kh / 2][kw / 2] += 6;
        KernelMatrix matrix = KernelMatrix.Create(rows);
        var layout = random.Next(2) == 0 ? PixelLayout.Rgb : PixelLayout.Gray;
        int bitDepth = random.Next(3) == 0 ? 16 : 8;
        var options = new ConvolutionOptions
        {
            LinearLight = true,
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(256),
            Stride = random.Next(1, 3),
            OutputRange = random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute,
            Bias = random.Next(3) == 0 ? random.Next(-20, 40) : null,
        };
        using PlanarImage image = TestImages.Random(random, random.Next(1, 40), random.Next(1, 12), layout, bitDepth);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { new ConvolutionKernel("k", "Custom", "k", new[] { matrix }) }, options);
        double max = image.MaxValue;
        double scale = max / 255.0;
        for (int c = 0; c < image.Channels; c++)
        {
            double[,] linear = Linearised(image, c);

            double[,] sums = ReferenceConvolution.Convolve(linear, TestImages.ToArray(matrix), options.BorderMode, max * Decode(options.BorderValue * scale / max), PaddingMode.Same, options.Stride, matrix.DefaultDivisor, (options.Bias ?? 0) * scale);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            for (int y = 0; y < result.Height; y++)
            {
                for (int x = 0; x < result.Width; x++)
                {
                    double v = options.OutputRange == OutputRange.Absolute ? Math.Abs(sums[y, x]) : sums[y, x];
                    double expected = Math.Round(max * Encode(Math.Clamp(v, 0, max) / max), MidpointRounding.ToEven);
                    Expect.True(Math.Abs(actual[y, x] - expected) <= 1, $"channel {c} ({x}, {y}): expected {expected}, got {actual[y, x]}");
                }
            }
        }
    }

    [Fact]
    public void ABlurredCheckerboardKeepsItsBrightness()
    {
        // Black and white pixels average to half the light, which sRGB encodes as 188, not 128.
        using var image = new PlanarImage(16, 16, PixelLayout.Gray, 8);
        for (int i = 0; i < 256; i++)
        {
            image.GetChannel(0)[i] = ((i % 16) + (i / 16)) % 2 == 0 ? 255 : 0;
        }

        ConvolutionKernel[] blur = { KernelLibrary.Get("Box3") };
        using PlanarImage linear = PlanarConvolution.Convolve(image, blur, new ConvolutionOptions { LinearLight = true, BorderMode = BorderMode.Wrap });
        using PlanarImage encoded = PlanarConvolution.Convolve(image, blur, new ConvolutionOptions { BorderMode = BorderMode.Wrap });
        double expected = Math.Round(255 * Encode(((5 * 1.0) + (4 * 0.0)) / 9));
        Assert.Equal(expected, linear.GetChannel(0)[(8 * 16) + 8]);
        Assert.Equal(Math.Round(255 * 5 / 9.0), encoded.GetChannel(0)[(8 * 16) + 8]);
    }

    [Theory]
    [InlineData("Box3", 8)]
    [InlineData("Gaussian5", 8)]
    [InlineData("Box3", 16)]
    [InlineData("Gaussian5", 16)]
    public void WithAlphaWeightingItLinearisesPremultipliesConvolvesDividesAndEncodes(string name, int bitDepth)
    {
        // Wide enough rows for the vector stores, with every pixel's window read from the formulas in double precision.
        var random = new Random(77);
        const int Width = 61, Height = 12;
        using PlanarImage image = TestImages.Random(random, Width, Height, PixelLayout.Rgba, bitDepth);
        double max = image.MaxValue;
        Span<float> alpha = image.GetChannel(3);
        for (int i = 0; i < alpha.Length; i++)
        {
            alpha[i] = random.Next(3) == 0 ? 0 : random.Next(1, (int)max + 1);
        }

        ConvolutionKernel kernel = KernelLibrary.Get(name);
        KernelMatrix m = kernel.Matrices[0];
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, new ConvolutionOptions { LinearLight = true });
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                double sa = 0;
                var sc = new double[3];
                for (int i = 0; i < m.Height; i++)
                {
                    for (int j = 0; j < m.Width; j++)
                    {
                        int sy = Math.Clamp(y + i - m.AnchorY, 0, image.Height - 1);
                        int sx = Math.Clamp(x + j - m.AnchorX, 0, image.Width - 1);
                        double a = alpha[(sy * Width) + sx];
                        double w = m[i, j];
                        sa += w * a;
                        for (int c = 0; c < 3; c++)
                        {
                            sc[c] += w * a * max * Decode(image.GetChannel(c)[(sy * Width) + sx] / max);
                        }
                    }
                }

                Assert.Equal(Math.Round(sa / m.DefaultDivisor, MidpointRounding.ToEven), result.GetChannel(3)[(y * Width) + x], 0.0);
                for (int c = 0; c < 3; c++)
                {
                    double expected = sa == 0 ? 0 : Math.Round(max * Encode(Math.Clamp(sc[c] / sa, 0, max) / max), MidpointRounding.ToEven);
                    Assert.InRange(result.GetChannel(c)[(y * Width) + x], expected - 1, expected + 1);
                }
            }
        }
    }
}
