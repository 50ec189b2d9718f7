using System;
using PSConvolution.Engine;
using Xunit;

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
    public void InvalidKernelsAreClearErrors(string text, string expected)
    {
        var error = Assert.Throws<InvalidKernelException>(() => KernelParser.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
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
    public void FlipRotatesByHalfATurn()
    {
        KernelMatrix m = KernelParser.Parse("1 2 3; 4 5 6; 7 8 9").Rotate180();
        Assert.Equal("9 8 7; 6 5 4; 3 2 1", m.ToString());
    }
}
