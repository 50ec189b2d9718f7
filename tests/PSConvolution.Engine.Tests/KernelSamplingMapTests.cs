using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution.Planning;

namespace PSConvolution.Engine.Tests;

public sealed class KernelSamplingMapTests
{
    // The contract's table for the row a b c d (indices 0..3), three samples beyond each edge; 4 = constant.
    [Theory]
    [InlineData(BorderMode.Constant, new[] { 4, 4, 4, 0, 1, 2, 3, 4, 4, 4 })]
    [InlineData(BorderMode.Replicate, new[] { 0, 0, 0, 0, 1, 2, 3, 3, 3, 3 })]
    [InlineData(BorderMode.Reflect, new[] { 2, 1, 0, 0, 1, 2, 3, 3, 2, 1 })]
    [InlineData(BorderMode.Mirror, new[] { 3, 2, 1, 0, 1, 2, 3, 2, 1, 0 })]
    [InlineData(BorderMode.Wrap, new[] { 1, 2, 3, 0, 1, 2, 3, 0, 1, 2 })]
    public void MatchesTheContractTable(BorderMode mode, int[] expected)
    {
        KernelSamplingMap map = KernelSamplingMap.Create(4, 7, 3, 1, PaddingMode.Same, mode);
        int[] padded = Enumerable.Range(0, 4 + 6).Select(p => map.Indices[p]).ToArray();
        Assert.Equal(expected, padded);
    }

    [Theory]
    [InlineData(BorderMode.Reflect)]
    [InlineData(BorderMode.Mirror)]
    [InlineData(BorderMode.Wrap)]
    [InlineData(BorderMode.Replicate)]
    public void KernelsLargerThanTheImageRepeatTheReflections(BorderMode mode)
    {
        KernelSamplingMap map = KernelSamplingMap.Create(3, 31, 15, 1, PaddingMode.Same, mode);
        for (int p = 0; p < map.PaddedLength; p++)
        {
            Assert.InRange(map.Indices[p], 0, 2);
            Assert.Equal(ReferenceConvolution.Fold(p - 15, 3, mode), map.Indices[p]);
        }
    }

    [Theory]
    [InlineData(10, 3, 1, PaddingMode.Same, 10)]
    [InlineData(10, 3, 3, PaddingMode.Same, 4)]
    [InlineData(10, 3, 1, PaddingMode.Valid, 8)]
    [InlineData(10, 3, 3, PaddingMode.Valid, 3)]
    [InlineData(3, 3, 2, PaddingMode.Valid, 1)]
    [InlineData(1, 15, 1, PaddingMode.Same, 1)]
    public void OutputSizesFollowTheContract(int length, int taps, int stride, PaddingMode padding, int expected)
    {
        Assert.Equal(expected, KernelSamplingMap.Create(length, taps, taps / 2, stride, padding, BorderMode.Replicate).OutputLength);
    }

    [Fact]
    public void ValidPaddingOnAnImageSmallerThanTheKernelIsAClearError()
    {
        var error = Assert.Throws<ConvolutionException>(() => KernelSamplingMap.Create(2, 5, 2, 1, PaddingMode.Valid, BorderMode.Replicate));
        Assert.Equal(ConvolutionErrorKind.ImageSmallerThanKernel, error.Kind);
        Assert.Contains("smaller than the kernel", error.Message);
        Assert.Contains("2 pixels along a side where the kernel has 5 taps", error.Message);
        var one = Assert.Throws<ConvolutionException>(() => KernelSamplingMap.Create(1, 3, 1, 1, PaddingMode.Valid, BorderMode.Replicate));
        Assert.Contains("1 pixel along a side", one.Message);
    }

    /// <summary>
    /// An axis shown reversed (EXIF orientation) lays the stride grid from its far end: the last output sits on the
    /// last position the padding allows, and the count is unchanged.
    /// </summary>
    [Theory]
    [InlineData(8, 3, 3, PaddingMode.Same, new[] { 0, 3, 6 }, new[] { 1, 4, 7 })]
    [InlineData(10, 3, 3, PaddingMode.Same, new[] { 0, 3, 6, 9 }, new[] { 0, 3, 6, 9 })]
    [InlineData(10, 3, 4, PaddingMode.Valid, new[] { 1, 5 }, new[] { 4, 8 })]
    [InlineData(9, 5, 1, PaddingMode.Valid, new[] { 2, 3, 4, 5, 6 }, new[] { 2, 3, 4, 5, 6 })]
    public void AReversedAxisLaysTheGridFromItsEnd(int length, int taps, int stride, PaddingMode padding, int[] fromStart, int[] fromEnd)
    {
        foreach ((bool reversed, int[] centres) in new[] { (false, fromStart), (true, fromEnd) })
        {
            KernelSamplingMap map = KernelSamplingMap.Create(length, taps, taps / 2, stride, padding, BorderMode.Reflect, reversed);
            Assert.Equal(centres.Length, map.OutputLength);
            Assert.Equal(centres, Enumerable.Range(0, map.OutputLength).Select(o => (o * map.Stride) + map.CentreOffset));
            Assert.Equal(centres, Enumerable.Range(0, map.OutputLength).Select(o => map.Indices[(o * map.Stride) + (taps / 2)]));
        }
    }
}
