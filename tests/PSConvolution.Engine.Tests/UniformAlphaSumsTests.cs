using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution.Alpha;
using PSConvolution.Engine.Convolution.Integer;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The pixels the integer path lists from its exact sums for alpha-weighted blurs: every pixel whose sums are
/// neither all 0 nor at full alpha, and no other, whichever loop (AVX-512, AVX2, portable, scalar tail) made them.
/// </summary>
public sealed class UniformAlphaSumsTests
{
    public static IEnumerable<object[]> Cases =>
        from channels in new[] { 2, 4 }
        from stride in new[] { 1, 2, 3 }
        from symmetric in new[] { true, false }
        select new object[] { channels, stride, symmetric };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ListsExactlyThePixelsWhoseSumsAreNeitherZeroNorFullAlpha(int channels, int stride, bool symmetric)
    {
        var random = new Random((channels * 10) + (stride * 2) + (symmetric ? 1 : 0));
        foreach (int pixels in new[] { 1, 7, 8, 15, 16, 17, 33, 64, 100, 301 })
        {
            // Sums for each pixel drawn from the cases that matter: all 0; full alpha with any colour; alpha 0 with
            // some colour; alpha just below full; anything. Long runs of one case, as rows of cut-outs have.
            const int shift = 8;
            ushort full = 255 << shift;
            int samples = pixels * channels;
            ushort[] taps = symmetric ? new ushort[] { 0, 1, 0 } : new ushort[] { 1, 0 };
            int[] offsets = Enumerable.Range(0, taps.Length).Select(j => j * channels).ToArray();
            int lead = symmetric ? channels : 0;
            var row = new ushort[samples + offsets[^1]];
            var expected = new List<int>();
            int kind = 0;
            for (int p = 0; p < pixels; p++)
            {
                kind = random.Next(6) == 0 ? random.Next(5) : kind;
                Span<ushort> sums = row.AsSpan(lead + (p * channels), channels);
                for (int c = 0; c < channels - 1; c++)
                {
                    sums[c] = kind switch { 0 => 0, 2 => (ushort)(random.Next(2) * random.Next(1, 65536)), _ => (ushort)random.Next(65536) };
                }

                sums[channels - 1] = kind switch { 0 or 2 => 0, 1 => full, 3 => (ushort)(full - 1), _ => (ushort)random.Next(full + 1) };
                bool passes = sums[channels - 1] == full || sums.IndexOfAnyExcept((ushort)0) < 0;
                if (!passes && p % stride == 0)
                {
                    expected.Add(p / stride);
                }
            }

            var listed = new int[pixels];
            var masks = new uint[UniformAlphaSums.MaskWords(samples)];
            var check = new UniformAlphaSums(listed, 0, masks, samples, channels, shift, stride);
            var stored = new byte[samples];
            SeparableBytePasses.HorizontalStore(row, taps, offsets, shift, stored, ref check);
            Assert.Equal(expected, listed.Take(check.Finish(samples, int.MaxValue)));

            // A limit as long as the list lets it through; one shorter leaves it unfinished.
            Assert.Equal(expected.Count, check.Finish(samples, expected.Count));
            Assert.Equal(expected.Count == 0 ? 0 : -1, check.Finish(samples, expected.Count - 1));

            // The check changes nothing the pass stores.
            var plain = new byte[samples];
            SeparableBytePasses.HorizontalStore(row, taps, offsets, shift, plain);
            Assert.Equal(plain, stored);
        }
    }

    [Fact]
    public void AMaskLeftFromAnotherRowIsCleared()
    {
        var masks = Enumerable.Repeat(uint.MaxValue, 4).ToArray();
        var listed = new int[64];
        var check = new UniformAlphaSums(listed, 0, masks, 64 * 4, 4, 8, 1);
        var row = new ushort[64 * 4];
        SeparableBytePasses.HorizontalStore(row, new ushort[] { 1 }, new[] { 0 }, 8, new byte[64 * 4], ref check);
        Assert.Equal(0, check.Finish(64 * 4, 0));
    }
}
