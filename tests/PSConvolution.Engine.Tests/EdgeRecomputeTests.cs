using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution.Alpha;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The integer recompute of alpha edges (RGBA, the common blurs) against the double-precision one it replaces: the
/// same bytes for every pixel, border mode, stride and padding, whatever the alpha.
/// </summary>
public sealed class EdgeRecomputeTests
{
    public static IEnumerable<object[]> Kernels =>
        new[]
        {
            new object[] { "1 2 1", "1 2 1" },
            new object[] { "1 4 6 4 1", "1 4 6 4 1" },
            new object[] { "1 6 15 20 15 6 1", "1 2 1" },
            new object[] { "1 2 1", "2 4 2" },
            new object[] { "1 1", "2 6 0" },

            // Integer weights whose smallest is not a corner: the matrix's own factors are 1.5 1 1.5 and 2 0 2.
            new object[] { "3 2 3", "1 0 1" },

            // A sum of 4,096: alpha sums reach 2^16 and more, so quotients are divided in double precision.
            new object[] { "1 8 28 56 70 56 28 8 1", "1 4 6 4 1" },
        };

    [Fact]
    public void QuotientsOfAlphaSumsBelowTwoToTheSixteenRoundAlikeInSinglePrecision()
    {
        // What the four-pixel store relies on: for every alpha sum d below 2^16 and colour sum n up to 255·d, the float
        // quotient rounded to nearest, ties to even, is the exact quotient rounded the same way. The quotients nearest a
        // tie are the ones at risk, so for every d and level k the three sums around (k + 1/2)·d are tried.
        long checkedCount = 0;
        for (int d = 1; d < 1 << 16; d++)
        {
            for (int k = 0; k < 255; k++)
            {
                long middle = ((2L * k) + 1) * d / 2;
                for (long n = middle - 1; n <= middle + 1; n++)
                {
                    if (n < 0 || n > 255L * d)
                    {
                        continue;
                    }

                    long q = n / d, r = n % d;
                    long exact = (2 * r > d) || (2 * r == d && (q & 1) == 1) ? q + 1 : q;
                    double single = SingleQuotient(n, d);
                    if (single != exact)
                    {
                        Assert.Fail($"{n} / {d}: exactly {exact}, in single precision {single}");
                    }

                    checkedCount++;
                }
            }
        }

        Assert.True(checkedCount > 50_000_000);
    }

    [Fact]
    public void AtTwoToTheSixteenSinglePrecisionNoLongerRoundsAlike()
    {
        // The bound is tight: with an alpha sum of 2^16 + 1 a quotient just below a tie rounds up in single precision.
        bool differs = false;
        for (long d = (1 << 16) + 1; d < (1 << 16) + 64 && !differs; d++)
        {
            for (int k = 128; k < 255 && !differs; k++)
            {
                long n = (((2L * k) + 1) * d / 2) - ((((2L * k) + 1) * d) % 2 == 0 ? 1 : 0);
                long exact = n * 2 < ((2L * k) + 1) * d ? k : k + 1;
                differs = SingleQuotient(n, d) != exact;
            }
        }

        Assert.True(differs);
    }

    // n / d divided in single precision (the cast keeps it there), then rounded to nearest, ties to even: exactly, as
    // a float is a double.
    private static double SingleQuotient(long n, long d) => Math.Round((double)(float)((float)n / (float)d), MidpointRounding.ToEven);

    [Theory]
    [MemberData(nameof(Kernels))]
    public void BlocksOfRowsAreCorrectedAsEachRowIsInDouble(string column, string row)
    {
        // CorrectRows recomputes a block's listed pixels at once (in ints, four or eight columns and two or four pixels at
        // a time where it can); each row's pixels in double precision, alone, must give the same bytes, and no other byte moves.
        KernelMatrix matrix = Outer(column, row);
        var taps = new KernelTaps(matrix);
        var random = new Random((column.Length * 17) + row.Length);
        for (int round = 0; round < 40; round++)
        {
            int width = random.Next(1, 70);
            int height = random.Next(1, 20);
            var source = new byte[width * height * 4];
            random.NextBytes(source);
            for (int p = 0; p < width * height; p++)
            {
                // Runs of full and of no alpha as a cut-out has, between pixels of any alpha.
                int kind = random.Next(4);
                if (kind < 2)
                {
                    source[(p * 4) + 3] = kind == 0 ? (byte)0 : (byte)255;
                }

                // Invisible pixels stored as 0, 0, 0, 0 as most files do, or with colour.
                if (kind == 0 && random.Next(2) == 0)
                {
                    source[p * 4] = source[(p * 4) + 1] = source[(p * 4) + 2] = 0;
                }
            }

            var border = (BorderMode)random.Next(5);
            int stride = random.Next(3) == 0 ? random.Next(2, 4) : 1;
            PaddingMode padding = random.Next(3) == 0 && width >= matrix.Width && height >= matrix.Height ? PaddingMode.Valid : PaddingMode.Same;
            float borderValue = border == BorderMode.Constant ? random.Next(256) : 0;
            var rows = KernelSamplingMap.Create(height, matrix.Height, matrix.AnchorY, stride, padding, border);
            var columns = KernelSamplingMap.Create(width, matrix.Width, matrix.AnchorX, stride, padding, border);
            bool convolveAlpha = random.Next(4) > 0;
            bool[] selected = Enumerable.Range(0, 4).Select(k => k == 3 ? convolveAlpha : random.Next(4) > 0).ToArray();
            var step = new ConvolutionStep(new[] { matrix }, KernelCombination.Magnitude, new[] { (float)matrix.Sum }, 0, borderValue, 255, OutputRange.Clamp, selected);
            var alpha = new AlphaWeighting(4, convolveAlpha, divideByConvolvedAlpha: true, 0, borderValue, 255, linearLight: false);
            Assert.True(EdgeRecompute.IsExact(step, alpha, taps));

            int outWidth = columns.OutputLength;
            int outHeight = rows.OutputLength;
            using var edges = new EdgePixels(outHeight, outWidth, 4);
            edges.StartBlock(0, long.MaxValue);
            for (int y = 0; y < outHeight; y++)
            {
                // Lone pixels, pairs and long runs.
                int density = random.Next(4);
                int[] listed = Enumerable.Range(0, outWidth).Where(_ => random.Next(4) < density).ToArray();
                listed.CopyTo(edges.Room(y));
                edges.SetCount(y, listed.Length);
            }

            var start = new byte[outWidth * outHeight * 4];
            random.NextBytes(start);
            byte[] inDouble = (byte[])start.Clone();
            for (int y = 0; y < outHeight; y++)
            {
                EdgeRecompute.CorrectEdges(source, width, height, 4, inDouble.AsSpan(y * outWidth * 4, outWidth * 4), step, alpha, taps, rows, columns, y, edges.Row(y));
            }

            byte[] block = (byte[])start.Clone();
            EdgeRecompute.CorrectRows(source, width, height, 4, block, step, alpha, new[] { taps }, rows, columns, edges, 0, outHeight);
            Expect.True(inDouble.AsSpan().SequenceEqual(block), $"{column} x {row}, {width}x{height}, {border} {borderValue}, stride {stride}, {padding}, alpha {convolveAlpha}: {string.Join(",", inDouble)} against {string.Join(",", block)}");
        }
    }

    // The matrix column x row, anchored at the top or left where a factor has an even length.
    private static KernelMatrix Outer(string column, string row)
    {
        double[] c = KernelParser.ParseRows(column)[0];
        double[] r = KernelParser.ParseRows(row)[0];
        return KernelMatrix.Create(c.Select(a => r.Select(b => a * b).ToArray()).ToArray(), r.Length % 2 == 0 ? 0 : null, c.Length % 2 == 0 ? 0 : null);
    }

    [Fact]
    public void OnlyBlursDividedByTheirOwnPowerOfTwoSumAreExact()
    {
        KernelMatrix gaussian = KernelLibrary.Get("Gaussian5").Matrices[0];
        KernelMatrix box = KernelLibrary.Get("Box3").Matrices[0];
        var alpha = new AlphaWeighting(4, true, true, 0, 0, 255, false);
        ConvolutionStep Step(KernelMatrix m, float divisor, float max = 255) => new(new[] { m }, KernelCombination.Magnitude, new[] { divisor }, 0, 0, max, OutputRange.Clamp, new[] { true, true, true, true });
        Assert.True(EdgeRecompute.IsExact(Step(gaussian, 256), alpha, new KernelTaps(gaussian)));

        // Box3 divides by 9: the double form's two divisions are not one. Another divisor, 16-bit samples, a bias,
        // or dividing by the centre's alpha (signed kernels) keep to the double form too.
        Assert.False(EdgeRecompute.IsExact(Step(box, 9), alpha, new KernelTaps(box)));
        Assert.False(EdgeRecompute.IsExact(Step(gaussian, 128), alpha, new KernelTaps(gaussian)));
        Assert.False(EdgeRecompute.IsExact(Step(gaussian, 256, 65535), alpha, new KernelTaps(gaussian)));
        Assert.False(EdgeRecompute.IsExact(Step(gaussian, 256), new AlphaWeighting(4, true, true, 10, 0, 255, false), new KernelTaps(gaussian)));
        Assert.False(EdgeRecompute.IsExact(Step(gaussian, 256), new AlphaWeighting(4, false, false, 0, 0, 255, false), new KernelTaps(gaussian)));
        KernelMatrix fractional = KernelParser.Parse("0.5 1 0.5; 1 2 1; 0.5 1 0.5");
        Assert.Null(new KernelTaps(fractional).IntegerColumn);

        // Integer weights whose smallest is not a corner, whose double factors are 1.5 1 1.5 and 2 0 2: the integer
        // factors the separable integer path finds, 3 2 3 and 1 0 1. Factors 255 254 255 each way: sums too large
        // for an int, none.
        KernelMatrix middle = KernelParser.Parse("3 0 3; 2 0 2; 3 0 3");
        Assert.Equal(new[] { 3, 2, 3 }, new KernelTaps(middle).IntegerColumn);
        Assert.Equal(new[] { 1, 0, 1 }, new KernelTaps(middle).IntegerRow);
        Assert.True(EdgeRecompute.IsExact(Step(middle, 16), alpha, new KernelTaps(middle)));
        KernelMatrix heavy = KernelParser.Parse("65025 64770 65025; 64770 64516 64770; 65025 64770 65025");
        Assert.Null(new KernelTaps(heavy).IntegerColumn);
    }
}
