using System;
using System.Numerics;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Platform;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The portable loops' rounded divisions by powers of two: hardware shifts on .NET 8, one trip into single
/// precision on netstandard2.0 (this suite runs against both builds). Every lane must be the scalar rounding's,
/// to nearest with ties to even, over the whole range each form promises.
/// </summary>
public sealed class VectorShiftTests
{
    [Fact]
    public void SixteenBitLanesRoundLikeTheScalarFormForEveryValue()
    {
        int count = Vector<ushort>.Count;
        var lanes = new ushort[count];
        for (int shift = 1; shift <= 15; shift++)
        {
            var halfLessOne = new Vector<ushort>((ushort)ShiftRounding.HalfLessOne(shift));

            // Every v for which v + 2^(shift-1) fits the lane, as the callers keep it.
            int last = ushort.MaxValue - (1 << (shift - 1));
            for (int first = 0; first <= last; first += count)
            {
                for (int i = 0; i < count; i++)
                {
                    lanes[i] = (ushort)Math.Min(first + i, last);
                }

                Vector<ushort> rounded = VectorShift.DivideRounded(new Vector<ushort>(lanes), shift, halfLessOne);
                for (int i = 0; i < count; i++)
                {
                    Expect.True(ShiftRounding.Divide(lanes[i], shift) == rounded[i], $"{lanes[i]} / 2^{shift}: {rounded[i]}");
                }
            }
        }
    }

    [Fact]
    public void ThirtyTwoBitLanesRoundLikeTheScalarFormOverTheirRange()
    {
        // Lanes below 2^24 in magnitude with quotients below 2^22: every value near 0, both ends of the range, every
        // tie (an odd multiple of 2^(shift-1)) among random values, and random values across it.
        var random = new Random(20261203);
        int count = Vector<int>.Count;
        var lanes = new int[count];
        for (int shift = 1; shift <= 15; shift++)
        {
            var halfLessOne = new Vector<int>(ShiftRounding.HalfLessOne(shift));
            int limit = (int)Math.Min((1L << 24) - 1, (1L << (22 + shift)) - 1);
            int tie = 1 << (shift - 1);
            int next = -70_000;
            for (int block = 0; block < 12_000; block++)
            {
                for (int i = 0; i < count; i++)
                {
                    lanes[i] = (block % 4) switch
                    {
                        0 or 1 => Math.Min(next++, limit),
                        2 => ((2 * random.Next(-limit / (2 * tie), limit / (2 * tie))) + 1) * tie,
                        _ => i % 2 == 0 ? random.Next(-limit, limit + 1) : (i % 4 == 1 ? limit - random.Next(64) : -limit + random.Next(64)),
                    };
                }

                Vector<int> rounded = VectorShift.DivideRounded(new Vector<int>(lanes), shift, halfLessOne);
                for (int i = 0; i < count; i++)
                {
                    Expect.True(ShiftRounding.Divide(lanes[i], shift) == rounded[i], $"{lanes[i]} / 2^{shift}: {rounded[i]}");
                }
            }
        }
    }
}
