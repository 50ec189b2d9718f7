using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution.Integer;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// Separable blurs in 15-bit fixed point: compared with the double-precision reference over random kernels of 2 to
/// 33 taps a side, every border mode, stride, padding and channel selection, each output must be the exact
/// result rounded wherever the exact result is further than the plan's error bound from a rounding boundary (and
/// within one level everywhere). The loops must give the same integers in every form.
/// </summary>
public sealed class FixedPointPathTests
{
    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 48).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesTheReferenceWithinItsBound(int seed)
    {
        var random = new Random(seed);
        double[] column = RandomFactor(random, random.Next(2, 34));
        double[] row = RandomFactor(random, random.Next(2, 34));
        var matrix = KernelMatrix.Create(column.Select(c => row.Select(r => r * c).ToArray()).ToArray(), random.Next(row.Length), random.Next(column.Length));
        PixelLayout layout = (PixelLayout)random.Next(4);
        int width = random.Next(1, 120);
        int height = random.Next(1, 60);
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(256),
            Padding = random.Next(4) == 0 && width >= matrix.Width && height >= matrix.Height ? PaddingMode.Valid : PaddingMode.Same,
            Stride = random.Next(1, 4),
            FlipKernel = random.Next(2) == 0,
            Channels = TestImages.RandomChannels(random, layout),
            MaxDegreeOfParallelism = random.Next(1, 3),
            AlphaWeighted = false,
        };

        KernelMatrix applied = options.FlipKernel ? matrix.Rotate180() : matrix;
        // Where the loops are not vectorised the float path runs instead: then only within a level is checked.
        double bound = Plan(applied, options.BorderValue)?.Bound ?? 0.5;
        Expect.True(bound <= 0.5, $"seed {seed}: bound {bound}");

        using PlanarImage image = TestImages.Random(random, width, height, layout, 8);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { new ConvolutionKernel("Blur", "Blur", "fixed point", new[] { matrix }) }, options);
        for (int c = 0; c < image.Channels; c++)
        {
            if (!Convolution.ImageConvolver.IsSelected(layout, c, options.Channels))
            {
                continue;
            }

            double[,] sums = ReferenceConvolution.Convolve(TestImages.ChannelAsArray(image, c), TestImages.ToArray(applied), options.BorderMode, options.BorderValue, options.Padding, options.Stride, applied.DefaultDivisor, 0, applied.AnchorY, applied.AnchorX);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            Assert.Equal(sums.GetLength(0), actual.GetLength(0));
            Assert.Equal(sums.GetLength(1), actual.GetLength(1));
            for (int y = 0; y < sums.GetLength(0); y++)
            {
                for (int x = 0; x < sums.GetLength(1); x++)
                {
                    double exact = sums[y, x];
                    double expected = ReferenceConvolution.Quantize(exact, 255, OutputRange.Clamp);
                    double margin = Math.Abs(exact - Math.Floor(exact) - 0.5);
                    string what = $"seed {seed}, {matrix.Width}x{matrix.Height} anchor {matrix.AnchorX},{matrix.AnchorY} on {width}x{height} {options.Padding} flip {options.FlipKernel} threads {options.MaxDegreeOfParallelism} channels {options.Channels}, {layout} channel {c}, {options.BorderMode}, stride {options.Stride}, ({x}, {y}): exact {exact}, got {actual[y, x]}, bound {bound}";
                    Assert.True(Math.Abs(actual[y, x] - expected) <= 1, what);
                    Assert.True(margin <= bound || actual[y, x] == expected, what);
                }
            }
        }
    }

    [Fact]
    public void PlansBlursItsBoundAllowsAndNothingElse()
    {
        KernelMatrix gaussian = KernelLibrary.Gaussian(31, 5).Matrices[0];
        static ConvolutionStep Step(KernelMatrix m, float divisor, float bias = 0, float max = 255) => new(new[] { m }, KernelCombination.Magnitude, new[] { divisor }, bias, 0, max, OutputRange.Clamp, new[] { true, true, true });
        float sum = (float)gaussian.Sum;
        if (Plan(gaussian, 0) is not FixedPointPlan plan)
        {
            return;
        }

        Assert.True(plan.Bound < 0.15);
        Assert.Equal(FixedPointPasses.One, plan.RowTaps.Sum(t => t));
        Assert.Equal(FixedPointPasses.One, plan.ColumnTaps.Sum(t => t));
        Assert.True(FixedPointPath.TryPlan(Step(gaussian, sum), out _));
        Assert.False(FixedPointPath.TryPlan(Step(gaussian, sum, bias: 1), out _), "a bias");
        Assert.False(FixedPointPath.TryPlan(Step(gaussian, sum * 2), out _), "a divisor other than the sum");
        Assert.False(FixedPointPath.TryPlan(Step(gaussian, sum, max: 65535), out _), "16 bits");
        Assert.False(FixedPointPath.TryPlan(new ConvolutionStep(new[] { gaussian }, KernelCombination.Magnitude, new[] { sum }, 0, 0, 255, OutputRange.Clamp, new[] { true, true, true }) { LinearLight = true }, out _), "linear light");
        Assert.False(FixedPointPath.TryPlan(new ConvolutionStep(new[] { gaussian }, KernelCombination.Magnitude, new[] { sum }, 0, 0, 255, OutputRange.Clamp, new[] { true, true, true, false }) { Alpha = new AlphaWeighting(4, true, true, 0, 0, 255, false) }, out _), "alpha weighting");
        foreach (KernelDecomposition exact in new[] { KernelDecomposition.Never, KernelDecomposition.Fourier })
        {
            Assert.False(FixedPointPath.TryPlan(new ConvolutionStep(new[] { gaussian }, KernelCombination.Magnitude, new[] { sum }, 0, 0, 255, OutputRange.Clamp, new[] { true, true, true }) { Decomposition = exact }, out _), exact.ToString());
        }

        KernelMatrix signed = KernelMatrix.Create(new[] { new[] { 1.0, -1, 1 }, new[] { 2.0, -2, 2 }, new[] { 1.0, -1, 1 } });
        Assert.False(FixedPointPath.TryPlan(Step(signed, 4), out _), "a negative weight");
        KernelMatrix ring = KernelMatrix.Create(new[] { new[] { 1.0, 2, 1 }, new[] { 2.0, 1, 2 }, new[] { 1.0, 2, 1 } });
        Assert.False(FixedPointPath.TryPlan(Step(ring, 13), out _), "not separable");
        KernelMatrix line = KernelMatrix.Create(new[] { Enumerable.Repeat(1.0, 15).ToArray() });
        Assert.False(FixedPointPath.TryPlan(Step(line, 15), out _), "one row");

        // 256 taps of 100.5 units each (and one of the rest) round by half a unit each: 128 units, which move a
        // sum by up to half a level, too much.
        double[] halves = new[] { FixedPointPasses.One - (256 * 100.5) }.Concat(Enumerable.Repeat(100.5, 256)).ToArray();
        KernelMatrix wide = KernelMatrix.Create(new[] { halves, halves }, 128, 0);
        Assert.Equal(128, FixedPointPath.Quantise(halves, FixedPointPasses.One)!.Value.Error, 9);
        Assert.False(FixedPointPath.TryPlan(Step(wide, (float)wide.Sum), out _), "a bound of half a level or more");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void QuantisedWeightsSumToOneAndMoveEachByLessThanAUnit(int seed)
    {
        var random = new Random(seed);
        double[] weights = RandomFactor(random, random.Next(2, 200));
        double sum = weights.Sum();
        (short[] taps, double error) = FixedPointPath.Quantise(weights, sum)!.Value;
        Assert.Equal(FixedPointPasses.One, taps.Sum(t => t));
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double exact = weights[i] / sum * FixedPointPasses.One;
            Expect.True(Math.Abs(taps[i] - exact) < 1, $"seed {seed}: weight {i} {exact} as {taps[i]}");
            Expect.True(weights[i] != 0 || taps[i] == 0, $"seed {seed}: weight {i} was 0");
            total += Math.Abs(taps[i] - exact);
        }

        Assert.Equal(total, error, 9);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EveryLoopFormGivesTheSameIntegers(int seed)
    {
        // The vector steps, the step moved back to a row's end, and the scalar loop (one sample at a time) must agree.
        var random = new Random(seed);
        int n = random.Next(0, 300);
        int pairCount = random.Next(1, 20);
        int stride = n + 40;
        var source = new byte[(2 * pairCount * stride) + 64];
        random.NextBytes(source);
        int offset = random.Next(0, 40);
        int[] rows = Enumerable.Range(0, 2 * pairCount).Select(_ => random.Next(2 * pairCount) * stride).ToArray();
        int[] four = Enumerable.Range(0, 4 * pairCount).Select(_ => FixedPointPasses.Pair((short)random.Next(0, 2048), (short)random.Next(0, 2048))).ToArray();
        int start = FixedPointPasses.VerticalStart + random.Next(-5000, 5000);

        var whole = new short[n];
        FixedPointPasses.Vertical(source, rows, four.AsSpan(0, pairCount), start, offset, whole);
        for (int x = 0; x < n; x++)
        {
            var one = new short[1];
            FixedPointPasses.Vertical(source, rows, four.AsSpan(0, pairCount), start, offset + x, one);
            Expect.True(whole[x] == one[0], $"seed {seed}: vertical sample {x} of {n}");
        }

        // From the path's start, each sample is (Σ weight × sample) / 2^7 - 128 × 2^8 rounded to nearest (ties up).
        var centred = new short[n];
        FixedPointPasses.Vertical(source, rows, four.AsSpan(0, pairCount), FixedPointPasses.VerticalStart, offset, centred);
        for (int x = 0; x < n; x++)
        {
            long sum = 0;
            for (int p = 0; p < pairCount; p++)
            {
                sum += ((long)(short)four[p] * source[rows[2 * p] + offset + x]) + ((long)(four[p] >> 16) * source[rows[(2 * p) + 1] + offset + x]);
            }

            Assert.Equal(Math.Clamp((long)Math.Floor((sum / 128.0) - (128 * 256) + 0.5), short.MinValue, short.MaxValue), centred[x]);
        }

        int pitch = n + random.Next(0, 5);
        var block = new short[(3 * pitch) + n];
        FixedPointPasses.VerticalFour(source, rows, four, start, offset, block, pitch, n);
        for (int k = 0; k < 4; k++)
        {
            var single = new short[n];
            FixedPointPasses.Vertical(source, rows, four.AsSpan(k * pairCount, pairCount), start, offset, single);
            Expect.True(single.AsSpan().SequenceEqual(block.AsSpan(k * pitch, n)), $"seed {seed}: four-row pass, row {k} of {n} samples");
        }

        // Horizontal weights summing to at most 1, on any 16-bit samples, as the path's are.
        var row = new short[n + 200];
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        int taps = random.Next(1, 30);
        int[] pairs = Enumerable.Range(0, taps).Select(_ => FixedPointPasses.Pair((short)random.Next(0, FixedPointPasses.One / (2 * taps)), (short)random.Next(0, FixedPointPasses.One / (2 * taps)))).ToArray();
        int[] offsets = Enumerable.Range(0, 2 * taps).Select(_ => random.Next(0, 200)).ToArray();
        var bytes = new byte[n];
        FixedPointPasses.HorizontalStore(row, pairs, offsets, bytes);
        for (int x = 0; x < n; x++)
        {
            var one = new byte[1];
            FixedPointPasses.HorizontalStore(row.AsSpan(x), pairs, offsets, one);
            Expect.True(bytes[x] == one[0], $"seed {seed}: horizontal sample {x} of {n}");
            long sum = 1 << (FixedPointPasses.OutputShift - 1);
            for (int p = 0; p < taps; p++)
            {
                sum += ((long)(short)pairs[p] * row[x + offsets[2 * p]]) + ((long)(pairs[p] >> 16) * row[x + offsets[(2 * p) + 1]]);
            }

            Assert.Equal(Math.Clamp((sum >> FixedPointPasses.OutputShift) + 128, 0, 255), bytes[x]);
        }
    }

    [Fact]
    public void TheBenchmarkGaussianDiffersFromTheExactResultRarelyAndByOneLevel()
    {
        var random = new Random(11);
        using PlanarImage image = TestImages.Random(random, 300, 80, PixelLayout.Rgb, 8);
        ConvolutionKernel gaussian = KernelLibrary.Gaussian(31, 5);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { gaussian }, new ConvolutionOptions());
        int differ = 0, total = 0;
        for (int c = 0; c < 3; c++)
        {
            double[,] sums = ReferenceConvolution.Convolve(TestImages.ChannelAsArray(image, c), TestImages.ToArray(gaussian.Matrices[0]), BorderMode.Replicate, 0, PaddingMode.Same, 1, gaussian.Matrices[0].DefaultDivisor, 0);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            for (int y = 0; y < sums.GetLength(0); y++)
            {
                for (int x = 0; x < sums.GetLength(1); x++)
                {
                    double expected = ReferenceConvolution.Quantize(sums[y, x], 255, OutputRange.Clamp);
                    Assert.True(Math.Abs(actual[y, x] - expected) <= 1);
                    differ += actual[y, x] != expected ? 1 : 0;
                    total++;
                }
            }
        }

        Expect.True(differ < total / 100, $"{differ} of {total} samples differ from the exact result");
    }

    // The plan, which every blur here gets where the loops are vectorised, and none gets where they are not.
    private static FixedPointPlan? Plan(KernelMatrix matrix, double borderValue)
    {
        var step = new ConvolutionStep(new[] { matrix }, KernelCombination.Magnitude, new[] { (float)matrix.DefaultDivisor }, 0, (float)borderValue, 255, OutputRange.Clamp, new[] { true });
        bool planned = FixedPointPath.TryPlan(step, out FixedPointPlan plan);
        Expect.True(planned == FixedPointPasses.Vectorised, $"[{matrix}] should take the fixed-point path only where its loops are vectorised");
        return planned ? plan : null;
    }

    // Non-negative weights, at least two of them positive: a sampled Gaussian, a box, or random values with some zeros.
    private static double[] RandomFactor(Random random, int length)
    {
        switch (random.Next(3))
        {
            case 0:
                double sigma = 0.5 + (random.NextDouble() * length / 3);
                double centre = random.NextDouble() * (length - 1);
                return Enumerable.Range(0, length).Select(i => Math.Exp(-((i - centre) * (i - centre)) / (2 * sigma * sigma))).ToArray();
            case 1:
                return Enumerable.Repeat(1.0, length).ToArray();
            default:
                double[] weights = Enumerable.Range(0, length).Select(_ => random.Next(4) == 0 ? 0 : random.NextDouble()).ToArray();
                int first = random.Next(length);
                weights[first] += 0.5;
                weights[(first + 1 + random.Next(length - 1)) % length] += 0.5;
                return weights;
        }
    }
}
