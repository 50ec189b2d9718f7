using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Convolution.Alpha;
using PSConvolution.Engine.Convolution.Integer;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The pixels the integer path lists from its exact sums for alpha-weighted blurs: every pixel whose alpha sum is
/// neither 0 nor at the rows' highest alpha (full unless known), and no other, whichever loop (AVX-512, AVX2,
/// portable, scalar tail) made them; and whether a pixel passed with alpha 0 under colour, whose colour the row then
/// needs made 0.
/// </summary>
public sealed class UniformAlphaSumsTests
{
    /// <summary>
    /// ClearTransparent makes 0 exactly the pixels whose alpha byte is 0, whatever their colour, in whole vectors and
    /// in the pixels after them: RGBA and grey-and-alpha rows of every length from 0 to 70 pixels.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void ClearingTransparentPixelsZeroesExactlyThoseWithAlphaZero(int channels)
    {
        var random = new Random(channels);
        for (int pixels = 0; pixels <= 70; pixels++)
        {
            var row = new byte[pixels * channels];
            random.NextBytes(row);
            for (int p = 0; p < pixels; p++)
            {
                // Alpha 0 in about half of them; now and then alpha 1 over colour 0, the least word that is kept.
                int kind = random.Next(6);
                row[(p * channels) + channels - 1] = (byte)(kind < 3 ? 0 : kind == 3 ? 1 : random.Next(256));
                if (kind == 3)
                {
                    Array.Clear(row, p * channels, channels - 1);
                }
            }

            byte[] expected = row.ToArray();
            for (int p = 0; p < pixels; p++)
            {
                if (expected[(p * channels) + channels - 1] == 0)
                {
                    Array.Clear(expected, p * channels, channels);
                }
            }

            UniformAlphaSums.ClearTransparent(row, channels);
            Assert.Equal(expected, row);
        }
    }

    public static IEnumerable<object[]> Cases =>
        from channels in new[] { 2, 4 }
        from stride in new[] { 1, 2, 3 }
        from symmetric in new[] { true, false }
        from level in new[] { 255, 128, 1, 0 }
        select new object[] { channels, stride, symmetric, level };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ListsExactlyThePixelsWhoseAlphaSumsAreNeitherZeroNorAtTheLevel(int channels, int stride, bool symmetric, int level)
    {
        var random = new Random((channels * 10) + (stride * 2) + (symmetric ? 1 : 0) + (level * 100));
        foreach (int pixels in new[] { 1, 7, 8, 15, 16, 17, 33, 64, 100, 301 })
        {
            // Sums for each pixel drawn from the cases that matter: all 0; alpha at the level with any colour; alpha
            // 0 with some colour; alpha just below the level; anything up to it. Long runs of one case, as rows of
            // cut-outs have. At level 0 every alpha sum is 0, and every pixel passes.
            const int shift = 8;
            ushort full = (ushort)(level << shift);
            int samples = pixels * channels;
            ushort[] taps = symmetric ? new ushort[] { 0, 1, 0 } : new ushort[] { 1, 0 };
            int[] offsets = Enumerable.Range(0, taps.Length).Select(j => j * channels).ToArray();
            int lead = symmetric ? channels : 0;
            var row = new ushort[samples + offsets[^1]];
            var expected = new List<int>();
            bool colouredInvisible = false;
            int kind = 0;
            for (int p = 0; p < pixels; p++)
            {
                kind = random.Next(6) == 0 ? random.Next(5) : kind;
                Span<ushort> sums = row.AsSpan(lead + (p * channels), channels);
                for (int c = 0; c < channels - 1; c++)
                {
                    sums[c] = kind switch { 0 => 0, 2 => (ushort)(random.Next(2) * random.Next(1, 65536)), _ => (ushort)random.Next(65536) };
                }

                sums[channels - 1] = kind switch { 0 or 2 => 0, 1 => full, 3 => (ushort)Math.Max(full - 1, 0), _ => (ushort)random.Next(full + 1) };
                // Alpha 0 passes whatever the colour (the row's colour there is made 0 after the store), and says so.
                bool passes = (level > 0 && sums[channels - 1] == full) || sums[channels - 1] == 0;
                colouredInvisible |= sums[channels - 1] == 0 && sums.IndexOfAnyExcept((ushort)0) >= 0;
                if (!passes && p % stride == 0)
                {
                    expected.Add(p / stride);
                }
            }

            var listed = new int[pixels];
            var masks = new uint[UniformAlphaSums.MaskWords(samples)];
            var check = new UniformAlphaSums(listed, 0, masks, samples, channels, shift, stride, level);
            var stored = new byte[samples];
            SeparableBytePasses.HorizontalStore(row, taps, offsets, shift, stored, ref check);
            Assert.Equal(expected, listed.Take(check.Finish(samples, int.MaxValue)));
            Assert.Equal(colouredInvisible, check.InvisibleColour);

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
        var masks = Enumerable.Repeat(uint.MaxValue, UniformAlphaSums.MaskWords(64 * 4)).ToArray();
        var listed = new int[64];
        var check = new UniformAlphaSums(listed, 0, masks, 64 * 4, 4, 8, 1);
        var row = new ushort[64 * 4];
        SeparableBytePasses.HorizontalStore(row, new ushort[] { 1 }, new[] { 0 }, 8, new byte[64 * 4], ref check);
        Assert.Equal(0, check.Finish(64 * 4, 0));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void TheNextRowListsOnlyItsOwnPixels(int channels)
    {
        // The check clears only the words the last one wrote (from its summary): rows that fail in different places,
        // one after another on one mask, each list exactly their own pixels, wide rows (several summary words) included.
        var random = new Random(channels);
        int pixels = 3000;
        int samples = pixels * channels;
        var masks = new uint[UniformAlphaSums.MaskWords(samples)];
        var listed = new int[pixels];
        ushort full = 255 << 8;
        for (int round = 0; round < 30; round++)
        {
            var row = new ushort[samples];
            var expected = new List<int>();
            for (int p = 0; p < pixels; p++)
            {
                bool fails = random.Next(round % 3 == 0 ? 50 : 400) == 0;
                row[(p * channels) + channels - 1] = fails ? (ushort)random.Next(1, full) : full;
                if (fails)
                {
                    expected.Add(p);
                }
            }

            var check = new UniformAlphaSums(listed, 0, masks, samples, channels, 8, 1);
            SeparableBytePasses.HorizontalStore(row, new ushort[] { 1 }, new[] { 0 }, 8, new byte[samples], ref check);
            Assert.Equal(expected, listed.Take(check.Finish(samples, int.MaxValue)));
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void HighestAlphaIsTheLargestLastSampleOfAnyPixel(int channels)
    {
        // Colour above alpha in the same pixel must not count; the highest alpha sits anywhere, the vector loops'
        // steps and the scalar tail included, and 255 ends the search early without changing the answer.
        var random = new Random(channels);
        foreach (int pixels in new[] { 1, 3, 15, 16, 31, 32, 63, 64, 65, 127, 128, 129, 300 })
        {
            for (int trial = 0; trial < 40; trial++)
            {
                var row = new byte[pixels * channels];
                int ceiling = trial % 4 == 0 ? 256 : random.Next(1, 255);
                for (int p = 0; p < pixels; p++)
                {
                    for (int c = 0; c < channels - 1; c++)
                    {
                        row[(p * channels) + c] = (byte)random.Next(256);
                    }

                    row[(p * channels) + channels - 1] = (byte)(trial % 3 == 0 ? random.Next(ceiling) : random.Next(Math.Min(ceiling, 3)));
                }

                row[(random.Next(pixels) * channels) + channels - 1] = (byte)(ceiling - 1);
                int expected = 0;
                for (int p = 0; p < pixels; p++)
                {
                    expected = Math.Max(expected, row[(p * channels) + channels - 1]);
                }

                Assert.Equal(expected, AlphaWindows.HighestAlpha(row, channels));
            }
        }
    }
}
