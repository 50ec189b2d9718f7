using System;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// Kernels act on an image as its EXIF orientation shows it (<see cref="DisplayOrientation"/>): the kernel turned back
/// to the stored pixels, and the stride grid laid from the corner shown top left. The property test over small images
/// and random kernels is <see cref="ConvolutionPropertyTests.MatchesReferenceOnTheImageAsShown"/>.
/// </summary>
public sealed class OrientationTests
{
    private static readonly double[][] Rows = { new double[] { 1, 2, 3 }, new double[] { 4, 5, 6 } };

    [Theory]
    [InlineData(DisplayOrientation.TopLeft, "1 2 3; 4 5 6", 0, 0)]
    [InlineData(DisplayOrientation.TopRight, "3 2 1; 6 5 4", 2, 0)]
    [InlineData(DisplayOrientation.BottomRight, "6 5 4; 3 2 1", 2, 1)]
    [InlineData(DisplayOrientation.BottomLeft, "4 5 6; 1 2 3", 0, 1)]
    [InlineData(DisplayOrientation.LeftTop, "1 4; 2 5; 3 6", 0, 0)]
    [InlineData(DisplayOrientation.RightTop, "3 6; 2 5; 1 4", 0, 2)]
    [InlineData(DisplayOrientation.RightBottom, "6 3; 5 2; 4 1", 1, 2)]
    [InlineData(DisplayOrientation.LeftBottom, "4 1; 5 2; 6 3", 1, 0)]
    public void TheKernelIsTurnedBackToTheStoredPixelsWithItsAnchor(DisplayOrientation orientation, string expected, int anchorX, int anchorY)
    {
        // Shown turned 90 degrees clockwise (6), the stored pixels are the picture turned back anticlockwise, and so
        // is the kernel that meets them; its anchor (the 1 here) goes with its weight.
        KernelMatrix matrix = Turned(KernelMatrix.Create(Rows, 0, 0), orientation);
        Assert.Equal(expected, string.Join("; ", matrix.ToRows().Select(r => string.Join(" ", r))));
        Assert.Equal((anchorX, anchorY), (matrix.AnchorX, matrix.AnchorY));
        Assert.Equal(1, matrix[matrix.AnchorY, matrix.AnchorX]);
    }

    [Fact]
    public void SymmetricKernelsStayAsTheyAreAndTurnedOnesAreMadeOnce()
    {
        // The README's list: every built-in but the directional ones is the same kernel however the image is shown
        // (the edge magnitudes and compass operators turn their matrices into one another, and give the same result).
        var directional = new[] { "MotionBlur", "SobelX", "SobelY", "ScharrX", "ScharrY", "PrewittX", "PrewittY", "Emboss", "Sobel", "Scharr", "Prewitt", "RobertsCross", "Kirsch", "Robinson" };
        foreach (DisplayOrientation orientation in Enum.GetValues(typeof(DisplayOrientation)))
        {
            foreach (ConvolutionKernel kernel in KernelLibrary.All.Where(k => !directional.Contains(k.Name)))
            {
                (bool t, bool x, bool y) = orientation.KernelTurn();
                Assert.Same(kernel, kernel.Turned(t, x, y));
            }
        }

        KernelMatrix emboss = KernelLibrary.Get("Emboss").Matrices[0];
        KernelMatrix turned = Turned(emboss, DisplayOrientation.RightTop);
        Assert.NotSame(emboss, turned);
        Assert.Same(turned, Turned(emboss, DisplayOrientation.RightTop));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((DisplayOrientation)9).KernelTurn());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Orientation = 0 }.Validate());
    }

    [Theory]
    [InlineData("Sobel")]
    [InlineData("Scharr")]
    [InlineData("Prewitt")]
    [InlineData("Kirsch")]
    [InlineData("Robinson")]
    public void EdgeMagnitudesGiveTheSameResultHoweverTheImageIsShown(string name)
    {
        // Their matrices turn into one another, so the README counts them with the kernels an orientation leaves alone.
        // Not RobertsCross: its 2x2 window has no centre, and turned, its anchor moves to another corner.
        var random = new Random(name.Length);
        using PlanarImage image = TestImages.Random(random, 37, 23, PixelLayout.Rgb, 8);
        ConvolutionKernel[] kernel = { KernelLibrary.Get(name) };
        using PlanarImage stored = PlanarConvolution.Convolve(image, kernel, ConvolutionOptions.Default);
        foreach (DisplayOrientation orientation in Enum.GetValues(typeof(DisplayOrientation)))
        {
            using PlanarImage shown = PlanarConvolution.Convolve(image, kernel, ConvolutionOptions.Default with { Orientation = orientation });
            for (int c = 0; c < stored.Channels; c++)
            {
                Assert.Equal(stored.GetChannel(c).ToArray(), shown.GetChannel(c).ToArray());
            }
        }
    }

    /// <summary>
    /// The paths the small property test does not reach: the Fourier path and separable terms for a large kernel,
    /// alpha weighting, a chain, 16 bits, on images wide enough for every vector loop. The stored pixels convolved under
    /// an orientation give the image as shown convolved, within a level (the two runs sum in different orders).
    /// </summary>
    [Theory]
    [InlineData(DisplayOrientation.TopRight, 1)]
    [InlineData(DisplayOrientation.BottomRight, 2)]
    [InlineData(DisplayOrientation.BottomLeft, 3)]
    [InlineData(DisplayOrientation.LeftTop, 4)]
    [InlineData(DisplayOrientation.RightTop, 5)]
    [InlineData(DisplayOrientation.RightBottom, 6)]
    [InlineData(DisplayOrientation.LeftBottom, 7)]
    public void EveryPathGivesTheImageAsShown(DisplayOrientation orientation, int seed)
    {
        var random = new Random(seed);
        int width = random.Next(90, 140), height = random.Next(50, 80);
        var layout = seed % 2 == 0 ? PixelLayout.Rgba : PixelLayout.Rgb;
        using PlanarImage stored = TestImages.Random(random, width, height, layout, seed % 3 == 0 ? 16 : 8);
        if (layout == PixelLayout.Rgba)
        {
            // A cut-out: alpha 0 over the left third, so alpha weighting has a rim to correct.
            Span<float> alpha = stored.GetChannel(3);
            for (int i = 0; i < alpha.Length; i++)
            {
                alpha[i] = i % width < width / 3 ? 0 : stored.MaxValue;
            }
        }

        // A rotated anisotropic Gaussian (not separable) large enough for the Fourier path, an emboss, and a blur.
        double[][] rotated = Enumerable.Range(0, 15).Select(y => Enumerable.Range(0, 21).Select(x =>
        {
            double u = ((x - 10) * 0.87) + ((y - 7) * 0.5), v = (-(x - 10) * 0.5) + ((y - 7) * 0.87);
            return Math.Exp(-((u * u / 32) + (v * v / 4)));
        }).ToArray()).ToArray();
        var large = new ConvolutionKernel("Large", "Blur", "test", new[] { KernelMatrix.Create(rotated, 12, 5) });
        foreach (KernelDecomposition decomposition in new[] { KernelDecomposition.Fourier, KernelDecomposition.Always, KernelDecomposition.Automatic })
        {
            foreach (ConvolutionKernel[] chain in new[] { new[] { large }, new[] { KernelLibrary.Get("Emboss"), KernelLibrary.Get("MotionBlur") } })
            {
                var options = new ConvolutionOptions
                {
                    Stride = random.Next(1, 4),
                    Padding = random.Next(2) == 0 ? PaddingMode.Valid : PaddingMode.Same,
                    BorderMode = (BorderMode)random.Next(5),
                    BorderValue = 40,
                    Decomposition = decomposition,
                };
                using PlanarImage shown = Shown(stored, orientation);
                using PlanarImage expected = PlanarConvolution.Convolve(shown, chain, options);
                using PlanarImage actual = PlanarConvolution.Convolve(stored, chain, options with { Orientation = orientation });
                using PlanarImage actualShown = Shown(actual, orientation);
                Assert.Equal((expected.Width, expected.Height), (actualShown.Width, actualShown.Height));
                for (int c = 0; c < expected.Channels; c++)
                {
                    float[] want = expected.GetChannel(c).ToArray(), got = actualShown.GetChannel(c).ToArray();
                    float worst = want.Zip(got, (a, b) => Math.Abs(a - b)).Max();
                    Expect.True(worst <= 1, $"{orientation} {decomposition} {string.Join("+", chain.Select(k => k.Name))} stride {options.Stride} {options.Padding} {options.BorderMode}: channel {c} off by {worst}");
                }
            }
        }
    }

    private static KernelMatrix Turned(KernelMatrix matrix, DisplayOrientation orientation)
    {
        (bool transpose, bool mirrorX, bool mirrorY) = orientation.KernelTurn();
        return matrix.Turned(transpose, mirrorX, mirrorY);
    }

    // The image as a viewer shows it.
    private static PlanarImage Shown(PlanarImage stored, DisplayOrientation orientation)
    {
        int w = stored.Width, h = stored.Height;
        bool swap = orientation >= DisplayOrientation.LeftTop;
        var shown = new PlanarImage(swap ? h : w, swap ? w : h, stored.Layout, stored.BitDepth);
        for (int c = 0; c < stored.Channels; c++)
        {
            Span<float> from = stored.GetChannel(c), to = shown.GetChannel(c);
            for (int y = 0; y < shown.Height; y++)
            {
                for (int x = 0; x < shown.Width; x++)
                {
                    (int sx, int sy) = TestImages.StoredAt(orientation, w, h, x, y);
                    to[(y * shown.Width) + x] = from[(sy * w) + sx];
                }
            }
        }

        return shown;
    }
}
