using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// Alpha-weighted convolution against the contract's formulas, written out in double precision one pixel at a
/// time: colour premultiplied by alpha; blurs divide by the convolved alpha, other kernels by the source alpha;
/// 0 where the dividing alpha is 0.
/// </summary>
public sealed class AlphaWeightingTests
{
    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 160).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesTheFormulas(int seed)
    {
        var random = new Random(seed);
        int kh = (random.Next(0, 4) * 2) + 1;
        int kw = random.Next(3) == 0 ? kh : (random.Next(0, 4) * 2) + 1;
        bool blur = random.Next(2) == 0;
        KernelMatrix matrix = RandomMatrix(random, kw, kh, blur);
        int width = random.Next(1, 40);
        int height = random.Next(1, 20);
        PixelLayout layout = random.Next(3) == 0 ? PixelLayout.GrayAlpha : PixelLayout.Rgba;
        int bitDepth = random.Next(4) == 0 ? 16 : 8;
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(4) switch { 0 => 255, 1 => random.Next(256), _ => 0 },
            Padding = random.Next(4) == 0 && width >= kw && height >= kh ? PaddingMode.Valid : PaddingMode.Same,
            Stride = random.Next(1, 4),
            FlipKernel = random.Next(2) == 0,
            OutputRange = random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute,
            Divisor = random.Next(4) == 0 ? random.Next(1, 40) : null,
            Bias = !blur && random.Next(3) == 0 ? random.Next(-64, 128) : null,
            Channels = TestImages.RandomChannels(random, layout),
            MaxDegreeOfParallelism = random.Next(1, 3),
        };
        var kernel = new ConvolutionKernel("Random", "Custom", "random", new[] { matrix });
        using PlanarImage image = RandomTransparentImage(random, width, height, layout, bitDepth);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);
        AssertMatches(image, result, options.FlipKernel ? matrix.Rotate180() : matrix, options, blur);
    }

    [Theory]
    [InlineData("Sobel")]
    [InlineData("Kirsch")]
    public void OperatorsOfSeveralKernelsDivideTheirCombinedResponseBySourceAlpha(string name)
    {
        var random = new Random(name.Length);
        using PlanarImage image = RandomTransparentImage(random, 37, 23, PixelLayout.Rgba, 8);
        ConvolutionKernel kernel = KernelLibrary.Get(name);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, ConvolutionOptions.Default);
        double[][,] matrices = kernel.Matrices.Select(TestImages.ToArray).ToArray();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                double alpha = image.GetChannel(3)[(y * image.Width) + x];
                for (int c = 0; c < 3; c++)
                {
                    double[] responses = matrices.Select((m, i) => PremultipliedSum(image, c, m, y, x, BorderMode.Replicate, 0) / kernel.GetDivisor(i)).ToArray();
                    double combined = kernel.Combination == KernelCombination.Magnitude ? Math.Sqrt(responses.Sum(r => r * r)) : responses.Max();
                    double expected = ReferenceConvolution.Quantize(alpha == 0 ? 0 : combined / alpha, 255, kernel.OutputRange);
                    Assert.InRange(result.GetChannel(c)[(y * image.Width) + x], expected - 1, expected + 1);
                }

                Assert.Equal(alpha, result.GetChannel(3)[(y * image.Width) + x]);
            }
        }
    }

    public static IEnumerable<object[]> OperatorSeeds => Enumerable.Range(1, 60).Select(s => new object[] { s });

    /// <summary>
    /// Operators of several matrices on cut-outs, against the formulas: each matrix's response of the premultiplied
    /// colour over its divisor, combined (the root of the sum of squares, or the largest), divided by the source's
    /// alpha, then biased; alpha kept. Library operators and random ones of 2-4 matrices of whole weights, over
    /// every border mode, stride, padding, flip, range and colour selection, at 8 bits (the integer path with the
    /// rim recomputed, where there is no bias) and 16 (the single-precision path).
    /// </summary>
    [Theory]
    [MemberData(nameof(OperatorSeeds))]
    public void OperatorsOfSeveralMatricesMatchTheFormulasOnCutOuts(int seed)
    {
        var random = new Random(seed + 900);
        string[] names = { "Sobel", "Scharr", "Prewitt", "RobertsCross", "Kirsch", "Robinson" };
        ConvolutionKernel kernel = KernelLibrary.Get(names[random.Next(names.Length)]);
        if (seed % 2 == 0)
        {
            int size = (random.Next(2) * 2) + 3;
            KernelMatrix[] operands = TestImages.RandomOperatorMatrices(random, size, random.Next(2, 5), -4, 4);
            kernel = new ConvolutionKernel("Random", "Custom", "random", operands, random.Next(2) == 0 ? KernelCombination.Magnitude : KernelCombination.Maximum, random.Next(3) == 0 ? random.Next(1, 9) : null, 0, random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute);
        }

        int width = random.Next(1, 70);
        int height = random.Next(1, 24);
        PixelLayout layout = random.Next(3) == 0 ? PixelLayout.GrayAlpha : PixelLayout.Rgba;
        ColorChannel? channels = layout == PixelLayout.GrayAlpha || random.Next(2) == 0 ? null : (ColorChannel)random.Next(1, 8);
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(3) switch { 0 => 255, 1 => random.Next(256), _ => 0 },
            Padding = random.Next(4) == 0 && width >= kernel.Width && height >= kernel.Height ? PaddingMode.Valid : PaddingMode.Same,
            Stride = random.Next(1, 4),
            FlipKernel = random.Next(2) == 0,
            Bias = random.Next(5) == 0 ? random.Next(-40, 80) : null,
            Channels = channels,
            MaxDegreeOfParallelism = random.Next(1, 3),
        };
        using PlanarImage image = RandomTransparentImage(random, width, height, layout, random.Next(5) == 0 ? 16 : 8);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);

        int n = image.Channels;
        int a = n - 1;
        double max = image.MaxValue;
        double scale = max / 255.0;
        double bias = (options.Bias ?? kernel.Bias) * scale;
        double borderValue = options.BorderValue * scale;
        double[][,] matrices = kernel.Matrices.Select(m => TestImages.ToArray(options.FlipKernel ? m.Rotate180() : m)).ToArray();
        KernelMatrix applied = options.FlipKernel ? kernel.Matrices[0].Rotate180() : kernel.Matrices[0];
        (int outW, int outH) = OutputShape(image, result, applied, options);
        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                (int cy, int cx) = Centre(y, x, applied, options);
                double alpha = image.GetChannel(a)[(cy * width) + cx];
                Assert.Equal(alpha, result.GetChannel(a)[(y * outW) + x]);
                for (int c = 0; c < a; c++)
                {
                    double actual = result.GetChannel(c)[(y * outW) + x];
                    if (!ImageConvolver.IsSelected(layout, c, options.Channels))
                    {
                        Assert.Equal(image.GetChannel(c)[(cy * width) + cx], actual);
                        continue;
                    }

                    double[] responses = matrices.Select((m, i) => PremultipliedSum(image, c, m, cy, cx, options.BorderMode, borderValue, applied.AnchorY, applied.AnchorX) / (options.Divisor ?? kernel.GetDivisor(i))).ToArray();
                    double combined = kernel.Combination == KernelCombination.Magnitude ? Math.Sqrt(responses.Sum(r => r * r)) : responses.Max();
                    double expected = ReferenceConvolution.Quantize((alpha == 0 ? 0 : combined / alpha) + bias, max, options.OutputRange ?? kernel.OutputRange);
                    double tolerance = image.BitDepth == 8 ? 1 : 1 + (4e-3 * max * max / Math.Max(alpha, 1));
                    Expect.True(Math.Abs(actual - expected) <= tolerance, $"{kernel.Name} {options}: pixel ({x}, {y}) channel {c}: expected {expected}, got {actual}");
                }
            }
        }
    }

    [Fact]
    public void AnInvisiblePixelsColourNeverReachesAVisibleOne()
    {
        // A white disc on transparent pixels stored as black (0,0,0,0), the way most logos are saved.
        using var logo = new PlanarImage(40, 40, PixelLayout.Rgba, 8);
        for (int y = 0; y < 40; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                bool inside = ((x - 20) * (x - 20)) + ((y - 20) * (y - 20)) < 144;
                for (int c = 0; c < 4; c++)
                {
                    logo.GetChannel(c)[(y * 40) + x] = inside ? 255 : 0;
                }
            }
        }

        foreach (string name in new[] { "Gaussian5", "Box5", "Sharpen", "Gaussian3", "UnsharpMask5" })
        {
            using PlanarImage blurred = PlanarConvolution.Convolve(logo, new[] { KernelLibrary.Get(name) }, ConvolutionOptions.Default);
            for (int i = 0; i < 40 * 40; i++)
            {
                float a = blurred.GetChannel(3)[i] / 255f;
                float overWhite = (blurred.GetChannel(0)[i] * a) + (255 * (1 - a));
                Expect.True(overWhite >= 250, $"{name}: pixel {i} reads {overWhite} over white");
            }
        }

        using PlanarImage soft = PlanarConvolution.Convolve(logo, new[] { KernelLibrary.Get("Gaussian5") }, ConvolutionOptions.Default);
        float[] edge = soft.GetChannel(3).ToArray().Where(a => a is > 0 and < 255).ToArray();
        Assert.NotEmpty(edge);

        // Without alpha weighting the black of the invisible pixels bleeds in (the old dark fringe).
        using PlanarImage independent = PlanarConvolution.Convolve(logo, new[] { KernelLibrary.Get("Gaussian5") }, new ConvolutionOptions { AlphaWeighted = false });
        Assert.Contains(independent.GetChannel(0).ToArray(), v => v is > 0 and < 250);
    }

    [Fact]
    public void AChainEqualsOneCallPerKernel()
    {
        var random = new Random(11);
        using PlanarImage image = RandomTransparentImage(random, 45, 31, PixelLayout.Rgba, 8);
        ConvolutionKernel[] chain = { KernelLibrary.Get("Sharpen"), KernelLibrary.Get("Gaussian5"), KernelLibrary.Get("Emboss") };
        using PlanarImage all = PlanarConvolution.Convolve(image, chain, ConvolutionOptions.Default with { Stride = 2 });
        using PlanarImage first = PlanarConvolution.Convolve(image, new[] { chain[0] }, ConvolutionOptions.Default);
        using PlanarImage second = PlanarConvolution.Convolve(first, new[] { chain[1] }, ConvolutionOptions.Default);
        using PlanarImage third = PlanarConvolution.Convolve(second, new[] { chain[2] }, ConvolutionOptions.Default with { Stride = 2 });
        for (int c = 0; c < 4; c++)
        {
            Assert.Equal(third.GetChannel(c).ToArray(), all.GetChannel(c).ToArray());
        }
    }

    [Fact]
    public void AnOpaqueImageGivesTheSameResultAsWithoutWeighting()
    {
        var random = new Random(12);
        using PlanarImage image = TestImages.Random(random, 33, 21, PixelLayout.Rgba, 8);
        image.GetChannel(3).Fill(255);
        foreach (string name in new[] { "Gaussian5", "Sharpen", "Sobel" })
        {
            using PlanarImage weighted = PlanarConvolution.Convolve(image, new[] { KernelLibrary.Get(name) }, ConvolutionOptions.Default);
            using PlanarImage independent = PlanarConvolution.Convolve(image, new[] { KernelLibrary.Get(name) }, new ConvolutionOptions { AlphaWeighted = false });
            for (int c = 0; c < 4; c++)
            {
                Assert.Equal(independent.GetChannel(c).ToArray(), weighted.GetChannel(c).ToArray());
            }
        }
    }

    [Theory]
    [InlineData(PixelLayout.Rgba, "Gaussian5")]
    [InlineData(PixelLayout.Rgba, "Gaussian3")]
    [InlineData(PixelLayout.GrayAlpha, "Gaussian5")]
    [InlineData(PixelLayout.Rgba, "Box3")]
    public void AnOpaqueImageBlurredComesOutUnweightedWhateverTheOptions(PixelLayout layout, string name)
    {
        // The common blurs run weighted on an opaque image, without reading it first, where the result is the same:
        // the options that could tell them apart are the border (a constant border below full alpha is a transparent
        // frame, which the unweighted result ignores), the bias (weighting adds it to alpha) and the channel selection
        // (weighting convolves alpha). Rows of 150 pixels reach every vector loop and its tail.
        var random = new Random(layout == PixelLayout.Rgba ? name.Length : 40 + name.Length);
        using PlanarImage image = TestImages.Random(random, 150, 23, layout, 8);
        image.GetChannel(layout.ChannelCount() - 1).Fill(255);
        ConvolutionKernel kernel = KernelLibrary.Get(name);
        var cases = new List<ConvolutionOptions>();
        foreach (BorderMode border in (BorderMode[])Enum.GetValues(typeof(BorderMode)))
        {
            foreach (PaddingMode padding in (PaddingMode[])Enum.GetValues(typeof(PaddingMode)))
            {
                foreach (int stride in new[] { 1, 2, 3 })
                {
                    cases.Add(new ConvolutionOptions { BorderMode = border, Padding = padding, Stride = stride });
                }
            }
        }

        foreach (double value in new[] { 0.0, 128, 255 })
        {
            cases.Add(new ConvolutionOptions { BorderMode = BorderMode.Constant, BorderValue = value });
        }

        cases.Add(new ConvolutionOptions { Bias = 20 });
        cases.Add(new ConvolutionOptions { Bias = -20 });
        cases.Add(new ConvolutionOptions { Channels = ColorChannel.All });
        cases.Add(new ConvolutionOptions { Channels = layout == PixelLayout.Rgba ? ColorChannel.Green : ColorChannel.Gray });
        cases.Add(new ConvolutionOptions { Channels = ColorChannel.Alpha, BorderMode = BorderMode.Constant });
        cases.Add(new ConvolutionOptions { FlipKernel = true, Stride = 2, Padding = PaddingMode.Valid });
        foreach (ConvolutionOptions options in cases)
        {
            using PlanarImage weighted = PlanarConvolution.Convolve(image, new[] { kernel }, options);
            using PlanarImage independent = PlanarConvolution.Convolve(image, new[] { kernel }, options with { AlphaWeighted = false });
            Assert.Equal(independent.Width, weighted.Width);
            for (int c = 0; c < layout.ChannelCount(); c++)
            {
                Expect.True(independent.GetChannel(c).SequenceEqual(weighted.GetChannel(c)), $"{options} channel {c}");
            }
        }
    }

    [Fact]
    public void WideRowsReachEverySimdBlock()
    {
        // Rows of 300 RGBA pixels (1,200 floats) cover every vector width and its tail, with a fractional separable blur.
        var random = new Random(13);
        using PlanarImage image = RandomTransparentImage(random, 300, 9, PixelLayout.Rgba, 8);
        ConvolutionKernel gaussian = KernelLibrary.Create("Gaussian", 7, 1.3, null, null);
        Assert.True(gaussian.IsSeparable);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { gaussian }, ConvolutionOptions.Default);
        AssertMatches(image, result, gaussian.Matrices[0], ConvolutionOptions.Default, blur: true);
    }

    [Theory]
    [InlineData("Gaussian5", false)]
    [InlineData("Gaussian5", true)]
    [InlineData("Sharpen", false)]
    [InlineData("Emboss", true)]
    public void WideCutOutsWithColouredInvisiblePixelsMatchTheFormulas(string name, bool blackInvisible)
    {
        // Rows of 300 pixels, so the corrections that work a vector of pixels at a time run, on both sides of a
        // disc whose invisible pixels keep random colour (or are black).
        var random = new Random(name.Length + (blackInvisible ? 100 : 0));
        using PlanarImage image = TestImages.Random(random, 300, 24, PixelLayout.Rgba, 8);
        Span<float> alpha = image.GetChannel(3);
        for (int y = 0; y < 24; y++)
        {
            for (int x = 0; x < 300; x++)
            {
                double d = Math.Sqrt(((x - 150) * (x - 150) / 16.0) + ((y - 12) * (y - 12)));
                alpha[(y * 300) + x] = d < 10 ? 255 : d < 11 ? 128 : 0;
                if (blackInvisible && alpha[(y * 300) + x] == 0)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        image.GetChannel(c)[(y * 300) + x] = 0;
                    }
                }
            }
        }

        ConvolutionKernel kernel = KernelLibrary.Get(name);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, ConvolutionOptions.Default);
        AssertMatches(image, result, kernel.Matrices[0], ConvolutionOptions.Default with { Bias = kernel.Bias, OutputRange = kernel.OutputRange }, blur: name.StartsWith("Gaussian", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Gaussian5", 1)]
    [InlineData("Gaussian5", 3)]
    [InlineData("Box5", 2)]
    [InlineData("Sharpen", 1)]
    public void StraightEdgesAcrossWholeRowsMatchTheFormulas(string name, int stride)
    {
        // A band of opaque rows between transparent ones, and a half-transparent column stripe: windows over the
        // band's edges hold several alpha values although every row, taken alone, holds one.
        var random = new Random(stride * 31);
        using PlanarImage image = TestImages.Random(random, 260, 30, PixelLayout.Rgba, 8);
        Span<float> alpha = image.GetChannel(3);
        for (int y = 0; y < 30; y++)
        {
            for (int x = 0; x < 260; x++)
            {
                alpha[(y * 260) + x] = y is >= 9 and < 20 ? (x is >= 128 and < 131 ? 128 : 255) : 0;
            }
        }

        ConvolutionKernel kernel = KernelLibrary.Get(name);
        ConvolutionOptions options = ConvolutionOptions.Default with { Stride = stride, Bias = kernel.Bias, OutputRange = kernel.OutputRange };
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);
        AssertMatches(image, result, kernel.Matrices[0], options, blur: name != "Sharpen");
    }

    [Theory]
    [InlineData(PixelLayout.Rgba, "Gaussian5", 1)]
    [InlineData(PixelLayout.Rgba, "Gaussian3", 2)]
    [InlineData(PixelLayout.GrayAlpha, "Gaussian5", 1)]
    [InlineData(PixelLayout.GrayAlpha, "Gaussian3", 3)]
    public void HalfTransparentLayersBesideCutOutsMatchTheFormulas(PixelLayout layout, string name, int stride)
    {
        // Blocks of rows where alpha is 0 or full with a rim (few pixels to correct), blocks of uniform alpha 128
        // (every sum neither 0 nor full, yet every window holds one alpha), and blocks of both, over rows wide enough
        // for every vector loop, with invisible pixels black in some rows and coloured in others.
        var random = new Random((int)layout + name.Length + stride);
        using PlanarImage image = Layered(random, layout, 333, 120, blackInvisible: y => y % 3 != 0, (x, y) =>
        {
            double d = Math.Sqrt(((x - 160) * (x - 160) / 9.0) + ((y - 30) * (y - 30)));
            float cutOut = d < 20 ? 255 : d < 22 ? random.Next(256) : 0;
            return y < 60 ? cutOut : y < 90 ? 128 : x < 200 ? 128 : cutOut;
        });

        ConvolutionKernel kernel = KernelLibrary.Get(name);
        ConvolutionOptions options = ConvolutionOptions.Default with { Stride = stride, BorderMode = (BorderMode)(stride % 5) };
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);
        AssertMatches(image, result, kernel.Matrices[0], options, blur: true);
    }

    [Theory]
    [InlineData(PixelLayout.Rgba, "Gaussian5", 1, BorderMode.Constant, 200)]
    [InlineData(PixelLayout.Rgba, "Gaussian5", 2, BorderMode.Replicate, 0)]
    [InlineData(PixelLayout.Rgba, "Gaussian3", 1, BorderMode.Constant, 0)]
    [InlineData(PixelLayout.Rgba, "Gaussian3", 3, BorderMode.Reflect, 0)]
    [InlineData(PixelLayout.GrayAlpha, "Gaussian5", 1, BorderMode.Constant, 130)]
    [InlineData(PixelLayout.GrayAlpha, "Gaussian3", 2, BorderMode.Wrap, 0)]
    public void LayersBelowFullAlphaMatchTheFormulasAtEveryLevel(PixelLayout layout, string name, int stride, BorderMode border, int borderValue)
    {
        // One thread, so one band of rows: a first block of uniform alpha 128 (every sum neither 0 nor full, so the
        // rows' own highest alpha is looked for from then on), then bands whose highest alpha is below full: a
        // cut-out at 100 with a rim; alpha 60 with lone pixels at 61; 50 and 70 alternating (sums at 60·2^shift that
        // are not uniform); alpha 4 with lone invisible pixels in colour (a level one too low lets their windows
        // pass, visibly); and a border value above or below them all.
        var random = new Random((int)layout + name.Length + stride + (int)border);
        using PlanarImage image = Layered(random, layout, 203, 160, blackInvisible: y => y < 112 && y % 3 != 0, (x, y) =>
        {
            double d = Math.Sqrt(((x - 100) * (x - 100) / 9.0) + ((y - 45) * (y - 45)));
            return y switch
            {
                < 24 => 128,
                < 64 => d < 15 ? 100 : d < 17 ? random.Next(101) : 0,
                < 88 => random.Next(40) == 0 ? 61 : 60,
                < 112 => (x + y) % 2 == 0 ? 50 : 70,
                _ => random.Next(40) == 0 ? 0 : 4,
            };
        });

        ConvolutionKernel kernel = KernelLibrary.Get(name);
        ConvolutionOptions options = ConvolutionOptions.Default with { Stride = stride, BorderMode = border, BorderValue = borderValue, MaxDegreeOfParallelism = 1 };
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);
        AssertMatches(image, result, kernel.Matrices[0], options, blur: true);
    }

    // A random 8-bit image whose alpha is alphaAt(x, y), its invisible pixels black in the rows blackInvisible names
    // and in random colour elsewhere.
    private static PlanarImage Layered(Random random, PixelLayout layout, int width, int height, Func<int, bool> blackInvisible, Func<int, int, float> alphaAt)
    {
        PlanarImage image = TestImages.Random(random, width, height, layout, 8);
        int a = image.Channels - 1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float value = alphaAt(x, y);
                image.GetChannel(a)[(y * width) + x] = value;
                for (int c = 0; c < a && value == 0 && blackInvisible(y); c++)
                {
                    image.GetChannel(c)[(y * width) + x] = 0;
                }
            }
        }

        return image;
    }

    internal static void AssertMatches(PlanarImage image, PlanarImage result, KernelMatrix applied, ConvolutionOptions options, bool blur)
    {
        int n = image.Channels;
        int a = n - 1;
        double max = image.MaxValue;
        double scale = max / 255.0;
        double divisor = options.Divisor ?? applied.DefaultDivisor;
        double bias = (options.Bias ?? 0) * scale;
        double borderValue = options.BorderValue * scale;
        double[,] k = TestImages.ToArray(applied);
        OutputRange range = options.OutputRange ?? OutputRange.Clamp;
        bool alphaNamed = options.Channels is ColorChannel s && (s & ColorChannel.Alpha) != 0;
        (int outW, int outH) = OutputShape(image, result, applied, options);
        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                (int cy, int cx) = Centre(y, x, applied, options);
                double sourceAlpha = image.GetChannel(a)[(cy * image.Width) + cx];
                double convolvedAlpha = PremultipliedSum(image, -1, k, cy, cx, options.BorderMode, borderValue, applied.AnchorY, applied.AnchorX) / divisor;
                double dividing = blur ? convolvedAlpha : sourceAlpha;
                for (int c = 0; c < n; c++)
                {
                    double actual = result.GetChannel(c)[(y * outW) + x];
                    double expected;
                    if (c == a)
                    {
                        expected = blur || alphaNamed ? ReferenceConvolution.Quantize(convolvedAlpha + bias, max, range) : sourceAlpha;
                    }
                    else if (!ImageConvolver.IsSelected(image.Layout, c, options.Channels))
                    {
                        expected = image.GetChannel(c)[(cy * image.Width) + cx];
                    }
                    else
                    {
                        double sum = PremultipliedSum(image, c, k, cy, cx, options.BorderMode, borderValue, applied.AnchorY, applied.AnchorX) / divisor;
                        expected = ReferenceConvolution.Quantize((dividing == 0 ? 0 : sum / dividing) + bias, max, range);
                    }

                    // One level on 8-bit images; 16-bit images divide by alphas as small as 1/65535 of full scale.
                    double tolerance = image.BitDepth == 8 ? 1 : 1 + (c == a ? 0 : 4e-3 * max * max / Math.Max(Math.Abs(dividing), 1));
                    Expect.True(Math.Abs(actual - expected) <= tolerance, $"pixel ({x}, {y}) channel {c}: expected {expected}, got {actual}");
                }
            }
        }
    }

    // The output's size for the options (checked against the result's), as the contract gives it.
    private static (int Width, int Height) OutputShape(PlanarImage image, PlanarImage result, KernelMatrix applied, ConvolutionOptions options)
    {
        int outH = options.Padding == PaddingMode.Same ? (int)Math.Ceiling(image.Height / (double)options.Stride) : ((image.Height - applied.Height) / options.Stride) + 1;
        int outW = options.Padding == PaddingMode.Same ? (int)Math.Ceiling(image.Width / (double)options.Stride) : ((image.Width - applied.Width) / options.Stride) + 1;
        Assert.Equal(outH, result.Height);
        Assert.Equal(outW, result.Width);
        return (outW, outH);
    }

    // The source pixel under output pixel (x, y)'s kernel anchor.
    private static (int Y, int X) Centre(int y, int x, KernelMatrix applied, ConvolutionOptions options)
        => ((y * options.Stride) + (options.Padding == PaddingMode.Same ? 0 : applied.AnchorY), (x * options.Stride) + (options.Padding == PaddingMode.Same ? 0 : applied.AnchorX));

    // Each image's channels as arrays, made once: the sums below read them for every output pixel. Images are not
    // changed once convolved.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PlanarImage, double[][,]> PlanesOf = new();

    // Σ K·C·A for a colour channel, Σ K·A for channel -1; the constant border is a pixel with every channel at the border value.
    private static double PremultipliedSum(PlanarImage image, int channel, double[,] k, int cy, int cx, BorderMode border, double borderValue, int ay = -1, int ax = -1)
    {
        int kh = k.GetLength(0);
        int kw = k.GetLength(1);
        ay = ay < 0 ? kh / 2 : ay;
        ax = ax < 0 ? kw / 2 : ax;
        double[][,] planes = PlanesOf.GetValue(image, i => Enumerable.Range(0, i.Channels).Select(c => TestImages.ChannelAsArray(i, c)).ToArray());
        double[,] alpha = planes[image.Channels - 1];
        double[,]? colour = channel < 0 ? null : planes[channel];
        double sum = 0;
        for (int i = 0; i < kh; i++)
        {
            for (int j = 0; j < kw; j++)
            {
                double a = ReferenceConvolution.Sample(alpha, cy + i - ay, cx + j - ax, border, borderValue);
                double c = colour is null ? 1 : ReferenceConvolution.Sample(colour, cy + i - ay, cx + j - ax, border, borderValue);
                sum += k[i, j] * c * a;
            }
        }

        return sum;
    }

    internal static PlanarImage RandomTransparentImage(Random random, int width, int height, PixelLayout layout, int bitDepth)
    {
        PlanarImage image = TestImages.Random(random, width, height, layout, bitDepth);
        Span<float> alpha = image.GetChannel(image.Channels - 1);
        if (random.Next(2) == 0)
        {
            // A cut-out: an opaque disc on invisible pixels with a soft rim, so most kernel windows hold one
            // alpha value (0 or full) and only those over the rim hold several.
            double cx = random.Next(width), cy = random.Next(height), radius = random.Next(2, Math.Max(3, width));
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                    alpha[(y * width) + x] = d < radius ? image.MaxValue : d < radius + 1.5 ? random.Next(0, (int)image.MaxValue + 1) : 0;
                }
            }

            alpha[0] = alpha[0] == 0 ? image.MaxValue : 0;
            if (random.Next(2) == 0)
            {
                // As most files store them: invisible pixels are black, which lets the engine skip clearing them.
                for (int i = 0; i < alpha.Length; i++)
                {
                    for (int c = 0; c < image.Channels - 1 && alpha[i] == 0; c++)
                    {
                        image.GetChannel(c)[i] = 0;
                    }
                }
            }

            return image;
        }

        for (int i = 0; i < alpha.Length; i++)
        {
            // Mostly fully transparent or opaque, as cut-outs are, with partial edges and the odd near-zero alpha.
            alpha[i] = random.Next(5) switch { 0 => 0, 1 => image.MaxValue, 2 => random.Next(1, 4), _ => random.Next(0, (int)image.MaxValue + 1) };
        }

        alpha[0] = 0;
        alpha[alpha.Length - 1] = image.MaxValue;
        return image;
    }

    private static KernelMatrix RandomMatrix(Random random, int kw, int kh, bool blur)
    {
        var rows = new double[kh][];
        bool separable = blur && random.Next(3) == 0;
        double[] column = Enumerable.Range(0, kh).Select(_ => random.NextDouble() + 0.1).ToArray();
        double[] row = Enumerable.Range(0, kw).Select(_ => random.NextDouble() + 0.1).ToArray();
        bool integer = random.Next(2) == 0;
        for (int i = 0; i < kh; i++)
        {
            rows[i] = new double[kw];
            for (int j = 0; j < kw; j++)
            {
                double w = separable ? column[i] * row[j] : integer ? random.Next(blur ? 0 : -4, 5) : (random.NextDouble() * (blur ? 2 : 4)) - (blur ? 0 : 2);
                rows[i][j] = w;
            }
        }

        // Blurs need a positive sum; signed kernels need some negative weight to count as such.
        rows[kh / 2][kw / 2] = blur ? rows[kh / 2][kw / 2] + 1 : rows[kh / 2][kw / 2] - 9;
        return KernelMatrix.Create(rows);
    }
}
