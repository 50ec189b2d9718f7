using System;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

public sealed class KernelLibraryTests
{
    [Theory]
    [InlineData("Identity", "0 0 0; 0 1 0; 0 0 0", 1)]
    [InlineData("Box3", "1 1 1; 1 1 1; 1 1 1", 9)]
    [InlineData("Gaussian3", "1 2 1; 2 4 2; 1 2 1", 16)]
    [InlineData("Gaussian5", "1 4 6 4 1; 4 16 24 16 4; 6 24 36 24 6; 4 16 24 16 4; 1 4 6 4 1", 256)]
    [InlineData("Gaussian5x273", "1 4 7 4 1; 4 16 26 16 4; 7 26 41 26 7; 4 16 26 16 4; 1 4 7 4 1", 273)]
    [InlineData("Sharpen", "0 -1 0; -1 5 -1; 0 -1 0", 1)]
    [InlineData("Sharpen8", "-1 -1 -1; -1 9 -1; -1 -1 -1", 1)]
    [InlineData("UnsharpMask5", "1 4 6 4 1; 4 16 24 16 4; 6 24 -476 24 6; 4 16 24 16 4; 1 4 6 4 1", -256)]
    [InlineData("Laplacian4", "0 1 0; 1 -4 1; 0 1 0", 1)]
    [InlineData("Laplacian8", "1 1 1; 1 -8 1; 1 1 1", 1)]
    [InlineData("LaplacianOfGaussian5", "0 0 -1 0 0; 0 -1 -2 -1 0; -1 -2 16 -2 -1; 0 -1 -2 -1 0; 0 0 -1 0 0", 1)]
    [InlineData("SobelX", "-1 0 1; -2 0 2; -1 0 1", 1)]
    [InlineData("SobelY", "-1 -2 -1; 0 0 0; 1 2 1", 1)]
    [InlineData("ScharrX", "-3 0 3; -10 0 10; -3 0 3", 1)]
    [InlineData("ScharrY", "-3 -10 -3; 0 0 0; 3 10 3", 1)]
    [InlineData("PrewittX", "-1 0 1; -1 0 1; -1 0 1", 1)]
    [InlineData("PrewittY", "-1 -1 -1; 0 0 0; 1 1 1", 1)]
    [InlineData("Emboss", "-1 -1 0; -1 0 1; 0 1 1", 1)]
    [InlineData("Outline", "-1 -1 -1; -1 8 -1; -1 -1 -1", 1)]
    public void BuiltInWeightsAndDivisors(string name, string weights, double divisor)
    {
        ConvolutionKernel kernel = KernelLibrary.Get(name);
        Assert.Equal(weights, kernel.Matrices[0].ToString());
        Assert.Equal(divisor, kernel.Divisor);
    }

    [Fact]
    public void EveryBuiltInHasACategoryADescriptionAndAnOddSize()
    {
        Assert.True(KernelLibrary.All.Count >= 27);
        Assert.Equal(KernelLibrary.All.Count, KernelLibrary.All.Select(k => k.Name.ToUpperInvariant()).Distinct().Count());
        foreach (ConvolutionKernel kernel in KernelLibrary.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(kernel.Category), kernel.Name);
            Assert.False(string.IsNullOrWhiteSpace(kernel.Description), kernel.Name);
            Assert.Equal(1, kernel.Width % 2);
            Assert.Equal(1, kernel.Height % 2);
            if (kernel.Category == KernelLibrary.EdgeCategory)
            {
                Assert.Equal(OutputRange.Absolute, kernel.OutputRange);
            }
        }
    }

    [Fact]
    public void EmbossHasBias128AndCompassOperatorsHaveEightKernels()
    {
        Assert.Equal(128, KernelLibrary.Get("Emboss").Bias);
        foreach (string name in new[] { "Kirsch", "Robinson" })
        {
            ConvolutionKernel kernel = KernelLibrary.Get(name);
            Assert.Equal(KernelCombination.Maximum, kernel.Combination);
            Assert.Equal(8, kernel.Matrices.Count);
            Assert.Equal(8, kernel.Matrices.Select(m => m.ToString()).Distinct().Count());
        }

        Assert.Equal("5 5 5; -3 0 -3; -3 -3 -3", KernelLibrary.Get("Kirsch").Matrices[0].ToString());
        Assert.Equal(KernelCombination.Magnitude, KernelLibrary.Get("Sobel").Combination);
    }

    [Theory]
    [InlineData("SobelX", true)]
    [InlineData("ScharrX", true)]
    [InlineData("PrewittX", true)]
    [InlineData("SobelY", false)]
    [InlineData("ScharrY", false)]
    [InlineData("PrewittY", false)]
    public void XIsPositiveToTheRightAndYIsPositiveDownwards(string name, bool horizontal)
    {
        // A step that rises towards +X (or +Y) gives a positive response; the opposite step gives a negative one.
        using PlanarImage rising = Step(horizontal, rises: true);
        using PlanarImage falling = Step(horizontal, rises: false);
        var options = new ConvolutionOptions { OutputRange = OutputRange.Clamp };
        ConvolutionKernel kernel = KernelLibrary.Get(name);
        using PlanarImage up = PlanarConvolution.Convolve(rising, new[] { kernel }, options);
        using PlanarImage down = PlanarConvolution.Convolve(falling, new[] { kernel }, options);
        Assert.True(up.GetChannel(0).ToArray().Max() > 0);
        Assert.Equal(0, down.GetChannel(0).ToArray().Max());
    }

    [Fact]
    public void SeparableKernelsAreDetected()
    {
        Assert.True(KernelLibrary.Get("Gaussian5").IsSeparable);
        Assert.True(KernelLibrary.Get("Box5").IsSeparable);
        Assert.True(KernelLibrary.Get("SobelX").IsSeparable);
        Assert.False(KernelLibrary.Get("Sharpen").IsSeparable);
        Assert.False(KernelLibrary.Get("Gaussian5x273").IsSeparable);
        Assert.True(KernelLibrary.Gaussian(31, 5).IsSeparable);
    }

    [Fact]
    public void ParametricFamilies()
    {
        ConvolutionKernel g = KernelLibrary.Create("Gaussian", size: 7, sigma: 1.5);
        Assert.Equal(7, g.Width);
        Assert.Equal(1, g.Sum, 6);
        Assert.Equal(31, KernelLibrary.Create("gaussian", sigma: 5).Width);
        Assert.Equal(9, KernelLibrary.Create("Box", size: 9).Width);
        ConvolutionKernel vertical = KernelLibrary.Create("MotionBlur", size: 5, angle: 90);
        for (int r = 0; r < 5; r++)
        {
            Assert.Equal(1, vertical.Matrices[0][r, 2], 6);
            Assert.Equal(0, vertical.Matrices[0][r, 0], 6);
        }

        ConvolutionKernel usm = KernelLibrary.Create("UnsharpMask", sigma: 1, amount: 0.5);
        Assert.Equal(1, usm.Sum, 6);
        Assert.Throws<InvalidKernelException>(() => KernelLibrary.Create("Gaussian", size: 4));
        Assert.Throws<InvalidKernelException>(() => KernelLibrary.Create("Sharpen", size: 5));
        Assert.Throws<InvalidKernelException>(() => KernelLibrary.Create("Box", angle: 5));
        Assert.Throws<InvalidKernelException>(() => KernelLibrary.Create("NoSuchKernel"));
    }

    [Theory]
    [InlineData("Gaussian", 200, "1201")]
    [InlineData("Gaussian", 1e9, "6000000001")]
    [InlineData("Gaussian", 1e12, "6000000000001")]
    [InlineData("UnsharpMask", 1e12, "6000000000001")]
    public void ASigmaTooLargeForAnySizeSaysSo(string family, double sigma, string taps)
    {
        // The size a sigma needs overflowed an int: this was "The kernel size must be an odd number from 1 to 1023;
        // -1 was given", though no size was given.
        InvalidKernelException e = Assert.Throws<InvalidKernelException>(() => KernelLibrary.Create(family, sigma: sigma));
        Assert.StartsWith($"Sigma {sigma.ToString(System.Globalization.CultureInfo.InvariantCulture)} needs a kernel of {taps} taps", e.Message);
        Assert.Contains("at most 170.333", e.Message);

        // The largest sigma it names is allowed, and gives the largest size.
        Assert.Equal(1023, KernelLibrary.Create(family, sigma: 170.333).Width);
    }

    private static PlanarImage Step(bool horizontal, bool rises)
    {
        var image = new PlanarImage(8, 8, PixelLayout.Gray, 8);
        Span<float> plane = image.GetChannel(0);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                int position = horizontal ? x : y;
                bool high = rises ? position >= 4 : position < 4;
                plane[(y * 8) + x] = high ? 200 : 10;
            }
        }

        return image;
    }

    [Theory]
    [InlineData("Gaussian7", "Gaussian", 7)]
    [InlineData("gaussian", "Gaussian", null)]
    [InlineData(" Box9 ", "Box", 9)]
    [InlineData("MotionBlur15", "MotionBlur", 15)]
    [InlineData("UNSHARPMASK", "UnsharpMask", null)]
    public void AFamilyNameIsKnownWithOrWithoutASize(string name, string family, int? size)
    {
        Assert.True(KernelLibrary.TryFamily(name, out string found, out int? foundSize));
        Assert.Equal((family, size), (found, foundSize));
    }

    [Theory]
    [InlineData("Blur")]
    [InlineData("Gaussian5x5")]
    [InlineData("Boxes")]
    [InlineData("Gaussian-3")]
    public void OtherNamesAreNoFamily(string name)
    {
        Assert.False(KernelLibrary.TryFamily(name, out _, out _));
    }

    [Theory]
    [InlineData("Gausian5", "Gaussian5")]
    [InlineData("gaussain5", "Gaussian5")]
    [InlineData("Kirch", "Kirsch")]
    [InlineData("Sobl", "Sobel")]
    [InlineData("sobelx2", "SobelX")]
    [InlineData("Lapacian", "Laplacian4,Laplacian8")]
    [InlineData("Gaussian4", "Gaussian3,Gaussian5")]
    [InlineData("Motion", "MotionBlur")]
    [InlineData("Sob", "SobelX,SobelY,Sobel")]
    [InlineData("Robert", "RobertsCross")]
    [InlineData("Blurry", "")]
    [InlineData("Sh", "")]
    public void OffersTheNamesAMistypedNameIsNearest(string given, string expected)
        => Assert.Equal(expected, string.Join(",", KernelLibrary.Nearest(given, KernelLibrary.All.Select(k => k.Name))));

    [Fact]
    public void OffersTheNamesAShortenedNameBeginsOnlyWhereTheyAreFew()
    {
        // No name within two edits of "Gau": the four it begins are offered, each once; five would be no guess.
        string[] names = { "Gaussian", "Gaussian3", "gaussian3", "Gaussian5", "Gaussian5x273", "Box" };
        Assert.Equal(new[] { "Gaussian", "Gaussian3", "Gaussian5", "Gaussian5x273" }, KernelLibrary.Nearest("gau", names));
        Assert.Empty(KernelLibrary.Nearest("Gau", names.Append("Gaussian7")));
        Assert.Empty(KernelLibrary.Nearest("Ga", names));
    }

    [Fact]
    public void SaysWhichNamesWereMeantAndListsTheFamiliesWhereTheyAreAccepted()
    {
        Assert.Null(KernelLibrary.DidYouMean(Array.Empty<string>()));
        Assert.Equal("Did you mean 'A'?", KernelLibrary.DidYouMean(new[] { "A" }));
        Assert.Equal("Did you mean 'A' or 'B'?", KernelLibrary.DidYouMean(new[] { "A", "B" }));
        Assert.Equal("Did you mean 'A', 'B' or 'C'?", KernelLibrary.DidYouMean(new[] { "A", "B", "C" }));

        Assert.StartsWith("'Gausian5' is not a built-in kernel. Did you mean 'Gaussian5'? Built-in kernels: Identity, ", KernelLibrary.UnknownName("Gausian5").Message);
        Assert.StartsWith("'Blurry' is not a built-in kernel. Built-in kernels: Identity, ", KernelLibrary.UnknownName("Blurry").Message);

        // A hint given (how to make a family's kernel) is said instead of a guess.
        Assert.StartsWith("'Gaussian7' is not a built-in kernel. Make one. Built-in kernels: ", KernelLibrary.UnknownName("Gaussian7", "Make one.").Message);

        // Create takes a family's name too: it is offered, and the families listed.
        InvalidKernelException e = Assert.Throws<InvalidKernelException>(() => KernelLibrary.Create("Gausian", sigma: 2));
        Assert.StartsWith("'Gausian' is not a built-in kernel. Did you mean 'Gaussian'? Built-in kernels: Identity, ", e.Message);
        Assert.EndsWith(". Kernels with parameters: Gaussian, Box, MotionBlur, UnsharpMask.", e.Message);
        Assert.DoesNotContain("Kernels with parameters", KernelLibrary.UnknownName("Gausian").Message);
    }
}
