using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution.Float;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// Large kernels run as a sum of separable terms from their singular value decomposition, with an error bound:
/// compared with the double-precision reference over random kernels from 11x11 to 63x63, every border mode,
/// stride, padding, channel selection, alpha weighting and linear light.
/// </summary>
public sealed class LargeKernelTests
{
    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 48).Select(s => new object[] { s });

    public static IEnumerable<object[]> FewerSeeds => Enumerable.Range(1, 24).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesTheReferenceOverRandomLargeKernels(int seed)
    {
        var random = new Random(seed);
        (KernelMatrix matrix, bool blur) = RandomLargeKernel(random);
        AssertMatchesReference(matrix, blur, random, null, $"seed {seed}");
    }

    [Theory]
    [InlineData(31, 1.0, 8)]
    [InlineData(31, 1.0, 16)]
    [InlineData(41, 0.8, 16)]
    [InlineData(25, 1.5, 8)]
    public void NarrowGaussiansWhoseCornersUnderflowSinglePrecisionStillBlur(int size, double sigma, int bitDepth)
    {
        // Factored through its far corner (1e-98 for 31 taps, sigma 1), a narrow Gaussian's factors were 1e-49
        // and 1e49: 0 and infinity in single precision, so every output was 0.
        KernelMatrix matrix = KernelLibrary.Gaussian(size, sigma).Matrices[0];
        Assert.True(matrix.IsSeparable);
        foreach (double[] factor in new[] { matrix.ColumnFactor!, matrix.RowFactor! })
        {
            double largest = factor.Max(Math.Abs);
            Assert.InRange(largest, 1e-3, 1e3);
        }

        var random = new Random(size + bitDepth);
        using PlanarImage image = TestImages.Random(random, 70, 45, PixelLayout.Rgb, bitDepth);
        var options = new ConvolutionOptions { Decomposition = KernelDecomposition.Never, MaxDegreeOfParallelism = 1 };
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { Kernel(matrix) }, options);
        for (int c = 0; c < 3; c++)
        {
            double[,] expected = ReferenceConvolution.Convolve(TestImages.ChannelAsArray(image, c), TestImages.ToArray(matrix), BorderMode.Replicate, 0, PaddingMode.Same, 1, matrix.DefaultDivisor, 0);
            AssertWithin(expected, TestImages.ChannelAsArray(result, c), 1, v => ReferenceConvolution.Quantize(v, image.MaxValue, OutputRange.Clamp), $"{size} taps, sigma {sigma}, {bitDepth} bits, channel {c}");
        }
    }

    [Theory]
    [InlineData(41, 20, 1)]
    [InlineData(40, 19, 2)]
    [InlineData(24, 11, 4)]
    [InlineData(31, 15, 5)]
    [InlineData(40, 20, 7)]
    [InlineData(28, 14, 8)]
    public void FoldedPassesOfOddAndEvenSymmetricKernelsMatchTheReference(int size, int anchor, int seed)
    {
        // Kernels equal to themselves turned half a turn, even-sized ones with an explicit anchor: the vertical passes
        // fold rows i and kh-1-i (a centre row only for odd heights), whatever the anchor.
        var random = new Random(seed);
        KernelMatrix matrix = KernelMatrix.Create(RotatedGaussianRows(size, size / 3.5, size / 10.0, 20 + (seed * 25)), anchor, anchor);
        FloatPlan plan = Plan(matrix, new ConvolutionOptions { Decomposition = KernelDecomposition.Always }, 3, alpha: null);

        Assert.Equal(new[] { 1, -1 }, plan.VerticalFolding);
        for (int run = 0; run < 6; run++)
        {
            AssertMatchesReference(matrix, blur: true, random, KernelDecomposition.Always, $"{size}x{size} anchor {anchor}, run {run}");
        }
    }

    private static void AssertMatchesReference(KernelMatrix matrix, bool blur, Random random, KernelDecomposition? decomposition, string label)
    {
        int width = random.Next(1, 100);
        int height = random.Next(1, 50);
        PixelLayout layout = random.Next(3) == 0 ? PixelLayout.Gray : PixelLayout.Rgb;
        int bitDepth = random.Next(4) == 0 ? 16 : 8;
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(256),
            Padding = random.Next(3) == 0 && width >= matrix.Width && height >= matrix.Height ? PaddingMode.Valid : PaddingMode.Same,
            Stride = random.Next(1, 4),
            FlipKernel = random.Next(2) == 0,
            OutputRange = blur || random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute,
            Divisor = random.Next(5) == 0 ? matrix.AbsoluteSum * (0.5 + random.NextDouble()) : null,
            Bias = random.Next(3) == 0 ? random.Next(-20, 60) : null,
            Channels = TestImages.RandomChannels(random, layout),
            MaxDegreeOfParallelism = random.Next(1, 3),
            Decomposition = decomposition ?? (random.Next(2) == 0 ? KernelDecomposition.Always : KernelDecomposition.Automatic),
        };

        using PlanarImage image = TestImages.Random(random, width, height, layout, bitDepth);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { Kernel(matrix) }, options);
        KernelMatrix applied = options.FlipKernel ? matrix.Rotate180() : matrix;
        double scale = image.MaxValue / 255.0;
        OutputRange range = options.OutputRange ?? OutputRange.Clamp;
        for (int c = 0; c < image.Channels; c++)
        {
            double[,] plane = TestImages.ChannelAsArray(image, c);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            if (!Convolution.ImageConvolver.IsSelected(layout, c, options.Channels))
            {
                continue;
            }

            double[,] expected = ReferenceConvolution.Convolve(plane, TestImages.ToArray(applied), options.BorderMode, options.BorderValue * scale, options.Padding, options.Stride, options.Divisor ?? applied.DefaultDivisor, (options.Bias ?? 0) * scale, applied.AnchorY, applied.AnchorX);
            AssertWithin(expected, actual, 1, v => ReferenceConvolution.Quantize(v, image.MaxValue, range), $"{label}, {matrix.Width}x{matrix.Height}, channel {c}");
        }
    }

    [Theory]
    [MemberData(nameof(FewerSeeds))]
    public void AlphaWeightedLargeKernelsMatchTheFormulas(int seed)
    {
        var random = new Random(seed);
        (KernelMatrix matrix, bool blur) = RandomLargeKernel(random);
        int width = random.Next(1, 80);
        int height = random.Next(1, 40);
        PixelLayout layout = random.Next(3) == 0 ? PixelLayout.GrayAlpha : PixelLayout.Rgba;
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(4) switch { 0 => 255, 1 => random.Next(256), _ => 0 },
            Padding = random.Next(4) == 0 && width >= matrix.Width && height >= matrix.Height ? PaddingMode.Valid : PaddingMode.Same,
            Stride = random.Next(1, 4),
            FlipKernel = random.Next(2) == 0,
            Channels = TestImages.RandomChannels(random, layout),
            MaxDegreeOfParallelism = random.Next(1, 3),
            Decomposition = KernelDecomposition.Always,
        };

        using PlanarImage image = AlphaWeightingTests.RandomTransparentImage(random, width, height, layout, 8);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { Kernel(matrix) }, options);
        AlphaWeightingTests.AssertMatches(image, result, options.FlipKernel ? matrix.Rotate180() : matrix, options, blur);
    }

    [Theory]
    [MemberData(nameof(FewerSeeds))]
    public void LinearLightLargeKernelsMatchTheTransferFunctions(int seed)
    {
        var random = new Random(seed);
        (KernelMatrix matrix, bool blur) = RandomLargeKernel(random);
        var options = new ConvolutionOptions
        {
            LinearLight = true,
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(256),
            Stride = random.Next(1, 3),
            OutputRange = blur ? OutputRange.Clamp : OutputRange.Absolute,
            Decomposition = KernelDecomposition.Always,
        };

        using PlanarImage image = TestImages.Random(random, random.Next(1, 80), random.Next(1, 30), PixelLayout.Rgb, 8);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { Kernel(matrix) }, options);
        double max = image.MaxValue;
        for (int c = 0; c < image.Channels; c++)
        {
            double[,] linear = LinearLightTests.Linearised(image, c);

            double[,] sums = ReferenceConvolution.Convolve(linear, TestImages.ToArray(matrix), options.BorderMode, max * LinearLightTests.Decode(options.BorderValue / max), PaddingMode.Same, options.Stride, matrix.DefaultDivisor, 0);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            AssertWithin(sums, actual, 1, v => Math.Round(max * LinearLightTests.Encode(Math.Clamp(blur ? v : Math.Abs(v), 0, max) / max), MidpointRounding.ToEven), $"seed {seed}, channel {c}");
        }
    }

    [Fact]
    public void ARankDeficientKernelConvergesAndIsRebuilt()
    {
        // A disk whose weights cycle 1, 2, 3: 49 of its 101 singular values are above 1e-12 of the largest, the rest
        // rounding noise. Rotating that noise never met the relative test, and every decomposition ran all its sweeps
        // (0.9 s for this one, 9 s at 241x241, inside a call Ctrl+C could not stop).
        const int n = 101, radius = 50;
        double[] weights = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int dy = i - radius, dx = j - radius;
                weights[(i * n) + j] = (dx * dx) + (dy * dy) <= radius * radius ? 1 + ((dx + (2 * dy) + 300) % 3) : 0;
            }
        }

        SingularValues svd = SingularValues.Decompose(weights, n, n);
        Expect.True(svd.Sweeps < SingularValues.MaximumSweeps, $"{svd.Sweeps} sweeps");
        Assert.Equal(49, svd.Values.Count(v => v > 1e-12 * svd.Values[0]));
        for (int i = 0; i < n; i += 7)
        {
            for (int j = 0; j < n; j += 3)
            {
                double sum = 0;
                for (int r = 0; r < n; r++)
                {
                    sum += svd.Values[r] * svd.Left[r][i] * svd.Right[r][j];
                }

                Expect.True(Math.Abs(sum - weights[(i * n) + j]) < 1e-12 * svd.Values[0], $"weight ({i}, {j}): {sum} against {weights[(i * n) + j]}");
            }
        }
    }

    [Fact]
    public void ADecompositionStopsWhenItsCallIsCancelled()
    {
        // Planning a 241x241 kernel takes about half a second of sweeps; a stopped call does not sit through them,
        // and nothing half-made is kept for the next call to use.
        double[][] rows = Enumerable.Range(0, 41).Select(i => Enumerable.Range(0, 41).Select(j => (double)(((i * 7) + (j * 3)) % 11)).ToArray()).ToArray();
        KernelMatrix matrix = KernelMatrix.Create(rows);
        using var cancelled = new System.Threading.CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => SingularValues.Decompose(matrix.ToArray(), 41, 41, cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => matrix.ApproximateBySeparableTerms(1e-3, 41, cancelled.Token));
        Assert.NotNull(matrix.ApproximateBySeparableTerms(1e9, 41));
    }

    [Fact]
    public void TheDecompositionRebuildsAMatrix()
    {
        var random = new Random(7);
        foreach ((int w, int h) in new[] { (9, 9), (13, 5), (4, 17), (63, 41) })
        {
            double[] weights = Enumerable.Range(0, w * h).Select(_ => random.NextDouble() - 0.5).ToArray();
            SingularValues svd = SingularValues.Decompose(weights, w, h);
            int n = Math.Min(w, h);
            Assert.Equal(n, svd.Values.Length);
            for (int r = 1; r < n; r++)
            {
                Assert.True(svd.Values[r] <= svd.Values[r - 1], "values in decreasing order");
            }

            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    double sum = 0;
                    for (int r = 0; r < n; r++)
                    {
                        sum += svd.Values[r] * svd.Left[r][i] * svd.Right[r][j];
                    }

                    Expect.True(Math.Abs(sum - weights[(i * w) + j]) < 1e-12, $"{w}x{h} weight ({i}, {j}): {sum} against {weights[(i * w) + j]}");
                }
            }

            for (int r = 0; r < n; r++)
            {
                Assert.True(Math.Abs(svd.Left[r].Sum(v => v * v) - 1) < 1e-12, "left vectors have unit length");
                Assert.True(Math.Abs(svd.Right[r].Sum(v => v * v) - 1) < 1e-12, "right vectors have unit length");
                double dot = svd.Right[r].Zip(svd.Right[(r + 1) % n], (a, b) => a * b).Sum();
                Assert.True(n == 1 || Math.Abs(dot) < 1e-12, "right vectors are orthogonal");
            }
        }
    }

    [Theory]
    [InlineData(41, 12.0, 4.0, 7)]
    [InlineData(63, 20.0, 3.0, 14)]
    public void ARotatedGaussianRunsAsAFewTermsWithinItsBound(int size, double sigmaU, double sigmaV, int expectedTerms)
    {
        KernelMatrix matrix = RotatedGaussian(size, sigmaU, sigmaV, 30);
        FloatPlan plan = Plan(matrix, new ConvolutionOptions(), 3, alpha: null);
        Assert.NotNull(plan.Terms);
        SeparableTerms terms = plan.Terms!;
        Assert.Equal(expectedTerms, terms.Count); // as the README quotes for K6

        // A kernel equal to itself turned half a turn: every term's factors are exactly symmetric or antisymmetric,
        // and every group of the vertical passes folds its rows in pairs.
        for (int r = 0; r < terms.Count; r++)
        {
            int sign = terms.Columns[r][0] == terms.Columns[r][size - 1] ? 1 : -1;
            for (int i = 0; i < size; i++)
            {
                Assert.Equal(terms.Columns[r][i], sign * terms.Columns[r][size - 1 - i]);
                Assert.Equal(terms.Rows[r][i], sign * terms.Rows[r][size - 1 - i]);
            }
        }

        Assert.DoesNotContain(0, plan.VerticalFolding!);
        Assert.Contains(1, plan.VerticalFolding!);
        Assert.Contains(-1, plan.VerticalFolding!);

        // The bound: Σ|residual| x max / divisor below half a level, checked here from the weights themselves.
        double residual = 0;
        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j < size; j++)
            {
                double rebuilt = 0;
                for (int r = 0; r < terms.Count; r++)
                {
                    rebuilt += (double)terms.Columns[r][i] * terms.Rows[r][j];
                }

                residual += Math.Abs(matrix[i, j] - rebuilt);
            }
        }

        Expect.True(residual * 255 / matrix.DefaultDivisor < 0.5, $"residual {residual} of divisor {matrix.DefaultDivisor}");

        // Tighter for alpha weighting and linear light: more terms (forced, since they may then cost more than the
        // 2-D kernel).
        FloatPlan tighter = Plan(matrix, new ConvolutionOptions { LinearLight = true, Decomposition = KernelDecomposition.Always }, 4, alpha: true);
        Assert.NotNull(tighter.Terms);
        Expect.True(tighter.Terms!.Count > terms.Count, $"{tighter.Terms.Count} terms with the tighter bound against {terms.Count}");
    }

    [Fact]
    public void KernelsThatAreNotNearlySeparableRunDirectly()
    {
        // A disk and random weights need nearly every term: the 2-D kernel is cheaper.
        var random = new Random(3);
        double[][] noise = Enumerable.Range(0, 21).Select(_ => Enumerable.Range(0, 21).Select(_ => random.NextDouble()).ToArray()).ToArray();
        double[][] disk = Enumerable.Range(0, 21).Select(i => Enumerable.Range(0, 21).Select(j => ((i - 10) * (i - 10)) + ((j - 10) * (j - 10)) <= 100 ? 1.0 : 0).ToArray()).ToArray();
        Assert.Null(Plan(KernelMatrix.Create(noise), new ConvolutionOptions(), 3, null).Terms);
        Assert.Null(Plan(KernelMatrix.Create(disk), new ConvolutionOptions(), 3, null).Terms);
        Assert.Null(Plan(RotatedGaussian(41, 12, 4, 30), new ConvolutionOptions { Decomposition = KernelDecomposition.Never }, 3, null).Terms);

        // A 15x15 rotated Gaussian needs 7 terms of 30 taps: no cheaper than its 225 taps.
        Assert.Null(Plan(RotatedGaussian(15, 4, 1.5, 30), new ConvolutionOptions(), 3, null).Terms);
        Assert.NotNull(Plan(RotatedGaussian(15, 4, 1.5, 30), new ConvolutionOptions { Decomposition = KernelDecomposition.Always }, 3, null).Terms);
    }

    [Theory]
    [InlineData(12.0, 4.0)]
    [InlineData(6.0, 2.0)]
    public void PixelsReachedOnlyByTheKernelsTailAreRecomputedExactly(double sigmaU, double sigmaV)
    {
        // An opaque block of random colours on invisible pixels, and a band of faint alpha: pixels near the block
        // see it only through the kernel's far tail, where the weights are tiny and the terms' residual is not,
        // so their dividing alpha is small and an error in their sums would be multiplied many times.
        using var image = new PlanarImage(140, 100, PixelLayout.Rgba, 8);
        var random = new Random(11);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int i = (y * image.Width) + x;
                for (int c = 0; c < 3; c++)
                {
                    image.GetChannel(c)[i] = random.Next(256);
                }

                bool block = x is >= 30 and < 50 && y is >= 40 and < 60;
                image.GetChannel(3)[i] = block ? 255 : x >= 100 ? random.Next(0, 9) : 0;
            }
        }

        KernelMatrix matrix = RotatedGaussian(41, sigmaU, sigmaV, 30);
        var options = new ConvolutionOptions { Decomposition = KernelDecomposition.Always };
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { Kernel(matrix) }, options);
        AlphaWeightingTests.AssertMatches(image, result, matrix, options, blur: true);
    }

    internal static KernelMatrix RotatedGaussian(int size, double sigmaU, double sigmaV, double degrees) => KernelMatrix.Create(RotatedGaussianRows(size, sigmaU, sigmaV, degrees));

    private static double[][] RotatedGaussianRows(int size, double sigmaU, double sigmaV, double degrees)
    {
        double t = degrees * Math.PI / 180;
        double h = (size - 1) / 2.0;
        var rows = new double[size][];
        for (int i = 0; i < size; i++)
        {
            rows[i] = new double[size];
            for (int j = 0; j < size; j++)
            {
                double x = j - h, y = i - h;
                double u = (x * Math.Cos(t)) + (y * Math.Sin(t));
                double v = (-x * Math.Sin(t)) + (y * Math.Cos(t));
                rows[i][j] = Math.Exp((-u * u / (2 * sigmaU * sigmaU)) - (v * v / (2 * sigmaV * sigmaV)));
            }
        }

        return rows;
    }

    // A kernel of 11 to 63 weights a side: a rotated Gaussian, a sum of a few random smooth separable terms
    // (a blur, or signed), or such a sum with small noise added, which needs every term to meet the bound.
    private static (KernelMatrix Matrix, bool Blur) RandomLargeKernel(Random random)
    {
        int kh = 11 + (2 * random.Next(0, 27));
        int kw = random.Next(3) == 0 ? kh : 11 + (2 * random.Next(0, 27));
        int shape = random.Next(3);
        if (shape == 0)
        {
            int size = Math.Max(kh, kw);
            return (RotatedGaussian(size, size / (3 + (3 * random.NextDouble())), 1 + (random.NextDouble() * size / 8), random.Next(0, 180)), true);
        }

        bool blur = random.Next(2) == 0;
        int terms = random.Next(2, 6);
        var rows = new double[kh][];
        for (int i = 0; i < kh; i++)
        {
            rows[i] = new double[kw];
        }

        for (int r = 0; r < terms; r++)
        {
            double[] column = Smooth(random, kh, blur);
            double[] row = Smooth(random, kw, blur);
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    rows[i][j] += column[i] * row[j];
                }
            }
        }

        if (shape == 2)
        {
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    rows[i][j] += random.NextDouble() * 0.01 * (blur ? 1 : random.Next(2) == 0 ? -1 : 1);
                }
            }
        }

        if (!blur)
        {
            rows[kh / 2][kw / 2] += 2 * rows.Sum(r => r.Sum(Math.Abs)) / (kh * kw);
            rows[0][0] = -Math.Abs(rows[0][0]) - 0.01;
        }

        return (KernelMatrix.Create(rows), blur);
    }

    // A smooth random profile: a bump of random width and centre, signed profiles crossing zero.
    private static double[] Smooth(Random random, int length, bool positive)
    {
        double centre = random.NextDouble() * (length - 1);
        double sigma = 1 + (random.NextDouble() * length / 3);
        double shift = positive ? 0 : random.NextDouble() * 0.5;
        return Enumerable.Range(0, length).Select(i => Math.Exp(-Math.Pow(i - centre, 2) / (2 * sigma * sigma)) - shift).ToArray();
    }

    private static ConvolutionKernel Kernel(KernelMatrix matrix) => new("Large", "Custom", "large", new[] { matrix });

    private static FloatPlan Plan(KernelMatrix matrix, ConvolutionOptions options, int channels, bool? alpha)
    {
        KernelSamplingMap rows = KernelSamplingMap.Create(100, matrix.Height, matrix.AnchorY, 1, PaddingMode.Same, BorderMode.Replicate);
        KernelSamplingMap columns = KernelSamplingMap.Create(100, matrix.Width, matrix.AnchorX, 1, PaddingMode.Same, BorderMode.Replicate);
        var step = new ConvolutionStep(new[] { matrix }, KernelCombination.Magnitude, new[] { (float)matrix.DefaultDivisor }, 0, 0, 255, OutputRange.Clamp, new bool[channels])
        {
            Alpha = alpha is true ? new AlphaWeighting(channels, true, true, 0, 0, 255, options.LinearLight) : null,
            LinearLight = options.LinearLight,
            Decomposition = options.Decomposition,
        };
        return new FloatPlan(step, rows, columns, channels);
    }

    private static void AssertWithin(double[,] sums, double[,] actual, double tolerance, Func<double, double> quantize, string what)
    {
        Assert.Equal(sums.GetLength(0), actual.GetLength(0));
        Assert.Equal(sums.GetLength(1), actual.GetLength(1));
        for (int y = 0; y < sums.GetLength(0); y++)
        {
            for (int x = 0; x < sums.GetLength(1); x++)
            {
                double expected = quantize(sums[y, x]);
                Expect.True(Math.Abs(actual[y, x] - expected) <= tolerance, $"{what} ({x}, {y}): expected {expected}, got {actual[y, x]}");
            }
        }
    }
}
