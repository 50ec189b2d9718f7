using System;
using Xunit;
using PSConvolution.Engine.Convolution;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

public sealed class KernelDefinitionTests
{
    [Theory]
    [InlineData("1 2; 3", "differ in length")]
    [InlineData("1 2; 3 4", "even")]
    [InlineData("", "no weights")]
    [InlineData("1 x 1", "not a number")]
    [InlineData("1 NaN 1", "finite")]
    [InlineData("1 Infinity 1", "finite")]
    [InlineData("1e39 1 1", "single precision")]
    [InlineData("1e308 1e308 1e308", "single precision")]
    [InlineData("3e38 3e38 3e38", "beyond what can be computed")]
    [InlineData("0,5 1 0,5", "Write decimals with '.'")]
    [InlineData("1 2 1; 0,5 1 0,5", "row 1")]
    [InlineData("[[1, 2, 1], [2, 4, 2]", "does not close")]
    [InlineData("1, 2, 1]]", "did not open")]
    [InlineData("[[[1, 2, 1]]]", "more than two deep")]
    [InlineData("1/0 2 1", "'1/0' in kernel row 0 is not a number")]
    [InlineData("1/2/3 2 1", "not a number")]
    [InlineData("[[1, 2, 1], [2, 4]]", "differ in length")]
    [InlineData("np.array([[1, 2, 1]])", "'np.array(' before the kernel's brackets is not a factor")]
    [InlineData("[[1, 2, 1]] / 0", "'/ 0' after the kernel's brackets is not a factor")]
    [InlineData("[[1, 2, 1]] + 1", "after the kernel's brackets is not a factor")]
    [InlineData("1/16 * [[1, 2, 1]] / x", "after the kernel's brackets")]
    public void InvalidKernelsAreClearErrors(string text, string expected)
    {
        var error = Assert.Throws<InvalidKernelException>(() => KernelParser.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ABinaryFilesBytesAreRefusedAsSuchAndQuotedShort()
    {
        // A JPEG's first bytes as Get-Content -Raw reads them, then a long run of text: the message was the whole
        // file, raw bytes included.
        string jpeg = "\u00FF\u00D8\u00FF\u00E0\u0000\u0010JFIF\u0000\u0001" + new string('x', 100_000);
        var error = Assert.Throws<InvalidKernelException>(() => KernelParser.Parse(jpeg));
        Assert.StartsWith("The kernel text '\u00FF\u00D8\u00FF\u00E0\\u0000\\u0010JFIF\\u0000\\u0001xxxxxxxx...' (100,012 characters) holds the control character U+0000", error.Message);
        Assert.True(error.Message.Length < 400, error.Message);
        Assert.DoesNotContain('\0', error.Message);

        // Line breaks, tabs, form feeds and a byte order mark are text.
        Assert.Equal(3, KernelParser.Parse("\uFEFF1\t2\f1\u200B\r\n").Width);
        KernelParser.CheckText("0 -1 0\n-1 5 -1\r\n0 -1 0");
        Assert.Throws<InvalidKernelException>(() => KernelParser.CheckText("Sharpen\u001B[2J"));
    }

    [Theory]
    [InlineData("Gaussian5", "Gaussian5")]
    [InlineData("a\tb", "a\\u0009b")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890", "123456789012345678901234567890123456789012345678901234567890")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901", "1234567890123456789012345678901234567890...")]
    [InlineData("123456789012345678901234567890123456789\u0000abcdefghijklmnopqrstuvwxyz", "123456789012345678901234567890123456789...")]
    public void UserTextIsQuotedWithControlCharactersEscapedAndLongTextCut(string text, string shown)
        => Assert.Equal(shown, KernelParser.Shown(text));

    [Fact]
    public void AMistypedLongTokenIsQuotedShort()
    {
        var error = Assert.Throws<InvalidKernelException>(() => KernelParser.Parse("1 " + new string('y', 10_000) + " 1"));
        Assert.StartsWith("'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...' in kernel row 0 is not a number", error.Message);
        Assert.StartsWith("'" + new string('z', 40) + "...' is not a built-in kernel.", KernelLibrary.UnknownName(new string('z', 5000)).Message);
    }

    [Theory]
    [InlineData("# sharpen\n0 -1 0\n-1 5 -1 # centre\n\n0 -1 0", 3, 3)]
    [InlineData("0 -1 0; -1 5 -1; 0 -1 0 # three rows", 3, 3)]
    [InlineData("1 2 1 # the rest is a comment; 2 4 2", 3, 1)]
    [InlineData("\r\n# header\r\n1,2,1\r\n", 3, 1)]
    public void TextFromAHashToTheEndOfALineIsAComment(string text, int width, int height)
    {
        KernelMatrix m = KernelParser.Parse(text);
        Assert.Equal((width, height), (m.Width, m.Height));
        Assert.True(KernelParser.LooksLikeMatrix(text), text);
    }

    [Fact]
    public void NormalizingAZeroSumKernelIsAnError()
    {
        var kernel = new ConvolutionKernel("z", "Custom", "zero", new[] { KernelParser.Parse("0 0 0; 0 0 0; 0 0 0") });
        var error = Assert.Throws<InvalidKernelException>(() => kernel.With(normalize: true));
        Assert.Contains("sum to 0", error.Message);
    }

    [Fact]
    public void EvenSizesNeedAnExplicitAnchor()
    {
        KernelMatrix m = KernelMatrix.Create(new[] { new[] { 1.0, -1.0 } }, anchorX: 0, anchorY: 0);
        Assert.Equal(2, m.Width);
        Assert.Throws<InvalidKernelException>(() => KernelMatrix.Create(new[] { new[] { 1.0, -1.0 } }, anchorX: 2, anchorY: 0));
    }

    [Fact]
    public void DivisorDefaultsToTheSumOrOne()
    {
        Assert.Equal(16, KernelParser.Parse("1 2 1; 2 4 2; 1 2 1").DefaultDivisor);
        Assert.Equal(1, KernelParser.Parse("-1 0 1").DefaultDivisor);
        var normalized = new ConvolutionKernel("n", "Custom", "n", new[] { KernelParser.Parse("1 2 1") }).With(normalize: true);
        Assert.Equal(1, normalized.Divisor);
        Assert.Equal(0.25, normalized.Matrices[0][0, 0]);
    }

    [Fact]
    public void TextAcceptsSemicolonsNewLinesAndCommas()
    {
        Assert.Equal("0 -1 0; -1 5 -1; 0 -1 0", KernelParser.Parse("0,-1,0\n-1, 5, -1\r\n0 -1 0").ToString());
    }

    [Fact]
    public void TextKeepsEveryWeightExactly()
    {
        // A matrix's Text is what ConvertTo-Json and a job keep of it: read back, the weights are the same doubles.
        var rows = new[] { new[] { 1 / 3.0, Math.PI, -1e-7 }, new[] { 0.1 + 0.2, 2.0 / 7, 3e30 } };
        KernelMatrix m = KernelMatrix.Create(rows, 2, 0);
        double[][] back = KernelParser.ParseRows(m.Text);
        Assert.Equal(rows, back);
    }

    [Fact]
    public void FlipRotatesByHalfATurn()
    {
        KernelMatrix original = KernelMatrix.Create(KernelParser.ParseRows("1 2 3; 4 5 6; 7 8 9"), 0, 1);
        KernelMatrix m = original.Rotate180();
        Assert.Equal("9 8 7; 6 5 4; 3 2 1", m.ToString());
        Assert.Equal(m.ToString(), m.Text);
        Assert.Equal((2, 1), (m.AnchorX, m.AnchorY));

        // Made once and kept, both ways: a call over many files flips (and factors) the kernel once.
        Assert.Same(m, original.Rotate180());
        Assert.Same(original, m.Rotate180());
        Assert.Equal((0, 1), (m.Rotate180().AnchorX, m.Rotate180().AnchorY));
    }

    [Theory]
    [InlineData("[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]")] // Python, NumPy, JSON
    [InlineData("[[0,-1,0],[-1,5,-1],[0,-1,0]]")]
    [InlineData("[\n  [0, -1, 0],\n  [-1, 5, -1],\n  [0, -1, 0],\n]")] // one row a line, a trailing comma
    [InlineData("[0, -1, 0], [-1, 5, -1], [0, -1, 0]")] // rows without the outer list
    [InlineData("[0 -1 0; -1 5 -1; 0 -1 0]")] // MATLAB
    [InlineData("0 \u22121 0; \u22121 5 \u22121; 0 \u22121 0")] // typeset: the minus sign
    [InlineData("0\u00A0-1\u00A00;\u2009-1 5 -1; 0 -1 0")] // no-break and thin spaces
    [InlineData("0/4 -4/4 0; -1 20/4 -1; 0 -1 0/1")] // fractions
    public void KernelsCopiedFromElsewhereReadAsWritten(string text)
    {
        Assert.True(KernelParser.LooksLikeMatrix(text), text);
        Assert.Equal("0 -1 0; -1 5 -1; 0 -1 0", KernelParser.Parse(text).ToString());
    }

    [Theory]
    [InlineData("1/16 [1 2 1; 2 4 2; 1 2 1]")] // as books write it
    [InlineData("1/16 * [[1, 2, 1], [2, 4, 2], [1, 2, 1]]")]
    [InlineData("(1/16) \u00D7 [[1, 2, 1], [2, 4, 2], [1, 2, 1]]")]
    [InlineData("[[1, 2, 1], [2, 4, 2], [1, 2, 1]] / 16")] // as NumPy scales an array
    [InlineData("# binomial\n[[1, 2, 1],\n [2, 4, 2],\n [1, 2, 1]] * 0.0625")]
    [InlineData("0.5 [[2, 4, 2], [4, 8, 4], [2, 4, 2]] / 16")]
    public void AFactorOutsideTheBracketsScalesTheWeights(string text)
    {
        Assert.True(KernelParser.LooksLikeMatrix(text), text);
        double[][] expected = { new[] { 1 / 16.0, 2 / 16.0, 1 / 16.0 }, new[] { 2 / 16.0, 4 / 16.0, 2 / 16.0 }, new[] { 1 / 16.0, 2 / 16.0, 1 / 16.0 } };
        Assert.Equal(expected, KernelParser.ParseRows(text));
    }

    [Fact]
    public void AListOfOneRowIsOneRowAndFractionsAreExact()
    {
        Assert.Equal("1 4 6 4 1", KernelParser.Parse("[1, 4, 6, 4, 1]").ToString());
        Assert.Equal(new[] { new[] { 1 / 16.0, 2 / 16.0, 1 / 16.0 } }, KernelParser.ParseRows("1/16 2/16 1/16"));
        Assert.Equal(new[] { new[] { -0.25, 0.5 } }, KernelParser.ParseRows("-1/4 1/2"));
    }

    [Theory]
    [InlineData("1, 2, 1")]
    [InlineData("1,2,1")]
    [InlineData("1 ,2 ,1")]
    [InlineData("1\t2\t1")]
    public void PlainListsWithCommasAreNotDecimalCommas(string text)
    {
        Assert.Equal("1 2 1", KernelParser.Parse(text).ToString());
    }

    [Fact]
    public void ASumThatIsARoundingErrorCountsAsZero()
    {
        // A Laplacian of Gaussian computed in a script: the weights minus their mean sum to about 1e-16.
        var rows = new double[9][];
        double mean = 0;
        for (int y = 0; y < 9; y++)
        {
            rows[y] = new double[9];
            for (int x = 0; x < 9; x++)
            {
                double r2 = ((x - 4) * (x - 4)) + ((y - 4) * (y - 4));
                rows[y][x] = (1 - (r2 / 8)) * Math.Exp(-r2 / 8);
                mean += rows[y][x] / 81;
            }
        }

        foreach (double[] row in rows)
        {
            for (int x = 0; x < 9; x++)
            {
                row[x] -= mean;
            }
        }

        KernelMatrix log = KernelMatrix.Create(rows);
        Assert.NotEqual(0, log.Sum);
        Assert.True(log.IsZeroSum);
        Assert.Equal(1, log.DefaultDivisor);
        Assert.Equal(1, log.SmallSumAmplification);

        // Weights stored in single precision: 0.1 three times and -0.3 do not cancel in double.
        KernelMatrix single = KernelMatrix.Create(new[] { new[] { (double)0.1f, 0.1f, 0.1f }, new[] { 0, (double)-0.3f, 0 }, new[] { 0.0, 0, 0 } });
        Assert.NotEqual(0, single.Sum);
        Assert.Equal(1, single.DefaultDivisor);
    }

    [Theory]
    [InlineData("-1 -1 -1; -1 8.05 -1; -1 -1 -1", 0.05, 321)]
    [InlineData("1 -2 1.001", 0.001, 4001)]
    public void ASmallButRealSumIsTheDivisorAndSaysHowMuchItAmplifies(string text, double sum, double amplification)
    {
        KernelMatrix m = KernelParser.Parse(text);
        Assert.False(m.IsZeroSum);
        Assert.Equal(sum, m.DefaultDivisor, 9);
        Assert.Equal(amplification, m.SmallSumAmplification, 6);
        Assert.Equal(1, KernelParser.Parse("0 -1 0; -1 5 -1; 0 -1 0").SmallSumAmplification);
    }

    [Fact]
    public void ADivisorThatVanishesInSinglePrecisionIsRefused()
    {
        Assert.Throws<InvalidKernelException>(() => new ConvolutionKernel("d", "Custom", "d", new[] { KernelParser.Parse("1 2 1") }, divisor: 1e-50));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Divisor = 1e300 }.Validate());
    }

    [Fact]
    public void UnnamedKernelsAreNamedByTheirSizeAndAHashOfTheirDefinition()
    {
        ConvolutionKernel Make(string text, double bias = 0) => new(string.Empty, "Custom", "c", new[] { KernelParser.Parse(text) }, bias: bias);
        ConvolutionKernel a = Make("0 -1 0; -1 4 -1; 0 -1 0");
        Assert.Matches("^Custom3x3-[0-9a-f]{8}$", a.Name);
        Assert.False(a.IsNamed);
        Assert.Equal(a.Name, Make("0 -1 0; -1 4 -1; 0 -1 0").Name);
        Assert.Equal(a.Name, Make("-0 -1 0; -1 4 -1; 0 -1 0").Name);
        Assert.NotEqual(a.Name, Make("0 -1 0; -1 4.5 -1; 0 -1 0").Name);
        Assert.NotEqual(a.Name, Make("0 -1 0; -1 4 -1; 0 -1 0", bias: 128).Name);
        Assert.NotEqual(a.Name, a.With(bias: 128).Name);
        Assert.NotEqual(a.Name, a.With(divisor: 2).Name);
        Assert.Matches("^Custom5x1-[0-9a-f]{8}$", Make("1 2 3 2 1").Name);
        ConvolutionKernel named = new("Mine", "Custom", "c", new[] { KernelParser.Parse("1 2 1") });
        Assert.Equal("Mine", named.With(bias: 3).Name);
    }

    [Theory]
    [InlineData(PixelLayout.Rgb, ColorChannel.Alpha, "Alpha")]
    [InlineData(PixelLayout.Rgb, ColorChannel.Red | ColorChannel.Alpha, "Alpha")]
    [InlineData(PixelLayout.Gray, ColorChannel.Red, "Red")]
    [InlineData(PixelLayout.GrayAlpha, ColorChannel.Blue | ColorChannel.Alpha, "Blue")]
    [InlineData(PixelLayout.Rgb, ColorChannel.All, null)]
    [InlineData(PixelLayout.Gray, ColorChannel.Color, null)]
    [InlineData(PixelLayout.Gray, ColorChannel.Gray, null)]
    [InlineData(PixelLayout.Rgb, ColorChannel.Gray, null)]
    [InlineData(PixelLayout.Rgba, ColorChannel.Alpha, null)]
    [InlineData(PixelLayout.GrayAlpha, ColorChannel.Alpha, null)]
    public void AChannelTheImageLacksIsNamed(PixelLayout layout, ColorChannel channels, string? missing)
    {
        Assert.Equal(missing, ImageConvolver.FindMissingChannel(layout, channels));
        Assert.Null(ImageConvolver.FindMissingChannel(layout, null));
    }
}
