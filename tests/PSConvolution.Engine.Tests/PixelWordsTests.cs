using System;
using System.Numerics;
using PSConvolution.Engine.Convolution.Samples;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The unselected channels of a row copied by masked blends: every sample of an unselected channel is the source's,
/// every other is left as it was, for every channel count, sample size and selection, and row lengths that end
/// anywhere in the masks' period (one vector, or three for three-channel pixels), 256-bit or 512-bit.
/// </summary>
public sealed class PixelWordsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void CopiesTheUnselectedChannelsOfBytes(int channels) => CopiesTheUnselectedChannels<byte>(channels, r => (byte)r.Next(256));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void CopiesTheUnselectedChannelsOfWords(int channels) => CopiesTheUnselectedChannels<ushort>(channels, r => (ushort)r.Next(65536));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void CopiesTheUnselectedChannelsOfFloats(int channels) => CopiesTheUnselectedChannels<float>(channels, r => (float)r.NextDouble());

    [Fact]
    public void ThreeChannelRowsTakeTheVectorLoops()
    {
        // Every channel count and sample size the engine stores has a vector form where vectors are accelerated: a
        // three-channel row went sample by sample, four times the whole blur's time for -Channel Red on a photo.
        foreach (int size in new[] { 1, 2, 4 })
        {
            for (int channels = 1; channels <= 4; channels++)
            {
                var selected = new bool[channels];
                selected[0] = true;
                bool done = size switch
                {
                    1 => PixelWords.TryCopyChannels<byte>(new byte[channels * 100], new byte[channels * 100], channels, selected),
                    2 => PixelWords.TryCopyChannels<ushort>(new ushort[channels * 100], new ushort[channels * 100], channels, selected),
                    _ => PixelWords.TryCopyChannels<float>(new float[channels * 100], new float[channels * 100], channels, selected),
                };
                Assert.Equal(Vector.IsHardwareAccelerated, done);
            }
        }
    }

    private static void CopiesTheUnselectedChannels<T>(int channels, Func<Random, T> next)
        where T : unmanaged, IEquatable<T>
    {
        var random = new Random(channels);
        for (int mask = 0; mask < 1 << channels; mask++)
        {
            var selected = new bool[channels];
            for (int c = 0; c < channels; c++)
            {
                selected[c] = (mask & (1 << c)) != 0;
            }

            // Up to past two periods of three 64-byte vectors of 3-byte pixels (128 pixels), so every loop is reached
            // and every tail: no whole vector after the last period, one, or two, then 0 to 63 bytes.
            for (int pixels = 0; pixels <= 140; pixels++)
            {
                var source = new T[pixels * channels];
                var before = new T[pixels * channels];
                for (int i = 0; i < source.Length; i++)
                {
                    source[i] = next(random);
                    before[i] = next(random);
                }

                var destination = (T[])before.Clone();
                if (!PixelWords.TryCopyChannels<T>(source, destination, channels, selected))
                {
                    Assert.False(Vector.IsHardwareAccelerated);
                    return;
                }

                for (int i = 0; i < destination.Length; i++)
                {
                    T expected = selected[i % channels] ? before[i] : source[i];
                    Expect.True(expected.Equals(destination[i]), $"{typeof(T).Name}, {channels} channels, selection {mask}, {pixels} pixels: sample {i}");
                }
            }
        }
    }
}
