using System;
using System.Linq;
using PSConvolution.Engine;
using Xunit;

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
        var step = new InterleavedConvolver.Step(k.Matrices.ToArray(), k.Combination, new[] { (float)k.Divisor }, 0, 0, 255, OutputRange.Clamp, new[] { true });
        Assert.Equal(expected, IntegerSeparableConvolver.TryPlan(step, out _));
        var biased = new InterleavedConvolver.Step(k.Matrices.ToArray(), k.Combination, new[] { (float)k.Divisor }, 3, 0, 255, OutputRange.Clamp, new[] { true });
        Assert.False(IntegerSeparableConvolver.TryPlan(biased, out _));
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

    // The same arithmetic through the float path: weights doubled and divisor 512 make the product 1024,
    // which the integer path refuses, while every float sum and division stays exact.
    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesTheFloatPathBitForBit(int seed)
    {
        var random = new Random(seed);
        ConvolutionKernel kernel = KernelLibrary.Get(random.Next(2) == 0 ? "Gaussian3" : "Gaussian5");
        ConvolutionKernel doubled = new ConvolutionKernel("Doubled", "Blur", "float path", new[] { kernel.Matrices[0].Scale(2) }, divisor: kernel.Divisor * 2);
        var layout = (PixelLayout)random.Next(4);
        using PlanarImage image = TestImages.Random(random, random.Next(1, 90), random.Next(1, 40), layout, 8);
        var options = new ConvolutionOptions
        {
            BorderMode = (BorderMode)random.Next(5),
            BorderValue = random.Next(256),
            Stride = random.Next(1, 4),
            Padding = random.Next(4) == 0 && image.Width >= 5 && image.Height >= 5 ? PaddingMode.Valid : PaddingMode.Same,
            Channels = (ColorChannel)random.Next(0, 32),
            MaxDegreeOfParallelism = random.Next(1, 3),
        };
        using PlanarImage integer = ImageConvolver.Convolve(image, new[] { kernel }, options);
        using PlanarImage floating = ImageConvolver.Convolve(image, new[] { doubled }, options);
        ConvolutionPropertyTests.AssertIdentical(floating, integer);
    }
}
