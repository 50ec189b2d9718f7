using System;
using System.Threading;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution;
using PSConvolution.Engine.Convolution.Float;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

public sealed class InvariantTests
{
    [Theory]
    [InlineData(BorderMode.Constant)]
    [InlineData(BorderMode.Replicate)]
    [InlineData(BorderMode.Reflect)]
    [InlineData(BorderMode.Mirror)]
    [InlineData(BorderMode.Wrap)]
    public void IdentityIsANoOp(BorderMode border)
    {
        using PlanarImage image = TestImages.Random(new Random(1), 33, 17, PixelLayout.Rgba, 16);
        using PlanarImage result = PlanarConvolution.Convolve(image, new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { BorderMode = border, Channels = ColorChannel.All });
        ConvolutionPropertyTests.AssertIdentical(image, result);
    }

    [Theory]
    [InlineData("Laplacian4")]
    [InlineData("Laplacian8")]
    [InlineData("Sobel")]
    [InlineData("Kirsch")]
    [InlineData("Outline")]
    [InlineData("Emboss")]
    public void ZeroSumKernelsOnAFlatImageGiveTheBias(string name)
    {
        using PlanarImage flat = TestImages.Flat(20, 11, 97);
        ConvolutionKernel kernel = KernelLibrary.Get(name);
        using PlanarImage result = PlanarConvolution.Convolve(flat, new[] { kernel }, ConvolutionOptions.Default);
        Assert.All(result.GetChannel(0).ToArray(), v => Assert.Equal((float)kernel.Bias, v));
    }

    [Theory]
    [InlineData(BorderMode.Constant)]
    [InlineData(BorderMode.Replicate)]
    [InlineData(BorderMode.Reflect)]
    [InlineData(BorderMode.Mirror)]
    [InlineData(BorderMode.Wrap)]
    public void TwoPassesEqualTheTwoDimensionalResult(BorderMode border)
    {
        // Same weights, once detected as rank 1 and once disguised by a negligible change that breaks separability.
        using PlanarImage image = TestImages.Random(new Random(2), 61, 47, PixelLayout.Rgb, 8);
        ConvolutionKernel separable = KernelLibrary.Gaussian(9, 2);
        double[][] rows = separable.Matrices[0].ToRows();
        rows[0][0] += 1e-7;
        var direct = new ConvolutionKernel("Direct", "Custom", "not separable", new[] { KernelMatrix.Create(rows) });
        Assert.True(separable.IsSeparable);
        Assert.False(direct.IsSeparable);
        foreach (int stride in new[] { 1, 2, 3 })
        {
            var options = new ConvolutionOptions { BorderMode = border, BorderValue = 40, Stride = stride };
            using PlanarImage a = PlanarConvolution.Convolve(image, new[] { separable }, options);
            using PlanarImage b = PlanarConvolution.Convolve(image, new[] { direct }, options);
            for (int c = 0; c < 3; c++)
            {
                float[] x = a.GetChannel(c).ToArray();
                float[] y = b.GetChannel(c).ToArray();
                Expect.True(x.Zip(y).All(p => Math.Abs(p.First - p.Second) <= 1), $"stride {stride} channel {c}");
                Assert.True(x.Zip(y).Count(p => p.First != p.Second) <= x.Length / 100, "two passes should differ from 2-D only in rare rounding ties");
            }
        }
    }

    [Theory]
    [InlineData("Gaussian5")]
    [InlineData("Sharpen")]
    [InlineData("Sobel")]
    [InlineData("Gaussian5x273")]
    public void ResultDoesNotDependOnTheDegreeOfParallelism(string name)
    {
        using PlanarImage image = TestImages.Random(new Random(3), 257, 129, PixelLayout.Rgb, 8);
        ConvolutionKernel[] kernels = { KernelLibrary.Get(name) };
        using PlanarImage one = PlanarConvolution.Convolve(image, kernels, new ConvolutionOptions { MaxDegreeOfParallelism = 1 });
        using PlanarImage many = PlanarConvolution.Convolve(image, kernels, new ConvolutionOptions { MaxDegreeOfParallelism = 7 });
        ConvolutionPropertyTests.AssertIdentical(one, many);
    }

    [Fact]
    public void GrayscaleUsesBt601AndKeepsAlpha()
    {
        using var image = new PlanarImage(2, 1, PixelLayout.Rgba, 8);
        image.GetChannel(0)[0] = 255;
        image.GetChannel(1)[1] = 255;
        image.GetChannel(3).Fill(77);
        using PlanarImage grey = PlanarConvolution.Convolve(image, new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true });
        Assert.Equal(PixelLayout.GrayAlpha, grey.Layout);
        Assert.Equal(76, grey.GetChannel(0)[0]);  // 0.299 * 255 = 76.2
        Assert.Equal(150, grey.GetChannel(0)[1]); // 0.587 * 255 = 149.7
        Assert.Equal(77, grey.GetChannel(1)[0]);
    }

    [Fact]
    public void WithoutAlphaWeightingAlphaIsCopiedUnlessNamed()
    {
        using PlanarImage image = TestImages.Random(new Random(4), 16, 16, PixelLayout.Rgba, 8);
        ConvolutionKernel[] blur = { KernelLibrary.Get("Box5") };
        var independent = new ConvolutionOptions { AlphaWeighted = false };
        using PlanarImage plain = PlanarConvolution.Convolve(image, blur, independent);
        Assert.True(image.GetChannel(3).SequenceEqual(plain.GetChannel(3)));
        Assert.False(image.GetChannel(0).SequenceEqual(plain.GetChannel(0)));
        using PlanarImage withAlpha = PlanarConvolution.Convolve(image, blur, independent with { Channels = ColorChannel.All });
        Assert.False(image.GetChannel(3).SequenceEqual(withAlpha.GetChannel(3)));
        using PlanarImage redOnly = PlanarConvolution.Convolve(image, blur, independent with { Channels = ColorChannel.Red });
        Assert.False(image.GetChannel(0).SequenceEqual(redOnly.GetChannel(0)));
        Assert.True(image.GetChannel(1).SequenceEqual(redOnly.GetChannel(1)));
    }

    /// <summary>
    /// With independent channels, a selected channel is the all-channel result's and every other the source's, on
    /// every path and on rows long enough for the vector copies of the unselected channels (three vectors of
    /// three-channel pixels) with every tail length.
    /// </summary>
    [Theory]
    [InlineData("Gaussian5", "Automatic")]
    [InlineData("Sharpen", "Automatic")]
    [InlineData("Box5", "Automatic")]
    [InlineData("Skewed", "Never")]
    [InlineData("Large", "Fourier")]
    public void UnselectedChannelsKeepTheSourceOnLongRows(string name, string path)
    {
        var decomposition = (KernelDecomposition)Enum.Parse(typeof(KernelDecomposition), path);
        var random = new Random(name.Length);
        ConvolutionKernel kernel = name switch
        {
            "Skewed" => new ConvolutionKernel(name, "Custom", "x", new[] { KernelMatrix.Create(new[] { new[] { 0.5, -1.25, 2 }, new[] { 0.75, 3, -0.5 } }, 1, 0) }),
            "Large" => new ConvolutionKernel(name, "Custom", "x", new[] { KernelMatrix.Create(Enumerable.Range(0, 13).Select(r => Enumerable.Range(0, 13).Select(c => 1.0 + ((r * 7) + (c * 3)) % 5).ToArray()).ToArray()) }),
            _ => KernelLibrary.Get(name),
        };
        foreach (PixelLayout layout in new[] { PixelLayout.Rgb, PixelLayout.Rgba, PixelLayout.GrayAlpha })
        {
            foreach (int bitDepth in new[] { 8, 16 })
            {
                int width = 90 + random.Next(40);
                using PlanarImage image = TestImages.Random(random, width, 7, layout, bitDepth);
                var options = new ConvolutionOptions { AlphaWeighted = false, Decomposition = decomposition, MaxDegreeOfParallelism = 1 };
                using PlanarImage all = PlanarConvolution.Convolve(image, new[] { kernel }, options with { Channels = ColorChannel.All });
                for (int i = 0; i < 4; i++)
                {
                    ColorChannel selection = TestImages.RandomChannels(random, layout) ?? ColorChannel.Color;
                    using PlanarImage result = PlanarConvolution.Convolve(image, new[] { kernel }, options with { Channels = selection });
                    for (int c = 0; c < image.Channels; c++)
                    {
                        // The Fourier path pairs the transformed channels into complex tiles, so a selection pairs
                        // them otherwise than all channels do, and a sum may round to the other side: one unit.
                        bool selected = ImageConvolver.IsSelected(layout, c, selection);
                        float[] expected = (selected ? all : image).GetChannel(c).ToArray();
                        float[] actual = result.GetChannel(c).ToArray();
                        float tolerance = selected && decomposition == KernelDecomposition.Fourier ? 1 : 0;
                        for (int p = 0; p < expected.Length; p++)
                        {
                            Expect.True(Math.Abs(expected[p] - actual[p]) <= tolerance, $"{name}, {layout} {bitDepth}-bit, {width} wide, {selection}: channel {c}, pixel {p}: {actual[p]}, expected {expected[p]}");
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A gradient magnitude is the correctly rounded float root of its responses' squares, rounded to the nearest
    /// level: exact, not within a level, as the responses of a low-contrast 8-bit image are small integers.
    /// </summary>
    [Theory]
    [InlineData("Sobel")]
    [InlineData("Scharr")]
    [InlineData("Prewitt")]
    [InlineData("RobertsCross")]
    public void GradientMagnitudesAreTheRoundedRootsOfExactSums(string name)
    {
        var random = new Random(name.Length);
        const int Width = 203, Height = 9;
        var grey = new byte[Width * Height];
        for (int i = 0; i < grey.Length; i++)
        {
            grey[i] = (byte)(100 + random.Next(16));
        }

        ConvolutionKernel kernel = KernelLibrary.Get(name);
        var result = new byte[grey.Length];
        ImageConvolver.Convolve(new PixelBuffer(grey, Width, Height, PixelLayout.Gray), new PixelBuffer(result, Width, Height, PixelLayout.Gray), new[] { kernel }, new ConvolutionOptions { MaxDegreeOfParallelism = 1 });
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                long squares = 0;
                foreach (KernelMatrix m in kernel.Matrices)
                {
                    Assert.Equal(1, m.DefaultDivisor);
                    long sum = 0;
                    for (int r = 0; r < m.Height; r++)
                    {
                        for (int c = 0; c < m.Width; c++)
                        {
                            int sy = Math.Clamp(y + r - m.AnchorY, 0, Height - 1), sx = Math.Clamp(x + c - m.AnchorX, 0, Width - 1);
                            sum += (long)m[r, c] * grey[(sy * Width) + sx];
                        }
                    }

                    squares += sum * sum;
                }

                double expected = Math.Min(255, Math.Round((float)Math.Sqrt(squares), MidpointRounding.ToEven));
                Expect.True(expected == result[(y * Width) + x], $"{name} at {x},{y}: {result[(y * Width) + x]}, expected {expected}");
            }
        }
    }

    /// <summary>
    /// -Grayscale's grey is 0.299 R + 0.587 G + 0.114 B in single precision, rounded to the nearest level with ties
    /// to even: checked for every one of the 2^24 8-bit colours, and alpha kept beside it.
    /// </summary>
    [Fact]
    public void GreyIsTheRoundedLumaOfEveryEightBitColour()
    {
        const int Side = 4096;
        var rgb = new byte[Side * Side * 3];
        for (int i = 0; i < Side * Side; i++)
        {
            rgb[3 * i] = (byte)(i >> 16);
            rgb[(3 * i) + 1] = (byte)(i >> 8);
            rgb[(3 * i) + 2] = (byte)i;
        }

        var grey = new byte[Side * Side];
        ImageConvolver.Convolve(new PixelBuffer(rgb, Side, Side, PixelLayout.Rgb), new PixelBuffer(grey, Side, Side, PixelLayout.Gray), new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true });
        for (int i = 0; i < Side * Side; i++)
        {
            Expect.True(Luma(rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]) == grey[i], $"colour {i:X6}: {grey[i]}");
        }
    }

    /// <summary>
    /// The same for RGBA: every 8-bit colour, each with an alpha that the grey-and-alpha result keeps beside its grey
    /// (the vector loop packs the two into one word).
    /// </summary>
    [Fact]
    public void GreyOfRgbaIsTheRoundedLumaOfEveryEightBitColourAndKeepsAlpha()
    {
        const int Side = 4096;
        var rgba = new byte[Side * Side * 4];
        for (int i = 0; i < Side * Side; i++)
        {
            rgba[4 * i] = (byte)(i >> 16);
            rgba[(4 * i) + 1] = (byte)(i >> 8);
            rgba[(4 * i) + 2] = (byte)i;
            rgba[(4 * i) + 3] = (byte)((i * 37) + (i >> 12));
        }

        var grey = new byte[Side * Side * 2];
        ImageConvolver.Convolve(new PixelBuffer(rgba, Side, Side, PixelLayout.Rgba), new PixelBuffer(grey, Side, Side, PixelLayout.GrayAlpha), new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true, AlphaWeighted = false });
        for (int i = 0; i < Side * Side; i++)
        {
            Expect.True(Luma(rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2]) == grey[2 * i], $"colour {i:X6}: {grey[2 * i]}");
            Expect.True(rgba[(4 * i) + 3] == grey[(2 * i) + 1], $"colour {i:X6}: alpha {grey[(2 * i) + 1]}, expected {rgba[(4 * i) + 3]}");
        }
    }

    [Fact]
    public void GreyRowsOfEveryWidthEndAsTheyBegin()
    {
        // The vector loop takes sixteen pixels a step and the scalar loop the rest: every width up to three steps.
        var random = new Random(3);
        for (int width = 1; width <= 50; width++)
        {
            var rgb = new byte[width * 3 * 2];
            random.NextBytes(rgb);
            var grey = new byte[width * 2];
            ImageConvolver.Convolve(new PixelBuffer(rgb, width, 2, PixelLayout.Rgb), new PixelBuffer(grey, width, 2, PixelLayout.Gray), new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true });
            for (int i = 0; i < grey.Length; i++)
            {
                Expect.True(Luma(rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]) == grey[i], $"width {width}, pixel {i}: {grey[i]}");
            }

            var rgba = new byte[width * 4 * 2];
            random.NextBytes(rgba);
            var greyAlpha = new byte[width * 2 * 2];
            ImageConvolver.Convolve(new PixelBuffer(rgba, width, 2, PixelLayout.Rgba), new PixelBuffer(greyAlpha, width, 2, PixelLayout.GrayAlpha), new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true, AlphaWeighted = false });
            for (int i = 0; i < width * 2; i++)
            {
                Expect.True(Luma(rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2]) == greyAlpha[2 * i], $"RGBA, width {width}, pixel {i}: {greyAlpha[2 * i]}");
                Expect.True(rgba[(4 * i) + 3] == greyAlpha[(2 * i) + 1], $"RGBA, width {width}, pixel {i}: alpha {greyAlpha[(2 * i) + 1]}");
            }

            // 16-bit rows: eight pixels a vector step.
            ushort[] rgb16 = RandomWords(random, width * 3 * 2);
            var grey16 = new ushort[width * 2];
            ImageConvolver.Convolve(new PixelBuffer(rgb16, width, 2, PixelLayout.Rgb), new PixelBuffer(grey16, width, 2, PixelLayout.Gray), new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true });
            for (int i = 0; i < grey16.Length; i++)
            {
                Expect.True(Luma(rgb16[3 * i], rgb16[(3 * i) + 1], rgb16[(3 * i) + 2]) == grey16[i], $"16-bit RGB, width {width}, pixel {i}: {grey16[i]}");
            }

            ushort[] rgba16 = RandomWords(random, width * 4 * 2);
            var greyAlpha16 = new ushort[width * 2 * 2];
            ImageConvolver.Convolve(new PixelBuffer(rgba16, width, 2, PixelLayout.Rgba), new PixelBuffer(greyAlpha16, width, 2, PixelLayout.GrayAlpha), new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true, AlphaWeighted = false });
            for (int i = 0; i < width * 2; i++)
            {
                Expect.True(Luma(rgba16[4 * i], rgba16[(4 * i) + 1], rgba16[(4 * i) + 2]) == greyAlpha16[2 * i], $"16-bit RGBA, width {width}, pixel {i}: {greyAlpha16[2 * i]}");
                Expect.True(rgba16[(4 * i) + 3] == greyAlpha16[(2 * i) + 1], $"16-bit RGBA, width {width}, pixel {i}: alpha {greyAlpha16[(2 * i) + 1]}");
            }
        }
    }

    /// <summary>
    /// 16-bit RGB: every level of each channel in turn, beside random levels of the other two, and random colours with
    /// full levels among them.
    /// </summary>
    [Fact]
    public void GreyIsTheRoundedLumaOfEverySixteenBitLevelInEachChannel()
    {
        var random = new Random(48);
        const int Width = 65536, Height = 5;
        ushort[] rgb = RandomWords(random, Width * Height * 3);
        for (int c = 0; c < 3; c++)
        {
            for (int x = 0; x < Width; x++)
            {
                rgb[(((c * Width) + x) * 3) + c] = (ushort)x;
            }
        }

        var grey = new ushort[Width * Height];
        ImageConvolver.Convolve(new PixelBuffer(rgb, Width, Height, PixelLayout.Rgb), new PixelBuffer(grey, Width, Height, PixelLayout.Gray), new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true });
        for (int i = 0; i < Width * Height; i++)
        {
            Expect.True(Luma(rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]) == grey[i], $"pixel {i} ({rgb[3 * i]}, {rgb[(3 * i) + 1]}, {rgb[(3 * i) + 2]}): {grey[i]}");
        }
    }

    // Random 16-bit levels, one in eight the full level (so white and near-white pixels occur).
    private static ushort[] RandomWords(Random random, int length)
    {
        var words = new ushort[length];
        for (int i = 0; i < length; i++)
        {
            words[i] = (ushort)(random.Next(8) == 0 ? 65535 : random.Next(65536));
        }

        return words;
    }

    [Fact]
    public void GreyIsTheRoundedLumaOfSixteenBitColoursAndKeepsAlpha()
    {
        const int Width = 1031, Height = 97;
        ushort[] rgba = RandomWords(new Random(16), Width * Height * 4);

        var grey = new ushort[Width * Height * 2];
        ImageConvolver.Convolve(new PixelBuffer(rgba, Width, Height, PixelLayout.Rgba), new PixelBuffer(grey, Width, Height, PixelLayout.GrayAlpha), new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true, AlphaWeighted = false, MaxDegreeOfParallelism = 2 });
        for (int i = 0; i < Width * Height; i++)
        {
            Assert.Equal(Luma(rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2]), grey[2 * i]);
            Assert.Equal(rgba[(4 * i) + 3], grey[(2 * i) + 1]);
        }
    }

    // The luma in single precision, rounded by Math.Round with ties to even.
    private static int Luma(int r, int g, int b) => (int)Math.Round((0.299f * r) + (0.587f * g) + (0.114f * b), MidpointRounding.ToEven);

    [Fact]
    public void NamingAChannelTheImageLacksIsAnError()
    {
        using PlanarImage image = TestImages.Random(new Random(6), 8, 8, PixelLayout.Rgb, 8);
        var error = Assert.Throws<ConvolutionException>(() => PlanarConvolution.Convolve(image, new[] { KernelLibrary.Get("Box3") }, new ConvolutionOptions { Channels = ColorChannel.Alpha }));
        Assert.Equal(ConvolutionErrorKind.ChannelNotInImage, error.Kind);
        Assert.Contains("alpha", error.Message);
    }

    [Fact]
    public void BiasAndBorderValueAreScaledTo16BitLevels()
    {
        using var image = new PlanarImage(5, 5, PixelLayout.Gray, 16);
        using PlanarImage embossed = PlanarConvolution.Convolve(image, new[] { KernelLibrary.Get("Emboss") }, ConvolutionOptions.Default);
        Assert.All(embossed.GetChannel(0).ToArray(), v => Assert.Equal(128 * 257, v));
        var constant = new ConvolutionOptions { BorderMode = BorderMode.Constant, BorderValue = 255 };
        using PlanarImage edge = PlanarConvolution.Convolve(image, new[] { KernelLibrary.Get("Box3") }, constant);
        Assert.Equal(Math.Round(65535.0 * 5 / 9), edge.GetChannel(0)[0]);
    }

    [Fact]
    public void ACancelledTokenStopsBeforeAnyWork()
    {
        using PlanarImage image = TestImages.Random(new Random(5), 64, 64, PixelLayout.Gray, 8);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => PlanarConvolution.Convolve(image, new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default, cancelled.Token));
    }

    // Cancelled once the first output row has been written: every path checks the token as it goes, so the
    // call throws and the image's last rows are never written.
    [Theory]
    [InlineData("float")]
    [InlineData("integer direct")]
    [InlineData("integer separable")]
    [InlineData("fourier")]
    [InlineData("fourier, two threads")]
    public void CancellationStopsWorkUnderWay(string path)
    {
        // The separable integer path runs 6 MP in a few milliseconds, which a watcher thread starved by tests running
        // alongside could miss: it gets eight times the rows. So does the direct integer path, whose 6 MP of the disk
        // once finished before the watcher ran (CI, the engine suite with AVX-512). So do two Fourier workers: they
        // take bands of tile rows in turn, and while the one in the first band was held off its processor, the other
        // went on down 6 MP to the last band before the watched sample was written. With 182 bands that would take it
        // hundreds of milliseconds, not tens.
        const int width = 3000;
        int height = path is "integer separable" or "integer direct" or "fourier, two threads" ? 16000 : 2000;
        ConvolutionKernel kernel = path switch
        {
            "float" => new ConvolutionKernel("Fractional", "Custom", "fractional", new[] { KernelMatrix.Create(Enumerable.Range(0, 15).Select(i => Enumerable.Range(0, 15).Select(j => 0.001 + (0.0001 * ((i * 15) + j))).ToArray()).ToArray()) }),
            "fourier" or "fourier, two threads" => new ConvolutionKernel("K6", "Blur", "k6", new[] { LargeKernelTests.RotatedGaussian(41, 12, 4, 30) }),
            "integer direct" => new ConvolutionKernel("Disk", "Custom", "disk", new[] { KernelMatrix.Create(Enumerable.Range(-7, 15).Select(i => Enumerable.Range(-7, 15).Select(j => (i * i) + (j * j) <= 49 ? 1.0 : 0.0).ToArray()).ToArray()) }),
            _ => KernelLibrary.Get("Gaussian5"),
        };
        var random = new Random(8);
        var samples = new byte[width * height];
        random.NextBytes(samples);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] |= 1;
        }

        var output = new byte[width * height];
        using var cancellation = new CancellationTokenSource();
        var watcher = new Thread(() =>
        {
            // The first sample: the Fourier path writes it with the first two tiles of the first band, a row path
            // with its first row.
            while (!cancellation.IsCancellationRequested && Volatile.Read(ref output[0]) == 0)
            {
            }

            cancellation.Cancel();
        });
        watcher.Start();
        try
        {
            var options = new ConvolutionOptions
            {
                MaxDegreeOfParallelism = path.EndsWith("two threads", StringComparison.Ordinal) ? 2 : 1,
                BorderMode = BorderMode.Replicate,
                Decomposition = path.StartsWith("fourier", StringComparison.Ordinal) ? KernelDecomposition.Fourier : KernelDecomposition.Automatic,
            };
            Assert.ThrowsAny<OperationCanceledException>(() => ImageConvolver.Convolve(new PixelBuffer(samples, width, height, PixelLayout.Gray), new PixelBuffer(output, width, height, PixelLayout.Gray), new[] { kernel }, options, cancellation.Token));
        }
        finally
        {
            cancellation.Cancel();
            watcher.Join();
        }

        Assert.NotEqual(0, output[0]);
        Expect.True(output.AsSpan((height - 1) * width).IndexOfAnyExcept((byte)0) < 0, $"The {path} path wrote the last row after it was cancelled.");
    }

    [Fact]
    public void ADestinationSharingTheSourceMemoryIsRefused()
    {
        var samples = new byte[8 * 8 * 3];
        var source = new PixelBuffer(samples, 8, 8, PixelLayout.Rgb);
        var separate = new PixelBuffer(new byte[8 * 8 * 3], 8, 8, PixelLayout.Rgb);
        var error = Assert.Throws<ArgumentException>(() => ImageConvolver.Convolve(source, source, new[] { KernelLibrary.Get("Gaussian5") }, ConvolutionOptions.Default));
        Assert.Contains("share memory", error.Message);
        ImageConvolver.Convolve(source, separate, new[] { KernelLibrary.Get("Gaussian5") }, ConvolutionOptions.Default);
    }

    // The test task runs this suite three times: as the machine is, with AVX-512 off and with all intrinsics off; and
    // this class once more with AVX2 off. A knob the runtime ignores (.NET 10 reads DOTNET_EnableAVX512, not .NET 8's
    // DOTNET_EnableAVX512F) would leave a tier untested, and intrinsics switched off some other way would leave the
    // vector tiers untested.
    [Fact]
    public void TheInstructionSetsAreTheOnesTheRunAskedFor()
    {
#if NETFRAMEWORK
        // Mono (the net472 run) has no such knobs: a run that asks for a tier through them is set up wrongly.
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic")));
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_EnableAVX512")));
#else
        bool noAvx512 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0" || Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") == "0";
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
        {
            Assert.False(System.Numerics.Vector.IsHardwareAccelerated);
            Assert.False(System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated);
            return;
        }

        // Every x64 and Arm64 processor .NET runs on has 128-bit vectors at least.
        Assert.True(System.Numerics.Vector.IsHardwareAccelerated);
        Assert.True(System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated);
        if (noAvx512)
        {
            Assert.False(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated);
            Assert.False(System.Runtime.Intrinsics.X86.Avx512BW.IsSupported);
        }

        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0")
        {
            Assert.False(System.Runtime.Intrinsics.X86.Avx2.IsSupported);
            Assert.False(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated);
        }
#endif
    }

    // Tall kernels compute four output rows per pass; every lane must get the same sum as the one-row loop gives it.
    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 64)]
    [InlineData(3, 100)]
    [InlineData(4, 1037)]
    [InlineData(5, 48)]
    [InlineData(6, 80)]
    [InlineData(7, 120)]
    public void FourRowsAtOnceMatchOneRowAtATime(int seed, int n)
    {
        var random = new Random(seed);
        int taps = random.Next(9, 40);
        float[] source = Enumerable.Range(0, n + 200).Select(_ => (float)random.Next(256)).ToArray();
        int[] offsets = Enumerable.Range(0, taps).Select(_ => random.Next(200)).ToArray();
        float[][] weights = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, taps).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        float[][] four = Enumerable.Range(0, 4).Select(_ => new float[n]).ToArray();
        RowCorrelation.Correlate4(source, four[0], four[1], four[2], four[3], weights[0], weights[1], weights[2], weights[3], offsets);
        for (int q = 0; q < 4; q++)
        {
            var one = new float[n];
            RowCorrelation.Correlate(source, one, weights[q], offsets);
            Assert.Equal(one, four[q]);
        }
    }

    // Evenly spaced taps (a kernel row over interleaved channels) take a loop where pairs of outputs share loads; it
    // must give every sample exactly what the four-row loop, which never takes it, gives: the same products added
    // in the same order, fused or not as the one-row loop alone would.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EvenlySpacedTapsMatchTheFourRowLoop(int spacing)
    {
        var random = new Random(spacing);
        foreach (int n in new[] { 7, 32, 95, 96, 97, 143, 191, 192, 300, 1037, 12000 })
        {
            foreach (int taps in new[] { 2, 3, 7, 8, 9, 15, 16, 17, 31, 41 })
            {
                float[] source = Enumerable.Range(0, n + (spacing * taps)).Select(_ => (float)random.Next(256)).ToArray();
                int[] offsets = Enumerable.Range(0, taps).Select(t => t * spacing).ToArray();
                float[] weights = Enumerable.Range(0, taps).Select(_ => (float)random.NextDouble()).ToArray();
                var one = new float[n];
                RowCorrelation.Correlate(source, one, weights, offsets);
                float[][] four = Enumerable.Range(0, 4).Select(_ => new float[n]).ToArray();
                RowCorrelation.Correlate4(source, four[0], four[1], four[2], four[3], weights, weights, weights, weights, offsets);
                Assert.Equal(four[0], one);

#if NET8_0_OR_GREATER
                // And the sums themselves, against one fused multiply-add at a time, where the vector loops fuse: all
                // of AVX-512's, and AVX2's 32-sample steps (the portable loops, and the netstandard2.0 build's, never).
                int fused = !RowCorrelation.CanFold ? 0 : RowCorrelation.Lanes == 16 ? n - (n % 16) : n - (n % 32);
                for (int x = 0; x < fused; x++)
                {
                    float sum = 0f;
                    for (int t = 0; t < taps; t++)
                    {
                        sum = MathF.FusedMultiplyAdd(source[x + offsets[t]], weights[t], sum);
                    }

                    Assert.Equal(sum, one[x]);
                }
#endif
            }
        }
    }
}
