using System;
using Xunit;
using PSConvolution.Engine.Convolution.Alpha;
using PSConvolution.Engine.Convolution.Planning;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The level a block's listing checks against: no alpha that any window of the block's output rows reads may be
/// above it, and for the check to pass uniform windows it should be no higher than it must: the highest alpha of
/// the whole rows those windows read, and the border value where they read it.
/// </summary>
public sealed class BlockLevelsTests
{
    [Theory]
    [InlineData(4, 5, 5, 1, BorderMode.Replicate, PaddingMode.Same)]
    [InlineData(4, 5, 5, 2, BorderMode.Constant, PaddingMode.Same)]
    [InlineData(4, 3, 3, 3, BorderMode.Constant, PaddingMode.Valid)]
    [InlineData(4, 1, 5, 1, BorderMode.Constant, PaddingMode.Same)]
    [InlineData(4, 5, 1, 1, BorderMode.Constant, PaddingMode.Same)]
    [InlineData(2, 5, 5, 1, BorderMode.Reflect, PaddingMode.Same)]
    [InlineData(2, 7, 7, 2, BorderMode.Constant, PaddingMode.Same)]
    [InlineData(2, 3, 3, 1, BorderMode.Wrap, PaddingMode.Same)]
    public void IsTheHighestAlphaTheBlocksWindowsRead(int channels, int kernelWidth, int taps, int stride, BorderMode border, PaddingMode padding)
    {
        var random = new Random((channels * 1000) + (kernelWidth * 100) + (taps * 10) + stride);
        for (int trial = 0; trial < 30; trial++)
        {
            int width = random.Next(kernelWidth, 90), height = random.Next(taps, 60);
            var pixels = new byte[width * height * channels];
            random.NextBytes(pixels);
            for (int y = 0; y < height; y++)
            {
                // Rows whose highest alpha differs a lot, so a row left out or one read too many shows.
                int ceiling = random.Next(4) == 0 ? 256 : random.Next(1, 200);
                for (int x = 0; x < width; x++)
                {
                    pixels[(((y * width) + x) * channels) + channels - 1] = (byte)random.Next(ceiling);
                }
            }

            byte borderValue = (byte)random.Next(256);
            var rows = KernelSamplingMap.Create(height, taps, taps / 2, stride, padding, border);
            var columns = KernelSamplingMap.Create(width, kernelWidth, kernelWidth / 2, stride, padding, border);
            bool borderColumns = Array.IndexOf(columns.Indices, columns.SourceLength) >= 0;
            using var levels = new AlphaEdgeCorrection.BlockLevels(pixels, width, height, channels, rows, borderValue, borderColumns);
            int y0 = random.Next(rows.OutputLength);
            int y1 = Math.Min(rows.OutputLength, y0 + random.Next(1, 20));
            Assert.Equal(255, levels.Of(y0, y1));
            levels.Wanted = true;

            // Every row any window of rows [y0, y1) reads (padded row o·stride + t), whole, and the border value
            // where a window reads it, in a row of it or in columns of it.
            int expected = 0;
            for (int o = y0; o < y1; o++)
            {
                for (int t = 0; t < taps; t++)
                {
                    int r = rows.Indices[(o * rows.Stride) + t];
                    for (int c = 0; c <= width; c++)
                    {
                        bool read = c < width || Array.IndexOf(columns.Indices, width) >= 0;
                        int value = r == height || c == width ? borderValue : pixels[(((r * width) + c) * channels) + channels - 1];
                        expected = read ? Math.Max(expected, value) : expected;
                    }
                }
            }

            Assert.Equal(expected, levels.Of(y0, y1));
            Assert.Equal(expected, levels.Of(y0, y1));
        }
    }
}
