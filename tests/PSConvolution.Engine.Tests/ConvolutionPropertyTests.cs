using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>The engine against <see cref="ReferenceConvolution"/> over randomised kernels, images and options.</summary>
public sealed class ConvolutionPropertyTests
{
    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 400).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesReference(int seed)
    {
        var random = new Random(seed);
        int kh = (random.Next(0, 8) * 2) + 1;
        int kw = random.Next(3) == 0 ? kh : (random.Next(0, 8) * 2) + 1;
        KernelMatrix matrix = RandomMatrix(random, kw, kh, out _, out _);

        // Sizes include 1x1, single rows and columns, odd sizes and images smaller than the kernel.
        int width = random.Next(4) switch { 0 => 1, 1 => random.Next(1, 4), _ => random.Next(1, 24) };
        int height = random.Next(4) switch { 0 => 1, 1 => random.Next(1, 4), _ => random.Next(1, 24) };
        CheckAgainstReference(seed, random, matrix, width, height);
    }

    public static IEnumerable<object[]> WideSeeds => Enumerable.Range(1, 60).Select(s => new object[] { s });

    /// <summary>
    /// Rows long enough for every SIMD block of every tier (the widest, AVX-512's, is 128 floats; the float path's
    /// four-row blocks start at nine kernel rows) and fractional weights, so the float path is what runs: separable,
    /// one matrix whole, and four rows at once, each against the reference and not only against another path.
    /// </summary>
    [Theory]
    [MemberData(nameof(WideSeeds))]
    public void MatchesReferenceOnRowsWideEnoughForEveryVectorBlock(int seed)
    {
        var random = new Random(seed);
        int shape = seed % 3;
        int kh = shape == 2 ? (random.Next(4, 8) * 2) + 1 : (random.Next(1, 4) * 2) + 1;
        int kw = (random.Next(1, 4) * 2) + 1;
        double Weight() => Math.Round((random.NextDouble() * 2) - 0.4, 4) + 0.0001;
        double[] column = Enumerable.Range(0, kh).Select(_ => Weight()).ToArray();
        double[] row = Enumerable.Range(0, kw).Select(_ => Weight()).ToArray();
        double[][] weights = Enumerable.Range(0, kh)
            .Select(i => Enumerable.Range(0, kw).Select(j => shape == 0 ? column[i] * row[j] : Weight()).ToArray())
            .ToArray();
        KernelMatrix matrix = KernelMatrix.Create(weights);

        // 43-300 pixels of 1-4 channels: 43 to 1,200 floats a row, past 128 and its multiples with ragged tails.
        int width = random.Next(43, 301);
        int height = random.Next(kh <= 9 ? 4 : 9, 14);
        CheckAgainstReference(seed, random, matrix, width, height);
    }

    /// <summary>
    /// An image shown turned or mirrored (its EXIF orientation): the engine on the stored pixels gives, in stored
    /// order, the reference's result on the image as shown, whatever the kernel's shape, anchor, padding or stride.
    /// </summary>
    [Theory]
    [MemberData(nameof(OrientationSeeds))]
    public void MatchesReferenceOnTheImageAsShown(int seed)
    {
        var random = new Random(seed);
        var orientation = (DisplayOrientation)((seed % 8) + 1);
        int kh = (random.Next(0, 3) * 2) + 1;
        int kw = (random.Next(0, 3) * 2) + 1;
        double[][] rows = RandomMatrix(random, kw, kh, out _, out _).ToRows();

        // Anchors off centre, where turning the kernel moves them, in every other case.
        bool odd = rows.Length % 2 == 1 && rows[0].Length % 2 == 1;
        KernelMatrix matrix = odd && random.Next(2) == 0 ? KernelMatrix.Create(rows) : KernelMatrix.Create(rows, random.Next(rows[0].Length), random.Next(rows.Length));
        int width = random.Next(3) == 0 ? random.Next(1, 4) : random.Next(1, 24);
        int height = random.Next(3) == 0 ? random.Next(1, 4) : random.Next(1, 24);
        CheckAgainstReference(seed, random, matrix, width, height, orientation);
    }

    public static IEnumerable<object[]> OrientationSeeds => Enumerable.Range(1, 160).Select(s => new object[] { s });

    private static void CheckAgainstReference(int seed, Random random, KernelMatrix matrix, int width, int height, DisplayOrientation orientation = DisplayOrientation.TopLeft)
    {
        var layout = (PixelLayout)random.Next(4);
        int bitDepth = random.Next(4) == 0 ? 16 : 8;
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(0, 256),
            Padding = random.Next(3) == 0 ? PaddingMode.Valid : PaddingMode.Same,
            Stride = random.Next(1, 4),
            FlipKernel = random.Next(2) == 0,
            OutputRange = random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute,
            Divisor = random.Next(3) == 0 ? random.Next(1, 40) * (random.Next(2) == 0 ? 1 : -1) : null,
            Bias = random.Next(3) == 0 ? random.Next(-64, 128) : null,
            Channels = TestImages.RandomChannels(random, layout),
            MaxDegreeOfParallelism = random.Next(1, 4),

            // Independent channels: alpha weighting has its own reference (AlphaWeightingTests).
            AlphaWeighted = false,
            Orientation = orientation,
        };
        var kernel = new ConvolutionKernel("Random", "Custom", "random", new[] { matrix });
        bool swap = orientation >= DisplayOrientation.LeftTop;

        using PlanarImage image = TestImages.Random(random, width, height, layout, bitDepth);
        KernelMatrix applied = options.FlipKernel ? matrix.Rotate180() : matrix;
        int kw = matrix.Width;
        int kh = matrix.Height;
        bool tooSmall = options.Padding == PaddingMode.Valid && ((swap ? height : width) < kw || (swap ? width : height) < kh);
        if (tooSmall)
        {
            var error = Assert.Throws<ConvolutionException>(() => PlanarConvolution.Convolve(image, new[] { kernel }, options));
            Assert.Equal(ConvolutionErrorKind.ImageSmallerThanKernel, error.Kind);
            return;
        }

        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);
        double scale = image.MaxValue / 255.0;
        double divisor = options.Divisor ?? matrix.DefaultDivisor;
        double absoluteWeights = Enumerable.Range(0, kh * kw).Sum(i => Math.Abs(matrix[i / kw, i % kw]));

        // Float accumulation: one level, plus float's relative precision over the largest possible sum for 16-bit.
        double tolerance = 1 + (absoluteWeights * image.MaxValue / Math.Abs(divisor) * 2e-7);
        for (int c = 0; c < image.Channels; c++)
        {
            double[,] source = Shown(TestImages.ChannelAsArray(image, c), orientation);
            double[,] actual = Shown(TestImages.ChannelAsArray(result, c), orientation);
            bool selected = ImageConvolver.IsSelected(layout, c, options.Channels);
            double[,] expected = ReferenceConvolution.Convolve(
                source,
                selected ? TestImages.ToArray(applied) : Centre(applied),
                options.BorderMode,
                options.BorderValue * scale,
                options.Padding,
                options.Stride,
                selected ? divisor : 1,
                selected ? (options.Bias ?? 0) * scale : 0,
                applied.AnchorY,
                applied.AnchorX);
            Assert.Equal(expected.GetLength(0), actual.GetLength(0));
            Assert.Equal(expected.GetLength(1), actual.GetLength(1));
            for (int y = 0; y < actual.GetLength(0); y++)
            {
                for (int x = 0; x < actual.GetLength(1); x++)
                {
                    double want = selected ? ReferenceConvolution.Quantize(expected[y, x], image.MaxValue, options.OutputRange!.Value) : expected[y, x];
                    double got = actual[y, x];
                    if (Math.Abs(want - got) > (selected ? tolerance : 0))
                    {
                        Assert.Fail($"seed {seed}: channel {c} at ({y},{x}) expected {want} got {got}; kernel {kw}x{kh} [{matrix}] image {width}x{height} {layout} {bitDepth}-bit border {options.BorderMode} padding {options.Padding} stride {options.Stride} flip {options.FlipKernel} shown {orientation} (coordinates as shown)");
                    }
                }
            }
        }
    }

    // Stored samples as a viewer shows them under an EXIF orientation.
    private static double[,] Shown(double[,] stored, DisplayOrientation orientation)
    {
        int h = stored.GetLength(0), w = stored.GetLength(1);
        bool swap = orientation >= DisplayOrientation.LeftTop;
        var shown = new double[swap ? w : h, swap ? h : w];
        for (int y = 0; y < shown.GetLength(0); y++)
        {
            for (int x = 0; x < shown.GetLength(1); x++)
            {
                (int sx, int sy) = TestImages.StoredAt(orientation, w, h, x, y);
                shown[y, x] = stored[sy, sx];
            }
        }

        return shown;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void OperatorsMatchReference(int seed)
    {
        var random = new Random(seed);
        foreach (string name in new[] { "Sobel", "Scharr", "Prewitt", "RobertsCross", "Kirsch", "Robinson" })
        {
            ConvolutionKernel kernel = KernelLibrary.Get(name);
            using PlanarImage image = TestImages.Random(random, random.Next(1, 30), random.Next(1, 30), PixelLayout.Gray, 8);
            var border = (BorderMode)random.Next(5);
            var options = new ConvolutionOptions { BorderMode = border };
            using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);
            double[,] source = TestImages.ChannelAsArray(image, 0);
            double[][,] responses = kernel.Matrices
                .Select(m => ReferenceConvolution.Convolve(source, TestImages.ToArray(m), border, 0, PaddingMode.Same, 1, m.DefaultDivisor, 0))
                .ToArray();
            double[,] actual = TestImages.ChannelAsArray(result, 0);
            for (int y = 0; y < image.Height; y++)
            {
                for (int x = 0; x < image.Width; x++)
                {
                    double combined = kernel.Combination == KernelCombination.Magnitude
                        ? Math.Sqrt(responses.Sum(r => r[y, x] * r[y, x]))
                        : responses.Max(r => r[y, x]);
                    double want = ReferenceConvolution.Quantize(combined, 255, OutputRange.Absolute);
                    Expect.True(Math.Abs(want - actual[y, x]) <= 1, $"{name} seed {seed} at ({y},{x}): expected {want} got {actual[y, x]}");
                }
            }
        }
    }

    [Fact]
    public void ChainEqualsOneCallPerKernel()
    {
        var random = new Random(7);
        using PlanarImage image = TestImages.Random(random, 37, 23, PixelLayout.Rgba, 8);
        ConvolutionKernel sharpen = KernelLibrary.Get("Sharpen");
        ConvolutionKernel blur = KernelLibrary.Get("Gaussian5");
        var options = new ConvolutionOptions { Stride = 2, BorderMode = BorderMode.Mirror, Padding = PaddingMode.Valid };
        using PlanarImage chained = PlanarConvolution.Convolve(image, new[] { sharpen, blur }, options);
        using PlanarImage first = PlanarConvolution.Convolve(image, new[] { sharpen }, new ConvolutionOptions { BorderMode = BorderMode.Mirror });
        using PlanarImage second = PlanarConvolution.Convolve(first, new[] { blur }, options);
        AssertIdentical(second, chained);
    }

    internal static void AssertIdentical(PlanarImage expected, PlanarImage actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Layout, actual.Layout);
        for (int c = 0; c < expected.Channels; c++)
        {
            Expect.True(expected.GetChannel(c).SequenceEqual(actual.GetChannel(c)), $"channel {c} differs");
        }
    }

    private static double[,] Centre(KernelMatrix shape)
    {
        var k = new double[shape.Height, shape.Width];
        k[shape.AnchorY, shape.AnchorX] = 1;
        return k;
    }

    private static KernelMatrix RandomMatrix(Random random, int width, int height, out int? anchorX, out int? anchorY)
    {
        anchorX = null;
        anchorY = null;
        if (random.Next(8) == 0)
        {
            // Even sizes are legal with an explicit anchor.
            width = random.Next(1, 5) * 2;
            height = random.Next(1, 5) * 2;
            anchorX = random.Next(width);
            anchorY = random.Next(height);
        }

        var rows = new double[height][];
        bool separable = random.Next(3) == 0;
        double[] column = Enumerable.Range(0, height).Select(_ => (double)random.Next(-3, 7)).ToArray();
        double[] row = Enumerable.Range(0, width).Select(_ => (double)random.Next(-3, 7)).ToArray();
        bool fractional = random.Next(4) == 0;
        for (int i = 0; i < height; i++)
        {
            rows[i] = new double[width];
            for (int j = 0; j < width; j++)
            {
                rows[i][j] = separable ? column[i] * row[j]
                    : fractional ? Math.Round((random.NextDouble() * 4) - 1, 3)
                    : random.Next(-5, 10);
            }
        }

        return KernelMatrix.Create(rows, anchorX, anchorY);
    }
}
