using System;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution.Integer;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

public sealed class IntegerPathTests
{
    [Theory]
    [InlineData("Gaussian3", true)]
    [InlineData("Gaussian5", true)]
    [InlineData("Box3", false)]
    [InlineData("Sharpen", false)]
    [InlineData("SobelX", false)]
    [InlineData("Gaussian5x273", false)]
    public void OnlySmallNonNegativeIntegerSeparableKernelsOverAPowerOfTwoQualify(string name, bool expected)
    {
        ConvolutionKernel k = KernelLibrary.Get(name);
        var step = new ConvolutionStep(k.Matrices.ToArray(), k.Combination, new[] { (float)k.Divisor }, 0, 0, 255, OutputRange.Clamp, new[] { true });
        Assert.Equal(expected, SeparableIntegerPath.TryPlan(step, out _));
        var biased = new ConvolutionStep(k.Matrices.ToArray(), k.Combination, new[] { (float)k.Divisor }, 3, 0, 255, OutputRange.Clamp, new[] { true });
        Assert.False(SeparableIntegerPath.TryPlan(biased, out _));
    }

    /// <summary>
    /// The separable integer path puts the source's bytes in the unselected channels of two- and four-channel pixels
    /// as it stores each vector (and copies them after a three-channel row): on each layout with more than one
    /// channel, rows whose length ends each vector loop at every place, the symmetric loops and the general one, Same
    /// and Valid padding, a selected channel is the all-channel result's and every other the source's under the output
    /// pixel's anchor.
    /// </summary>
    [Theory]
    [InlineData("Gaussian5")]
    [InlineData("Gaussian3")]
    [InlineData("Skewed")]
    public void UnselectedChannelsAreKeptAsTheRowIsStored(string name)
    {
        // 1 3 3 1 across (no symmetric loop takes four taps) by 1 2 1 down, over 32; anchored off its centre.
        ConvolutionKernel kernel = name == "Skewed"
            ? new ConvolutionKernel(name, "Blur", "x", new[] { KernelMatrix.Create(new[] { new[] { 1.0, 3, 3, 1 }, new[] { 2.0, 6, 6, 2 }, new[] { 1.0, 3, 3, 1 } }, 2, 1) })
            : KernelLibrary.Get(name);
        KernelMatrix matrix = kernel.Matrices[0];
        var step = new ConvolutionStep(new[] { matrix }, kernel.Combination, new[] { (float)kernel.Divisor }, 0, 0, 255, OutputRange.Clamp, new[] { true });
        Assert.True(SeparableIntegerPath.TryPlan(step, out _));

        var random = new Random(name.Length * 31);
        // Grey alone has one channel, which a selection takes whole: nothing to keep.
        foreach (PixelLayout layout in new[] { PixelLayout.GrayAlpha, PixelLayout.Rgb, PixelLayout.Rgba })
        {
            for (int width = matrix.Width; width <= 72; width++)
            {
                using PlanarImage image = TestImages.Random(random, width, matrix.Height + random.Next(3), layout, 8);
                foreach (PaddingMode padding in new[] { PaddingMode.Same, PaddingMode.Valid })
                {
                    var options = new ConvolutionOptions { AlphaWeighted = false, Padding = padding, BorderMode = (BorderMode)random.Next(5), MaxDegreeOfParallelism = 1 };
                    using PlanarImage all = PlanarConvolution.Convolve(image, new[] { kernel }, options with { Channels = ColorChannel.All });
                    ColorChannel selection = layout == PixelLayout.GrayAlpha
                        ? ColorChannel.Gray
                        : new[] { ColorChannel.Red, ColorChannel.Green, ColorChannel.Blue, ColorChannel.Red | ColorChannel.Blue, ColorChannel.Color }[random.Next(5)];

                    using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options with { Channels = selection });
                    (int dy, int dx) = padding == PaddingMode.Valid ? (matrix.AnchorY, matrix.AnchorX) : (0, 0);
                    for (int c = 0; c < image.Channels; c++)
                    {
                        bool selected = Convolution.ImageConvolver.IsSelected(layout, c, selection);
                        Span<float> actual = result.GetChannel(c);
                        for (int y = 0; y < result.Height; y++)
                        {
                            for (int x = 0; x < result.Width; x++)
                            {
                                float expected = selected ? all.GetChannel(c)[(y * all.Width) + x] : image.GetChannel(c)[((y + dy) * width) + x + dx];
                                Expect.True(expected == actual[(y * result.Width) + x], $"{name}, {layout}, {width} wide, {padding}, {selection}: channel {c} at ({y},{x}) is {actual[(y * result.Width) + x]}, expected {expected}");
                            }
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData("Sharpen", true)]
    [InlineData("Sharpen8", true)]
    [InlineData("Laplacian4", true)]
    [InlineData("SobelX", true)]
    [InlineData("Emboss", true)]
    [InlineData("Outline", true)]
    [InlineData("Box3", true)]
    [InlineData("Box7", false)]
    [InlineData("Gaussian5x273", false)]
    public void SmallIntegerKernelsTakeTheDirectIntegerPath(string name, bool expected)
    {
        ConvolutionKernel k = name == "Box7" ? KernelLibrary.Box(7) : KernelLibrary.Get(name);
        var step = new ConvolutionStep(k.Matrices.ToArray(), k.Combination, new[] { (float)k.Divisor }, (float)k.Bias, 0, 255, k.OutputRange, new[] { true });
        Assert.Equal(expected, DirectIntegerPath.TryPlan(step, out _));
        var sixteenBit = new ConvolutionStep(k.Matrices.ToArray(), k.Combination, new[] { (float)k.Divisor }, (float)k.Bias, 0, 65535, k.OutputRange, new[] { true });
        Assert.False(DirectIntegerPath.TryPlan(sixteenBit, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-255)]
    public void SumsAtTheBottomOfTheLaneAreFullScaleUnderAbsolute(int bias)
    {
        // Two weights of -64 over white give -32640, and a bias of -255 saturates the 16-bit lane at -32768, whose
        // magnitude (32768) is beyond a signed lane: every pixel of a wide image must still come out 255, as on
        // the float path.
        var kernel = new ConvolutionKernel("Deep", "Custom", "deep", new[] { KernelMatrix.Create(new[] { new double[] { 0, -64, 0 }, new double[] { 0, -64, 0 }, new double[] { 0, 0, 0 } }) }, divisor: 1, bias: bias, outputRange: OutputRange.Absolute);
        ConvolutionKernel twin = FloatTwin(kernel);
        using var image = new PlanarImage(200, 3, PixelLayout.Gray, 8);
        image.GetChannel(0).Fill(255);
        using PlanarImage integer = PlanarConvolution.Convolve(image, new[] { kernel }, new ConvolutionOptions());
        using PlanarImage floating = PlanarConvolution.Convolve(image, new[] { twin }, FloatOnly(new ConvolutionOptions()));
        ConvolutionPropertyTests.AssertIdentical(floating, integer);
        Assert.All(integer.GetChannel(0).ToArray(), v => Assert.Equal(255f, v));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void BytesCorrelatedAndRoundedInOneLoopEqualTheWordRowsStored(int seed)
    {
        // ByteCorrelation replaces WordCorrelation followed by SignedSumStore on machines with AVX2: every lane, the
        // vector steps and the scalar tail, must give the same level for any weights, offsets, shift, bias and range.
        var random = new Random(seed);
        int n = random.Next(0, 700);
        int tapCount = random.Next(1, 10);
        ushort[] taps = new ushort[tapCount];
        int[] offsets = new int[tapCount];
        for (int t = 0; t < tapCount; t++)
        {
            int w = random.Next(4) switch { 0 => 1, 1 => -1, _ => random.Next(-127, 128) };
            taps[t] = unchecked((ushort)w);
            offsets[t] = random.Next(0, 300);
        }

        byte[] source = new byte[n + offsets.Max() + random.Next(0, 3)];
        random.NextBytes(source);
        int shift = random.Next(0, 8);
        short bias = (short)random.Next(-255, 256);
        bool absolute = random.Next(2) == 0;

        ushort[] words = Array.ConvertAll(source, b => (ushort)b);
        ushort[] sums = new ushort[n];
        WordCorrelation.Correlate(words, sums, taps, offsets);
        byte[] expected = new byte[n];
        SignedSumStore.ToBytes(Array.ConvertAll(sums, v => unchecked((short)v)), shift, bias, absolute, expected);

        byte[] actual = new byte[n];
        ByteCorrelation.ToBytes(source, taps, offsets, shift, bias, absolute, actual);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DirectIntegerPathMatchesTheFloatPathBitForBit(int seed)
    {
        var random = new Random(seed);
        string[] names = { "Sharpen", "Sharpen8", "Laplacian4", "Laplacian8", "SobelX", "SobelY", "Emboss", "Outline", "LaplacianOfGaussian5" };
        ConvolutionKernel kernel = KernelLibrary.Get(names[random.Next(names.Length)]);
        if (random.Next(3) == 0)
        {
            // A random small integer kernel with a power-of-two divisor and a bias.
            int kh = (random.Next(3) * 2) + 1;
            int kw = (random.Next(3) * 2) + 1;
            var rows = new double[kh][];
            for (int i = 0; i < kh; i++)
            {
                rows[i] = new double[kw];
                for (int j = 0; j < kw; j++)
                {
                    rows[i][j] = random.Next(-4, 5);
                }
            }

            rows[kh / 2][kw / 2] = random.Next(1, 9);
            kernel = new ConvolutionKernel("Random", "Custom", "random", new[] { KernelMatrix.Create(rows) }, divisor: 1 << random.Next(0, 4), bias: random.Next(-60, 130), outputRange: random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute);
        }

        AssertMatchesFloatTwin(random, kernel, FloatTwin(kernel), options => $"seed {seed} {kernel.Name} [{kernel.Matrices[0]}] /{kernel.Divisor} +{kernel.Bias} {kernel.OutputRange} {options.BorderMode} stride {options.Stride}");
    }

    // The kernel on a random 8-bit image with random options gives the same samples as its twin on the float path.
    private static void AssertMatchesFloatTwin(Random random, ConvolutionKernel kernel, ConvolutionKernel twin, Func<ConvolutionOptions, string> label)
    {
        var layout = (PixelLayout)random.Next(4);
        using PlanarImage image = TestImages.Random(random, random.Next(1, 90), random.Next(1, 40), layout, 8);
        ConvolutionOptions options = RandomOptions(random, image);
        AssertMatchesTwin(image, kernel, twin, options, label(options));
    }

    /// <summary>
    /// Operators of several integer matrices (gradient magnitudes, compass maxima, and random ones of two to four
    /// matrices with a divisor and a bias) take the direct integer path's combined form and give the float path's
    /// bytes: each matrix's exact sum, then the float path's division, combination, root and store.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void CombinedOperatorsMatchTheFloatPathBitForBit(int seed)
    {
        var random = new Random(seed + 500);
        string[] names = { "Sobel", "Scharr", "Prewitt", "RobertsCross", "Kirsch", "Robinson" };
        ConvolutionKernel kernel = KernelLibrary.Get(names[random.Next(names.Length)]);
        double divisor = 1;
        if (seed % 3 != 0)
        {
            // Half of them without negative weights, whose sums are unsigned words.
            int size = (random.Next(2) * 2) + 3;
            bool nonNegative = seed % 3 == 1;
            KernelMatrix[] matrices = TestImages.RandomOperatorMatrices(random, size, random.Next(2, 5), nonNegative ? 0 : -4, 4, centre: (1, 8));

            divisor = random.Next(1, 9);
            kernel = new ConvolutionKernel("Random", "Custom", "random", matrices, random.Next(2) == 0 ? KernelCombination.Magnitude : KernelCombination.Maximum, divisor, random.Next(-60, 130), random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute);
        }
        else
        {
            kernel = kernel.With(divisor: 1);
        }

        var twin = new ConvolutionKernel("FloatTwin", kernel.Category, "float path", kernel.Matrices.Select(m => m.Scale(128)).ToArray(), kernel.Combination, divisor * 128, kernel.Bias, kernel.OutputRange);
        Expect.True(DirectIntegerPath.TryPlanCombined(Step(kernel), out _), $"{kernel.Name} should take the combined direct integer path");
        Assert.False(DirectIntegerPath.TryPlanCombined(Step(twin), out _), "the twin should take the float path");
        AssertMatchesFloatTwin(random, kernel, twin, options => $"seed {seed} {kernel.Name} {kernel.Combination} /{divisor} +{kernel.Bias} {kernel.OutputRange} {options.BorderMode} stride {options.Stride}");

        static ConvolutionStep Step(ConvolutionKernel k) => new(k.Matrices.ToArray(), k.Combination, Enumerable.Range(0, k.Matrices.Count).Select(m => (float)k.GetDivisor(m)).ToArray(), (float)k.Bias, 0, 255, k.OutputRange, new[] { true });
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void StoredRowsReadInPlaceGiveTheFloatPathsBytes(int seed)
    {
        // The direct path reads the stored rows in place for the outputs whose window lies within the image's columns,
        // a padded copy of the columns for the few at each end, and a padded ring of rows where a row of the constant
        // border is read: every width (shorter than the kernel included), kernel shape, border mode and padding.
        var random = new Random(seed);
        int kh = random.Next(1, 8);
        int kw = random.Next(1, 8);
        var rows = new double[kh][];
        for (int i = 0; i < kh; i++)
        {
            rows[i] = new double[kw];
            for (int j = 0; j < kw; j++)
            {
                rows[i][j] = random.Next(3) == 0 ? 0 : random.Next(-3, 4);
            }
        }

        rows[kh / 2][kw / 2] = random.Next(1, 9);
        rows[random.Next(kh)][random.Next(kw)] = -1;
        var kernel = new ConvolutionKernel("Random", "Custom", "random", new[] { KernelMatrix.Create(rows, random.Next(kw), random.Next(kh)) }, divisor: 1 << random.Next(0, 4), bias: random.Next(-60, 130), outputRange: random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute);
        var layout = (PixelLayout)random.Next(4);
        using PlanarImage image = TestImages.Random(random, random.Next(1, 200), random.Next(1, 12), layout, 8);
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(256),
            Padding = random.Next(3) == 0 && image.Width >= kw && image.Height >= kh ? PaddingMode.Valid : PaddingMode.Same,
            Channels = TestImages.RandomChannels(random, image.Layout),
            MaxDegreeOfParallelism = random.Next(1, 3),
            AlphaWeighted = false,
        };

        var step = new ConvolutionStep(kernel.Matrices.ToArray(), kernel.Combination, new[] { (float)kernel.Divisor }, (float)kernel.Bias, (float)options.BorderValue, 255, kernel.OutputRange, new[] { true });
        // The loop that reads the rows in place (ByteCorrelation) takes kernels summed tap by tap and rounded in integers.
        Expect.True(DirectIntegerPath.TryPlan(step, out DirectIntegerPlan plan) && !plan.Runs && plan.Shift >= 0, $"seed {seed}: [{kernel.Matrices[0]}] should take the byte loop of the direct integer path");
        AssertMatchesTwin(image, kernel, FloatTwin(kernel), options, $"seed {seed}");
    }

    [Theory]
    [InlineData(BorderMode.Constant)]
    [InlineData(BorderMode.Replicate)]
    [InlineData(BorderMode.Reflect)]
    [InlineData(BorderMode.Mirror)]
    [InlineData(BorderMode.Wrap)]
    public void InnerOutputsReadOnlyTheImagesOwnColumnsInOrder(BorderMode border)
    {
        for (int width = 1; width <= 24; width++)
        {
            for (int taps = 1; taps <= 9; taps++)
            {
                foreach (PaddingMode padding in new[] { PaddingMode.Same, PaddingMode.Valid })
                {
                    if (padding == PaddingMode.Valid && taps > width)
                    {
                        continue;
                    }

                    var columns = KernelSamplingMap.Create(width, taps, (width + taps) % taps, 1, padding, border);
                    (int inner, int innerEnd, int innerSource) = DirectIntegerPath.InnerOutputs(columns, width, taps);
                    for (int x = 0; x < columns.OutputLength; x++)
                    {
                        bool inPlace = Enumerable.Range(0, taps).All(j => columns.Indices[x + j] == innerSource + (x - inner) + j && innerSource + (x - inner) + j < width && innerSource + (x - inner) >= 0);
                        if (x >= inner && x < innerEnd)
                        {
                            Expect.True(inPlace, $"{border} {padding} width {width} taps {taps}: output {x} of [{inner}, {innerEnd}) reads other columns");
                        }
                    }

                    // Every output whose window lies within the image reads it in place: all but taps - 1 of a row.
                    Expect.True(innerEnd - inner == Math.Max(0, width - taps + 1), $"{border} {padding} width {width} taps {taps}: [{inner}, {innerEnd}) of {columns.OutputLength} in place");
                }
            }
        }
    }

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int seed = 1; seed <= 60; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    // Four output rows from kh + 3 rows at once give each row's sums as the one-row pass does: Gaussian3 and
    // Gaussian5 (the AVX2 and AVX-512 loops, the last vector moved back to the row's end), other taps (one row at a
    // time), rows shorter than a vector, and the rows repeated as a replicated border repeats them.
    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(1, 4, 6, 4, 1)]
    [InlineData(2, 2, 2, 2, 2)]
    [InlineData(1, 2, 3)]
    [InlineData(1, 6, 15, 20, 15, 6, 1)]
    public void FourVerticalRowsAtOnceEqualOneRowAtATime(params int[] weights)
    {
        ushort[] taps = Array.ConvertAll(weights, w => (ushort)w);
        var random = new Random(weights.Sum());
        foreach (int n in new[] { 1, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 96, 100, 301 })
        {
            int stride = n + 5;
            var source = new byte[(taps.Length + 6) * stride];
            random.NextBytes(source);
            int[] rowStarts = Enumerable.Range(0, taps.Length + 3).Select(i => random.Next(4) == 0 ? 0 : random.Next(taps.Length + 6) * stride).ToArray();
            int offset = random.Next(stride - n + 1);
            int pitch = n + random.Next(3);
            var four = new ushort[(4 * pitch) + 1];
            four[^1] = 12345;
            SeparableBytePasses.VerticalBytesFour(source, rowStarts, taps, offset, four, pitch, n);
            for (int k = 0; k < 4; k++)
            {
                var one = new ushort[n];
                SeparableBytePasses.VerticalBytes(source, rowStarts.AsSpan(k, taps.Length), taps, 0, offset, one);
                Assert.Equal(one, four.AsSpan(k * pitch, n).ToArray());
            }

            Assert.Equal(12345, four[^1]);
        }
    }

    // A border run copied instead of computed names padded positions that hold the same image columns, computed by
    // a run that is itself computed, so the copy is what the pass would have written there.
    [Theory]
    [InlineData(BorderMode.Replicate)]
    [InlineData(BorderMode.Reflect)]
    [InlineData(BorderMode.Wrap)]
    [InlineData(BorderMode.Constant)]
    public void CopiedBorderRunsNameTheSameColumnsComputedElsewhere(BorderMode border)
    {
        foreach (int width in new[] { 1, 2, 3, 5, 9, 40 })
        {
            foreach (int taps in new[] { 2, 3, 5, 7, 15 })
            {
                foreach (PaddingMode padding in new[] { PaddingMode.Same, PaddingMode.Valid })
                {
                    if (padding == PaddingMode.Valid && taps > width)
                    {
                        continue;
                    }

                    KernelSamplingMap map = KernelSamplingMap.Create(width, taps, taps / 2, 1, padding, border);
                    var runs = RowPadding.RunSources(map, width);
                    Assert.Equal(map.Runs.Length, runs.Length);
                    int copied = 0;
                    foreach ((int start, int source, int length, int from) in runs)
                    {
                        Assert.True(from < 0 || source < width);
                        if (from < 0)
                        {
                            continue;
                        }

                        copied++;
                        Assert.Equal(map.Indices.AsSpan(start, length).ToArray(), map.Indices.AsSpan(from, length).ToArray());
                        Assert.Contains(runs, r => r.From < 0 && r.Source < width && r.Start <= from && from + length <= r.Start + r.Length);
                    }

                    // Replicate, Reflect and Wrap repeat image columns at both ends whenever the kernel reaches past
                    // them; every one of those runs is a copy.
                    int outside = map.Indices.Length - map.Indices.Distinct().Count();
                    Assert.True(border == BorderMode.Constant || outside == 0 || copied > 0);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesTheFloatPathBitForBit(int seed)
    {
        var random = new Random(seed);
        ConvolutionKernel kernel = KernelLibrary.Get(random.Next(2) == 0 ? "Gaussian3" : "Gaussian5");
        AssertMatchesFloatTwin(random, kernel, FloatTwin(kernel), options => $"seed {seed} {kernel.Name} {options.BorderMode} stride {options.Stride}");
    }

    /// <summary>
    /// Gaussian3 and Gaussian5 on rows of every layout wide enough for the horizontal pass's widest step (64 samples,
    /// and the taps' reach after them, which the AVX-512 loop loads at once) and around where that step stops: the
    /// random images above are at most 89 pixels wide, so a grey row seldom reaches it.
    /// </summary>
    [Theory]
    [InlineData(PixelLayout.Gray)]
    [InlineData(PixelLayout.GrayAlpha)]
    [InlineData(PixelLayout.Rgb)]
    [InlineData(PixelLayout.Rgba)]
    public void WideRowsOfEveryLayoutMatchTheFloatPathBitForBit(PixelLayout layout)
    {
        var random = new Random(700 + (int)layout);
        foreach (string name in new[] { "Gaussian3", "Gaussian5" })
        {
            ConvolutionKernel kernel = KernelLibrary.Get(name);
            ConvolutionKernel twin = FloatTwin(kernel);
            foreach (int width in new[] { 66, 76, 77, 78, 79, 80, 81, 143, 144, 145, 300, 1001 })
            {
                using PlanarImage image = TestImages.Random(random, width, 6, layout, 8);
                foreach (BorderMode border in new[] { BorderMode.Constant, BorderMode.Replicate, BorderMode.Wrap })
                {
                    var options = new ConvolutionOptions { BorderMode = border, BorderValue = 200, AlphaWeighted = false, MaxDegreeOfParallelism = 1 };
                    AssertMatchesTwin(image, kernel, twin, options, $"{name} {layout} width {width} {border}");
                }
            }
        }
    }

    // Any shape the separable integer path takes: 2 to 7 taps each way, uneven weights, an anchor off centre,
    // weight products from 1 (a single weight of 1: a shift, nothing rounded) to 256.
    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomSeparableIntegerKernelsMatchTheFloatPathBitForBit(int seed)
    {
        var random = new Random(seed);
        bool unit = seed % 10 == 0;
        int rowShift = unit ? 0 : random.Next(1, 5);
        int columnShift = unit ? 0 : random.Next(1, 9 - rowShift);
        // Half the time symmetric factors of 3 or 5 taps, as Gaussian3 and Gaussian5 have, which get loops of their own.
        bool symmetric = random.Next(2) == 0;
        double[] row = symmetric ? SymmetricFactor(random, 3 + (2 * random.Next(2)), 1 << rowShift) : RandomFactor(random, random.Next(2, 8), 1 << rowShift);
        double[] column = symmetric ? SymmetricFactor(random, 3 + (2 * random.Next(2)), 1 << columnShift) : RandomFactor(random, random.Next(2, 8), 1 << columnShift);
        var rows = new double[column.Length][];
        for (int i = 0; i < column.Length; i++)
        {
            rows[i] = row.Select(r => r * column[i]).ToArray();
        }

        var matrix = KernelMatrix.Create(rows, random.Next(row.Length), random.Next(column.Length));
        var kernel = new ConvolutionKernel("Random", "Blur", "integer path", new[] { matrix }, divisor: 1 << (rowShift + columnShift));
        var step = new ConvolutionStep(new[] { matrix }, kernel.Combination, new[] { (float)kernel.Divisor }, 0, 0, 255, OutputRange.Clamp, new[] { true });
        Expect.True(SeparableIntegerPath.TryPlan(step, out _), $"seed {seed}: [{matrix}] should take the separable integer path");

        // A single weight of 1 has no twin off the integer paths (scaled, it still takes the direct one): it is
        // checked against the reference, every channel.
        ConvolutionKernel? twin = unit ? null : FloatTwin(kernel);

        var layout = (PixelLayout)random.Next(4);
        using PlanarImage image = TestImages.Random(random, random.Next(1, 150), random.Next(1, 30), layout, 8);
        ConvolutionOptions options = RandomOptions(random, image);
        if (options.Padding == PaddingMode.Valid && (image.Width < row.Length || image.Height < column.Length))
        {
            options = options with { Padding = PaddingMode.Same };
        }

        if (twin is null)
        {
            options = options with { Channels = ColorChannel.All };
            using PlanarImage shifted = PlanarConvolution.Convolve(image, new[] { kernel }, options);
            for (int c = 0; c < image.Channels; c++)
            {
                double[,] expected = ReferenceConvolution.Convolve(TestImages.ChannelAsArray(image, c), TestImages.ToArray(matrix), options.BorderMode, options.BorderValue, options.Padding, options.Stride, 1, 0, matrix.AnchorY, matrix.AnchorX);
                double[,] actual = TestImages.ChannelAsArray(shifted, c);
                for (int y = 0; y < shifted.Height; y++)
                {
                    for (int x = 0; x < shifted.Width; x++)
                    {
                        Expect.True(expected[y, x] == actual[y, x], $"seed {seed} [{matrix}] {options.BorderMode} stride {options.Stride}: channel {c} at ({y},{x}) expected {expected[y, x]} got {actual[y, x]}");
                    }
                }
            }

            return;
        }

        AssertMatchesTwin(image, kernel, twin, options, $"seed {seed} [{matrix}]");
    }

    // Masks and blocky kernels (disks, rings, boxes with a hole, signed bands): the direct path takes them as runs
    // of equal weights over running sums, and with any divisor and whole bias its result is the exact one: equal to
    // the double-precision reference, not merely within a level.
    [Theory]
    [MemberData(nameof(Seeds))]
    public void RunsOfEqualWeightsGiveTheExactResult(int seed)
    {
        var random = new Random(seed);
        int kh = random.Next(1, 16);
        int kw = random.Next(4, 18);
        var rows = new double[kh][];
        bool signed = random.Next(3) == 0;
        for (int i = 0; i < kh; i++)
        {
            rows[i] = new double[kw];
            int start = random.Next(kw / 2);
            int end = random.Next(start + 3, kw + 1);
            double weight = signed && random.Next(2) == 0 ? -random.Next(1, 3) : random.Next(1, 3);
            for (int j = start; j < end; j++)
            {
                rows[i][j] = weight;
            }
        }

        var matrix = KernelMatrix.Create(rows, random.Next(kw), random.Next(kh));
        int divisor = random.Next(1, 400);
        int bias = random.Next(-40, 80);
        var kernel = new ConvolutionKernel("Runs", "Custom", "runs", new[] { matrix }, divisor: divisor, bias: bias, outputRange: random.Next(2) == 0 ? OutputRange.Clamp : OutputRange.Absolute);
        var step = new ConvolutionStep(new[] { matrix }, kernel.Combination, new[] { (float)divisor }, bias, 0, 255, kernel.OutputRange, new[] { true });
        bool planned = DirectIntegerPath.TryPlan(step, out DirectIntegerPlan plan);
        int count = rows.Sum(r => r.Count(w => w != 0));
        bool wholeIsCheaper = !matrix.IsSeparable || count <= 2 * (kw + kh);
        Assert.Equal(wholeIsCheaper, planned);
        Expect.True(!planned || plan.Runs, $"seed {seed}: runs of three or more equal weights should be taken as runs");

        var layout = (PixelLayout)random.Next(4);
        using PlanarImage image = TestImages.Random(random, random.Next(1, 160), random.Next(1, 30), layout, 8);
        ConvolutionOptions options = RandomOptions(random, image) with { Channels = ColorChannel.All };
        if (options.Padding == PaddingMode.Valid && (image.Width < kw || image.Height < kh))
        {
            options = options with { Padding = PaddingMode.Same };
        }

        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);
        for (int c = 0; c < image.Channels; c++)
        {
            double[,] expected = ReferenceConvolution.Convolve(TestImages.ChannelAsArray(image, c), TestImages.ToArray(matrix), options.BorderMode, options.BorderValue, options.Padding, options.Stride, divisor, bias, matrix.AnchorY, matrix.AnchorX);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            for (int y = 0; y < result.Height; y++)
            {
                for (int x = 0; x < result.Width; x++)
                {
                    double want = ReferenceConvolution.Quantize(expected[y, x], 255, kernel.OutputRange);
                    Expect.True(want == actual[y, x], $"seed {seed} [{matrix}] /{divisor} +{bias} {kernel.OutputRange} {options.BorderMode} stride {options.Stride}: channel {c} at ({y},{x}) expected {want} got {actual[y, x]}");
                }
            }
        }
    }

    // A disk or box normalised in its weights (every weight 1/n) is the same mask summed in integers and divided
    // once: the result is the reference's except where the exact value sits on a rounding tie, within float error.
    [Theory]
    [MemberData(nameof(Seeds))]
    public void WeightsThatAreMultiplesOfOneStepAreSummedAsWholeNumbers(int seed)
    {
        var random = new Random(seed);
        int size = (random.Next(2, 8) * 2) + 1;
        int radius = size / 2;
        double[] steps = { 0.2, 1.0 / 9, 0.0625, 2.5, -0.3 };
        double unit = steps[random.Next(steps.Length)];
        var rows = new double[size][];
        int count = 0;
        for (int y = 0; y < size; y++)
        {
            rows[y] = new double[size];
            for (int x = 0; x < size; x++)
            {
                int dy = y - radius, dx = x - radius;
                if ((dy * dy) + (dx * dx) <= radius * radius)
                {
                    rows[y][x] = unit * (random.Next(4) == 0 ? 2 : 1);
                    count++;
                }
            }
        }

        var matrix = KernelMatrix.Create(rows);
        var kernel = new ConvolutionKernel("Scaled", "Blur", "mask", new[] { matrix }, outputRange: OutputRange.Absolute);
        double divisor = kernel.Divisor;
        var step = new ConvolutionStep(new[] { matrix }, kernel.Combination, new[] { (float)divisor }, 0, 0, 255, OutputRange.Absolute, new[] { true });
        double wholeSum = rows.Sum(r => r.Sum(w => Math.Abs(w / unit)));
        bool fits = wholeSum * 255 <= (unit > 0 ? ushort.MaxValue : -short.MinValue);
        Assert.Equal(fits && !matrix.IsSeparable, DirectIntegerPath.TryPlan(step, out _));

        var layout = (PixelLayout)random.Next(4);
        using PlanarImage image = TestImages.Random(random, random.Next(1, 120), random.Next(1, 30), layout, 8);
        var options = new ConvolutionOptions { BorderMode = (BorderMode)random.Next(5), BorderValue = random.Next(256), Channels = ColorChannel.All, AlphaWeighted = false };
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options);
        for (int c = 0; c < image.Channels; c++)
        {
            double[,] expected = ReferenceConvolution.Convolve(TestImages.ChannelAsArray(image, c), TestImages.ToArray(matrix), options.BorderMode, options.BorderValue, PaddingMode.Same, 1, divisor, 0);
            double[,] actual = TestImages.ChannelAsArray(result, c);
            for (int y = 0; y < result.Height; y++)
            {
                for (int x = 0; x < result.Width; x++)
                {
                    double exact = Math.Abs(expected[y, x]);
                    double want = ReferenceConvolution.Quantize(expected[y, x], 255, OutputRange.Absolute);
                    bool nearTie = Math.Abs(exact - Math.Floor(exact) - 0.5) < 1e-4;
                    Expect.True(want == actual[y, x] || (nearTie && Math.Abs(want - actual[y, x]) <= 1), $"seed {seed} step {unit} [{matrix}] {options.BorderMode}: channel {c} at ({y},{x}) expected {want} ({expected[y, x]}) got {actual[y, x]}");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RunningSumsWrapAt16BitsPerChannel(int channels)
    {
        var random = new Random(channels);
        foreach (int length in new[] { 0, 1, 15, 16, 17, 31, 32, 33, 48, 64, 95, 200, 4001 })
        {
            int n = length - (length % channels);
            ushort[] source = Enumerable.Range(0, n).Select(_ => (ushort)random.Next(256 * 64)).ToArray();
            var sums = new ushort[n + channels];
            RunningSums.RunningSum(source, sums, channels);
            var expected = new int[n + channels];
            for (int k = 0; k < n; k++)
            {
                expected[k + channels] = expected[k] + source[k];
            }

            Assert.Equal(expected.Select(e => (ushort)e).ToArray(), sums);
        }
    }

    // The same kernel on the float path: weights times 128 over the divisor times 128. Every product and sum is
    // still a whole number below 2^24, so exact in float, and the quotient is the same number; no integer path takes
    // a weight of 128 or more. Both sides are checked, so a comparison can never be integer path against itself.
    private static ConvolutionKernel FloatTwin(ConvolutionKernel kernel)
    {
        var twin = new ConvolutionKernel("FloatTwin", kernel.Category, "float path", new[] { kernel.Matrices[0].Scale(128) }, divisor: kernel.Divisor * 128, bias: kernel.Bias, outputRange: kernel.OutputRange);
        Expect.True(TakesAnIntegerPath(kernel), $"[{kernel.Matrices[0]}] /{kernel.Divisor} should take an integer path");
        Assert.False(TakesAnIntegerPath(twin), $"[{twin.Matrices[0]}] /{twin.Divisor} should take the float path");
        return twin;
    }

    // The kernel (on an integer path) and its twin (on the float path) convolve the image to the same samples.
    private static void AssertMatchesTwin(PlanarImage image, ConvolutionKernel kernel, ConvolutionKernel twin, ConvolutionOptions options, string context)
    {
        using PlanarImage integer = PlanarConvolution.Convolve(image, new[] { kernel }, options);
        using PlanarImage floating = PlanarConvolution.Convolve(image, new[] { twin }, FloatOnly(options));
        AssertSameSamples(floating, integer, context);
    }

    private static void AssertSameSamples(PlanarImage floating, PlanarImage integer, string context)
    {
        Assert.Equal((floating.Width, floating.Height, floating.Layout), (integer.Width, integer.Height, integer.Layout));
        for (int c = 0; c < integer.Channels; c++)
        {
            float[] a = floating.GetChannel(c).ToArray();
            float[] b = integer.GetChannel(c).ToArray();
            for (int k = 0; k < a.Length; k++)
            {
                Expect.True(a[k] == b[k], $"{context}: channel {c} sample {k} float {a[k]} integer {b[k]}");
            }
        }
    }

    // The twin's sums in single precision: a separable blur would otherwise take the fixed-point path.
    private static ConvolutionOptions FloatOnly(ConvolutionOptions options) => options with { Decomposition = KernelDecomposition.Never };

    private static bool TakesAnIntegerPath(ConvolutionKernel kernel)
    {
        var step = new ConvolutionStep(kernel.Matrices.ToArray(), kernel.Combination, new[] { (float)kernel.Divisor }, (float)kernel.Bias, 0, 255, kernel.OutputRange, new[] { true });
        return SeparableIntegerPath.TryPlan(step, out _) || DirectIntegerPath.TryPlan(step, out _);
    }

    // Weights equal in mirrored pairs, summing to sum: each unit goes to the centre or, two at a time, to a pair.
    private static double[] SymmetricFactor(Random random, int length, int sum)
    {
        var factor = new double[length];
        for (int left = sum; left > 0;)
        {
            int t = random.Next(length / 2 + 1);
            if (t == length / 2 || left == 1)
            {
                factor[length / 2]++;
                left--;
            }
            else
            {
                factor[t]++;
                factor[length - 1 - t]++;
                left -= 2;
            }
        }

        return factor;
    }

    private static double[] RandomFactor(Random random, int length, int sum)
    {
        var factor = new double[length];
        for (int left = sum; left > 0; left--)
        {
            factor[random.Next(length)]++;
        }

        return factor;
    }

    private static ConvolutionOptions RandomOptions(Random random, PlanarImage image) => new()
    {
        BorderMode = (BorderMode)random.Next(5),
        BorderValue = random.Next(256),
        Stride = random.Next(1, 4),
        Padding = random.Next(4) == 0 && image.Width >= 5 && image.Height >= 5 ? PaddingMode.Valid : PaddingMode.Same,
        Channels = TestImages.RandomChannels(random, image.Layout),
        MaxDegreeOfParallelism = random.Next(1, 3),
        AlphaWeighted = false,
    };
}
