using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading.Tasks;
using Xunit;
using PSConvolution.Engine.Convolution.Fourier;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The Fourier path for large kernels: its transform against the definition of the discrete Fourier transform,
/// its error bound against the error it makes, and its images against the double-precision reference over random
/// kernels from 11x11 to 63x63, every border mode, stride, padding, layout and channel selection.
/// </summary>
public sealed class FourierPathTests
{
    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 40).Select(s => new object[] { s });

    [Theory]
    [InlineData(16, false)]
    [InlineData(32, false)]
    [InlineData(64, false)]
    [InlineData(128, false)]
    [InlineData(8, true)]
    [InlineData(32, true)]
    [InlineData(128, true)]
    public void TheTransformIsTheDiscreteFourierTransformAndItsInverse(int n, bool inDouble)
    {
        if (inDouble)
        {
            AssertTransform<double>(n, 1e-12);
        }
        else
        {
            AssertTransform<float>(n, 1e-5);
        }
    }

    private static void AssertTransform<T>(int n, double tolerance)
        where T : unmanaged
    {
        var random = new Random(n);
        var transform = new TileTransform<T>(n);
        T[] re = Enumerable.Range(0, n * n).Select(_ => TileTransform<T>.Round(random.NextDouble() - 0.5)).ToArray();
        T[] im = Enumerable.Range(0, n * n).Select(_ => TileTransform<T>.Round(random.NextDouble() - 0.5)).ToArray();
        double[] re0 = re.Select(v => Convert.ToDouble(v)).ToArray();
        double[] im0 = im.Select(v => Convert.ToDouble(v)).ToArray();
        transform.Forward(re, im);

        // Frequency (fy, fx) lands at [bitrev(fx)][bitrev(fy)]. Every frequency for small tiles, a sample of them for 128.
        int step = n <= 32 ? 1 : 7;
        double worst = 0;
        for (int fy = 0; fy < n; fy += step)
        {
            for (int fx = 0; fx < n; fx += step)
            {
                var sum = Complex.Zero;
                for (int y = 0; y < n; y++)
                {
                    for (int x = 0; x < n; x++)
                    {
                        double angle = -2 * Math.PI * ((((long)fy * y) + ((long)fx * x)) % n) / n;
                        sum += new Complex(re0[(y * n) + x], im0[(y * n) + x]) * Complex.FromPolarCoordinates(1, angle);
                    }
                }

                int at = (Reverse(fx, n) * n) + Reverse(fy, n);
                worst = Math.Max(worst, (sum - new Complex(Convert.ToDouble(re[at]), Convert.ToDouble(im[at]))).Magnitude);
            }
        }

        // Inputs below 0.5 in modulus: the transform's values reach n²/2 at most, its error is far below 100 n of
        // the tolerance (1e-3 n in single precision).
        Expect.True(worst < 100 * tolerance * n, $"forward error {worst}");

        transform.Inverse(re, im);
        for (int i = 0; i < n * n; i++)
        {
            double r = Convert.ToDouble(re[i]) / (n * n), m = Convert.ToDouble(im[i]) / (n * n);
            Expect.True(Math.Abs(r - re0[i]) < tolerance && Math.Abs(m - im0[i]) < tolerance, $"sample {i} after the inverse");
        }
    }

    [Theory]
    [InlineData(64, 21)]
    [InlineData(128, 41)]
    public void TheErrorOfATilesSumsIsWithinTheBound(int n, int size)
    {
        // The sums of a tile of the largest samples the bound allows (every sample ±max/2 at random, the worst kind
        // of tile for a 2-norm bound), through the same transforms and spectrum, against exact double sums.
        KernelMatrix matrix = LargeKernelTests.RotatedGaussian(size, size / 3.0, size / 10.0, 30);
        var random = new Random(n + size);
        var transform = new TileTransform<float>(n);
        float[] re = Enumerable.Range(0, n * n).Select(_ => random.Next(2) == 0 ? -127.5f : 127.5f).ToArray();
        float[] im = Enumerable.Range(0, n * n).Select(_ => random.Next(2) == 0 ? -127.5f : 127.5f).ToArray();
        float[] re0 = (float[])re.Clone();
        float[] im0 = (float[])im.Clone();
        FourierPlan plan = PlanFor(matrix, 8, n, out _);
        Assert.Equal(n, plan.Size);
        transform.Forward(re, im);
        for (int i = 0; i < n * n; i++)
        {
            float kr = plan.SpectrumReal<float>()[i], ki = plan.SpectrumImaginary<float>()[i];
            (re[i], im[i]) = ((re[i] * kr) - (im[i] * ki), (re[i] * ki) + (im[i] * kr));
        }

        transform.Inverse(re, im);
        double worst = 0;
        for (int y = 0; y <= n - size; y += 3)
        {
            for (int x = 0; x <= n - size; x++)
            {
                double sr = 0, si = 0;
                for (int i = 0; i < size; i++)
                {
                    for (int j = 0; j < size; j++)
                    {
                        sr += matrix[i, j] * re0[((y + i) * n) + x + j];
                        si += matrix[i, j] * im0[((y + i) * n) + x + j];
                    }
                }

                worst = Math.Max(worst, Math.Max(Math.Abs(sr - re[(y * n) + x]), Math.Abs(si - im[(y * n) + x])));
            }
        }

        double bound = FourierPlan.Bound(n, matrix.AbsoluteSum, 127.5, matrix.Sum, FourierPlan.SingleUnit);
        Expect.True(worst <= bound, $"error {worst} above the bound {bound}");
        Expect.True(plan.ErrorBound <= FourierPlan.LevelBudget, $"bound {plan.ErrorBound} levels");
    }

    [Fact]
    public void TheTileIsTheLargestWithinTheBoundAndOnlyForStepsItHolds()
    {
        // A blur in 8 bits: single precision, and the bound allows 128 (0.3 levels) but not 256 (0.6).
        KernelMatrix k6 = LargeKernelTests.RotatedGaussian(41, 12, 4, 30);
        FourierPlan single = PlanFor(k6, 8, 128, out double bound);
        Assert.False(single.DoublePrecision);
        Assert.InRange(bound, 0.1, FourierPlan.LevelBudget);
        Assert.True(FourierPlan.Bound(256, k6.AbsoluteSum, 127.5, k6.Sum, FourierPlan.SingleUnit) / k6.Sum > FourierPlan.LevelBudget);

        // 16-bit samples (257 times the range) and linear light (13 times tighter) leave no single-precision tile
        // within the bound: they are transformed in double precision, far within it (what is left is rounding the
        // sums to single precision, under 0.01 of a 16-bit level).
        foreach (FourierPlan? precise in new[] { TryPlan(k6, 16, alpha: false, linearLight: false), TryPlan(k6, 8, alpha: false, linearLight: true) })
        {
            Assert.NotNull(precise);
            Assert.True(precise!.DoublePrecision);
            Expect.True(precise.ErrorBound < 0.01, $"bound {precise.ErrorBound}");
        }

        Assert.True(FourierPlan.Bound(64, k6.AbsoluteSum, 65535 / 2.0, k6.Sum, FourierPlan.SingleUnit) / k6.Sum > FourierPlan.LevelBudget);

        // Alpha weighting divides by alpha, which may be faint: never. Nor a kernel wider than any tile.
        Assert.Null(TryPlan(k6, 8, alpha: true, linearLight: false));
        Assert.Null(TryPlan(KernelMatrix.Create(Enumerable.Range(0, 3).Select(_ => Enumerable.Repeat(1.0, FourierPlan.MaximumSize + 1).ToArray()).ToArray()), 8, alpha: false, linearLight: false));

        // A kernel whose weights mostly cancel (Σ|w| three times Σw) is beyond a single-precision tile of 128; the
        // plan's bound holds whatever it chose.
        double[][] rows = k6.ToRows();
        rows[20][20] -= 0.5 * k6.Sum;
        KernelMatrix cancelling = KernelMatrix.Create(rows);
        Assert.True(FourierPlan.Bound(128, cancelling.AbsoluteSum, 127.5, cancelling.Sum, FourierPlan.SingleUnit) / cancelling.Sum > FourierPlan.LevelBudget);
        FourierPlan signed = PlanFor(cancelling, 8, null, out double signedBound);
        Expect.True(signed.DoublePrecision || signed.Size < 128, $"tile {signed.Size}");
        Assert.True(signedBound <= FourierPlan.LevelBudget);
    }

    [Fact]
    public void TheSpectrumIsFoundWhenThePlanRunsOncePerKernelAndTile()
    {
        // Planning alone computes nothing: every large kernel is planned, to compare costs, and most never run.
        KernelMatrix k6 = LargeKernelTests.RotatedGaussian(41, 12, 4, 30);
        FourierPlan first = PlanFor(k6, 8, 128, out _);
        Assert.False(first.IsPrepared);
        float[] real = first.SpectrumReal<float>();
        Assert.True(first.IsPrepared);

        // A second call with the same kernel (the next file) finds the same spectrum, and so do threads at once.
        FourierPlan second = PlanFor(k6, 8, 128, out _);
        Assert.False(second.IsPrepared);
        var found = new float[4][];
        Parallel.For(0, found.Length, i => found[i] = second.SpectrumReal<float>());
        Assert.All(found, f => Assert.Same(real, f));
        Assert.Same(first.SpectrumImaginary<float>(), second.SpectrumImaginary<float>());

        // Another precision is another spectrum, in doubles; back in single precision it is computed again, the
        // same values. The kernel rotated (-FlipKernel) has its own: the same values, as this Gaussian is symmetric
        // about its centre.
        FourierPlan precise = TryPlan(k6, 16, alpha: false, linearLight: false)!;
        Assert.True(precise.DoublePrecision);
        Assert.Equal(precise.Size * precise.Size, precise.SpectrumReal<double>().Length);
        FourierPlan again = PlanFor(k6, 8, 128, out _);
        Assert.NotSame(real, again.SpectrumReal<float>());
        Assert.Equal(real, again.SpectrumReal<float>());
        Assert.Equal(first.SpectrumImaginary<float>(), again.SpectrumImaginary<float>());
        FourierPlan other = PlanFor(k6.Rotate180(), 8, 128, out _);
        Assert.NotSame(again.SpectrumReal<float>(), other.SpectrumReal<float>());
        Assert.All(again.SpectrumReal<float>().Zip(other.SpectrumReal<float>()), p => Assert.Equal(p.First, p.Second, 1e-6f));
    }

    [Fact]
    public void TheCostEstimateFavoursItForLargeKernelsOnly()
    {
        // K6 on a 4000-wide image: the Fourier path is estimated at well under half of its 1,681 direct taps; a 7x7
        // kernel's 49 taps are cheaper than any tile. (ConvolutionPaths compares the estimate with the other paths'.)
        FourierPlan k6 = PlanFor(LargeKernelTests.RotatedGaussian(41, 12, 4, 30), 8, null, out _, automatic: true, image: 4000);
        Expect.True(k6.Cost < 41 * 41 / 2, $"K6 cost {k6.Cost}");
        FourierPlan small = PlanFor(LargeKernelTests.RotatedGaussian(7, 2, 1, 30), 8, null, out _, automatic: true, image: 4000);
        Expect.True(small.Cost > 49, $"7x7 cost {small.Cost}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesTheReferenceOverRandomLargeKernels(int seed)
    {
        var random = new Random(seed);
        int size = 11 + (2 * random.Next(0, 27));
        int kw = random.Next(3) == 0 ? size : 11 + (2 * random.Next(0, 27));
        bool blur = random.Next(3) > 0;
        double[][] rows = LargeKernelTests.RotatedGaussian(Math.Max(size, kw), size / (3 + (3 * random.NextDouble())), 1 + (random.NextDouble() * size / 8), random.Next(0, 180))
            .ToRows().Take(size).Select(r => r.Take(kw).ToArray()).ToArray();
        if (!blur)
        {
            // A sharpening kernel: the centre lifted above the blur's sum, which must then be subtracted.
            double sum = rows.Sum(r => r.Sum());
            rows[size / 2][kw / 2] += 2 * sum;
        }

        KernelMatrix matrix = KernelMatrix.Create(rows);

        // Images from smaller than one tile to several tiles each way, so tiles meet inside the image.
        int width = random.Next(1, 260);
        int height = random.Next(1, 150);
        PixelLayout layout = (PixelLayout)new[] { PixelLayout.Gray, PixelLayout.Rgb, PixelLayout.Rgb, PixelLayout.GrayAlpha, PixelLayout.Rgba }[random.Next(5)];
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(256),
            Padding = random.Next(3) == 0 && width >= matrix.Width && height >= matrix.Height ? PaddingMode.Valid : PaddingMode.Same,
            Stride = random.Next(1, 4),
            FlipKernel = random.Next(2) == 0,
            OutputRange = blur || random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute,
            Divisor = random.Next(5) == 0 ? matrix.Sum * (0.5 + random.NextDouble()) : null,
            Bias = random.Next(3) == 0 ? random.Next(-20, 60) : null,
            Channels = TestImages.RandomChannels(random, layout),
            AlphaWeighted = false,
            MaxDegreeOfParallelism = random.Next(1, 3),
            Decomposition = KernelDecomposition.Fourier,
        };

        // One image in four 16-bit: transformed in double precision.
        using PlanarImage image = TestImages.Random(random, width, height, layout, random.Next(4) == 0 ? 16 : 8);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { new ConvolutionKernel("Large", "Custom", "large", new[] { matrix }) }, options);
        double scale = image.MaxValue / 255.0;
        KernelMatrix applied = options.FlipKernel ? matrix.Rotate180() : matrix;
        OutputRange range = options.OutputRange ?? OutputRange.Clamp;
        for (int c = 0; c < image.Channels; c++)
        {
            double[,] actual = TestImages.ChannelAsArray(result, c);
            if (!Convolution.ImageConvolver.IsSelected(layout, c, options.Channels))
            {
                continue;
            }

            double[,] expected = ReferenceConvolution.Convolve(TestImages.ChannelAsArray(image, c), TestImages.ToArray(applied), options.BorderMode, options.BorderValue * scale, options.Padding, options.Stride, options.Divisor ?? applied.DefaultDivisor, (options.Bias ?? 0) * scale, applied.AnchorY, applied.AnchorX);
            for (int y = 0; y < expected.GetLength(0); y++)
            {
                for (int x = 0; x < expected.GetLength(1); x++)
                {
                    double quantized = ReferenceConvolution.Quantize(expected[y, x], image.MaxValue, range);
                    Expect.True(Math.Abs(actual[y, x] - quantized) <= 1, $"seed {seed}, {kw}x{size} on {width}x{height} {layout} {image.MaxValue}, channel {c} ({x}, {y}): expected {quantized}, got {actual[y, x]}");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void LinearLightRunsInDoublePrecisionWithinTheTransferFunctions(int seed)
    {
        // Linearise, convolve, encode: the encoding steepens errors up to 13 times, so the sums are transformed in
        // double precision; every output within one level of the formula.
        var random = new Random(seed);
        KernelMatrix matrix = LargeKernelTests.RotatedGaussian(11 + (2 * random.Next(0, 20)), 3 + (random.NextDouble() * 8), 1 + random.NextDouble(), random.Next(0, 180));
        var options = new ConvolutionOptions
        {
            LinearLight = true,
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(256),
            Stride = random.Next(1, 3),
            MaxDegreeOfParallelism = random.Next(1, 3),
            Decomposition = KernelDecomposition.Fourier,
        };

        using PlanarImage image = TestImages.Random(random, random.Next(1, 200), random.Next(1, 120), PixelLayout.Rgb, random.Next(2) == 0 ? 16 : 8);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { new ConvolutionKernel("Large", "Blur", "large", new[] { matrix }) }, options);
        double max = image.MaxValue;
        for (int c = 0; c < image.Channels; c++)
        {
            double[,] linear = LinearLightTests.Linearised(image, c);

            double border = max * LinearLightTests.Decode(options.BorderValue * (max / 255) / max);
            double[,] sums = ReferenceConvolution.Convolve(linear, TestImages.ToArray(matrix), options.BorderMode, border, PaddingMode.Same, options.Stride, matrix.DefaultDivisor, 0);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            for (int y = 0; y < sums.GetLength(0); y++)
            {
                for (int x = 0; x < sums.GetLength(1); x++)
                {
                    double expected = Math.Round(max * LinearLightTests.Encode(Math.Clamp(sums[y, x], 0, max) / max), MidpointRounding.ToEven);
                    Expect.True(Math.Abs(actual[y, x] - expected) <= 1, $"seed {seed}, {matrix.Width}x{matrix.Height} on {image.Width}x{image.Height} {max}, channel {c} ({x}, {y}): expected {expected}, got {actual[y, x]}");
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 8)]
    [InlineData(3, 8)]
    [InlineData(3, 16)]
    public void EveryGroupOfTilesStoresItsPixelsAtEveryStrideAndKeepsUnselectedChannels(int stride, int bitDepth)
    {
        // Wide enough for several groups of tiles across, whose first columns are not all multiples of the stride,
        // on two threads that store parts of the same rows; red and blue convolved, green and alpha kept from the
        // source under each output pixel.
        KernelMatrix matrix = LargeKernelTests.RotatedGaussian(21, 5, 2, 30);
        var random = new Random(stride + bitDepth);
        using PlanarImage image = TestImages.Random(random, 700, 61, PixelLayout.Rgba, bitDepth);
        var options = new ConvolutionOptions
        {
            BorderMode = BorderMode.Reflect,
            Stride = stride,
            Channels = ColorChannel.Red | ColorChannel.Blue,
            AlphaWeighted = false,
            MaxDegreeOfParallelism = 2,
            Decomposition = KernelDecomposition.Fourier,
        };

        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { new ConvolutionKernel("Large", "Custom", "large", new[] { matrix }) }, options);
        Assert.Equal((700 + stride - 1) / stride, result.Width);
        for (int c = 0; c < 4; c++)
        {
            double[,] source = TestImages.ChannelAsArray(image, c);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            double[,]? expected = c is 0 or 2 ? ReferenceConvolution.Convolve(source, TestImages.ToArray(matrix), options.BorderMode, 0, PaddingMode.Same, stride, matrix.DefaultDivisor, 0) : null;
            for (int y = 0; y < actual.GetLength(0); y++)
            {
                for (int x = 0; x < actual.GetLength(1); x++)
                {
                    double want = expected is null ? source[y * stride, x * stride] : ReferenceConvolution.Quantize(expected[y, x], image.MaxValue, OutputRange.Clamp);
                    Expect.True(Math.Abs(actual[y, x] - want) <= (expected is null ? 0 : 1), $"stride {stride}, {bitDepth}-bit, channel {c} ({x}, {y}): expected {want}, got {actual[y, x]}");
                }
            }
        }
    }

    [Fact]
    public void TilesMeetWithoutSeamsOnALargeImage()
    {
        // Several rows and columns of tiles of K6 over a picture with hard edges, one thread and two, against the
        // direct 2-D path: equal within one level everywhere, so no tile's edge shows.
        KernelMatrix matrix = LargeKernelTests.RotatedGaussian(41, 12, 4, 30);
        var random = new Random(5);
        using var image = new PlanarImage(420, 300, PixelLayout.Rgb, 8);
        for (int c = 0; c < 3; c++)
        {
            Span<float> plane = image.GetChannel(c);
            for (int i = 0; i < plane.Length; i++)
            {
                int x = i % 420, y = i / 420;
                plane[i] = ((x / 37) + (y / 23) + c) % 2 == 0 ? 255 : random.Next(0, 40);
            }
        }

        var kernels = new[] { new ConvolutionKernel("K6", "Blur", "k6", new[] { matrix }) };
        using PlanarImage direct = PlanarConvolution.Convolve(image, kernels, new ConvolutionOptions { Decomposition = KernelDecomposition.Never, MaxDegreeOfParallelism = 1 });
        foreach (int threads in new[] { 1, 2 })
        {
            using PlanarImage fourier = PlanarConvolution.Convolve(image, kernels, new ConvolutionOptions { Decomposition = KernelDecomposition.Fourier, MaxDegreeOfParallelism = threads });
            for (int c = 0; c < 3; c++)
            {
                float[] a = direct.GetChannel(c).ToArray();
                float[] b = fourier.GetChannel(c).ToArray();
                for (int i = 0; i < a.Length; i++)
                {
                    Expect.True(Math.Abs(a[i] - b[i]) <= 1, $"{threads} thread(s), channel {c}, pixel ({i % 420}, {i / 420}): {a[i]} against {b[i]}");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void PlanesSplitAndMergeEveryLayout(int channels)
    {
        var random = new Random(channels);
        foreach (int pixels in new[] { 1, 7, 8, 9, 23, 64, 101 })
        {
            float[] row = Enumerable.Range(0, pixels * channels).Select(_ => (float)random.Next(256)).ToArray();
            int stride = pixels + 5;
            var planes = new float[channels * stride];
            PlanarSamples.Split(row, channels, pixels, 127.5f, planes, stride);
            for (int x = 0; x < pixels; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    Assert.Equal(row[(x * channels) + c] - 127.5f, planes[(c * stride) + x]);
                }
            }

            var merged = new float[pixels * channels];
            PlanarSamples.Merge(planes, stride, channels, pixels, 127.5f, merged);
            Assert.Equal(row, merged);
        }
    }

    private static FourierPlan PlanFor(KernelMatrix matrix, int bits, int? size, out double bound, bool automatic = false, int image = 300)
    {
        FourierPlan? plan = TryPlan(matrix, bits, alpha: false, linearLight: false, image, automatic);
        Assert.NotNull(plan);
        Expect.True(size is null || plan!.Size == size, $"tile {plan!.Size}");
        bound = plan!.ErrorBound;
        return plan;
    }

    private static FourierPlan? TryPlan(KernelMatrix matrix, int bits, bool alpha, bool linearLight, int image = 300, bool automatic = false)
    {
        float max = bits == 8 ? 255 : 65535;
        KernelSamplingMap rows = KernelSamplingMap.Create(image * 3 / 4, matrix.Height, matrix.AnchorY, 1, PaddingMode.Same, BorderMode.Replicate);
        KernelSamplingMap columns = KernelSamplingMap.Create(image, matrix.Width, matrix.AnchorX, 1, PaddingMode.Same, BorderMode.Replicate);
        var step = new ConvolutionStep(new[] { matrix }, KernelCombination.Magnitude, new[] { (float)matrix.DefaultDivisor }, 0, 0, max, OutputRange.Clamp, new[] { true, true, true, true })
        {
            Alpha = alpha ? new AlphaWeighting(4, true, true, 0, 0, max, linearLight) : null,
            LinearLight = linearLight,
            Decomposition = automatic ? KernelDecomposition.Automatic : KernelDecomposition.Fourier,
        };
        return FourierPlan.TryCreate(step, rows, columns, alpha ? 4 : 3);
    }

    private static int Reverse(int value, int n)
    {
        int result = 0;
        for (int bit = 1; bit < n; bit <<= 1)
        {
            result = (result << 1) | ((value & bit) != 0 ? 1 : 0);
        }

        return result;
    }
}
