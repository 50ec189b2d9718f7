using System;
using Xunit;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Tests;

public sealed class SampleConversionTests
{
    [Theory]
    [MemberData(nameof(IntegerPathTests.Seeds), MemberType = typeof(IntegerPathTests))]
    public void EveryStoreLoopRoundsAsTheScalarQuantizeDoes(int seed)
    {
        // The vector loops of SampleConversion.Store (AVX-512, AVX2, Vector<T>, as this run's hardware allows) against
        // its scalar step, on values that cover both ends of the range, ties, and values past 2^31 either way.
        var random = new Random(seed);
        int n = random.Next(0, 300);
        float[] values = new float[n];
        for (int k = 0; k < n; k++)
        {
            values[k] = random.Next(6) switch
            {
                0 => random.Next(-300, 600) + 0.5f,
                1 => (float)((random.NextDouble() - 0.5) * 1e10),
                2 => random.Next(-70000, 140000),
                _ => (float)((random.NextDouble() * 700) - 200),
            };
        }

        float divisor = random.Next(3) switch { 0 => 1f, 1 => -2.5f, _ => (float)(random.NextDouble() * 4) + 0.25f };
        float bias = random.Next(2) == 0 ? 0f : random.Next(-100, 100) + 0.5f;
        bool absolute = random.Next(2) == 0;

        byte[] bytes = new byte[n];
        SampleConversion.Store<byte>(values, divisor, bias, 255f, absolute, bytes);
        ushort[] words = new ushort[n];
        SampleConversion.Store<ushort>(values, divisor, bias, 65535f, absolute, words);
        for (int k = 0; k < n; k++)
        {
            float v = (values[k] / divisor) + bias;
            Expect.True(SampleConversion.Quantize<byte>(v, 255f, absolute) == bytes[k], $"seed {seed}: {values[k]} / {divisor} + {bias} gave {bytes[k]}");
            Expect.True(SampleConversion.Quantize<ushort>(v, 65535f, absolute) == words[k], $"seed {seed}: {values[k]} / {divisor} + {bias} gave {words[k]} (16 bit)");
        }
    }
}
