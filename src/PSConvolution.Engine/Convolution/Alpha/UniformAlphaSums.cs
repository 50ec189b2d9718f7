using System;
#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
#endif
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PSConvolution.Engine.Convolution.Integer;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// Lists, from the exact sums of a blur on the separable integer path, the pixels whose window may hold more than
/// one alpha value. That path's weights are non-negative integers summing to 2^shift, so where no alpha the rows
/// read is above a level L, a pixel's alpha sum is L·2^shift only where every alpha under a non-zero weight is L,
/// and its alpha sum is 0 only where every alpha under such a weight is 0. In the first the unweighted result is the
/// alpha-weighted one; in the second so is its alpha (0), and its colour must be 0: it is already where the colour
/// under transparent pixels is 0 (all its sums 0), and where it is not (as many editors keep it), the check says so
/// (<see cref="InvisibleColour"/>) and the caller makes the stored row's transparent pixels 0
/// (<see cref="ClearTransparent"/>). Every other pixel is listed: on a cut-out, those on or near its rim. L is 255 (full alpha) unless the caller knows the rows' highest alpha, as for a half-transparent layer;
/// where alpha is uniform over a wide area but neither 0 nor L, every pixel there fails, the list reaches the
/// caller's limit and stops, and the caller judges windows instead.
/// The pass shows the sums 64 or 32 samples at a time. A vector's failing pixels leave one bit each in the mask
/// word of their 64 samples, written only for a vector that has one and never through a call (a call in the loop
/// would spill its vector registers), and each word written leaves a bit in a summary after the words, so that
/// <see cref="Finish"/> lists them once the row is done, and the next row clears them, without reading the rest.
/// </summary>
internal partial struct UniformAlphaSums : ISumCheck
{
    private readonly int[] pixels;
    private readonly int offset;
    private readonly uint[] masks;
    private readonly int words;
    private readonly int channels;
    private readonly int channelBits;
    private readonly ushort full;
    private readonly int stride;
    private bool zero;

    // True after a vector passed as all 0 (outside a cut-out), so the next tries that shortcut first.
    private bool outside;

    // True once a pixel passed whose alpha sum is 0 but whose colour sums are not (a cut-out that keeps colour under
    // its transparent pixels): the stored row then needs those pixels' colour made 0 (ClearTransparent).
    private bool invisibleColour;

    // The portable loop's form of the same test (see below): Vector<T> compares signed lanes only, so both sides are
    // offset by 2^63 (RGBA) or 2^31 (grey and alpha).
    private readonly Vector<long> portableBelow;
    private readonly Vector<int> portableBelow2;

    // The full alpha sum in every pixel's alpha lane, 0 in the others (the pass tests below).
    private readonly Vector<ushort> portableFullAlpha;
#if NET8_0_OR_GREATER
    // Each pixel lane fails when lane - 1 < below as unsigned numbers: below is the full alpha sum (level·2^shift) in
    // the top 16 bits, less one, so 0 wraps to the top and passes, and so does any lane whose alpha is full (no alpha
    // the rows read is above the level, so no sum is more).
    // AVX2 compares signed 64-bit numbers only: both sides are offset by 2^63 (lane - 1 + 2^63 = lane + long.MaxValue).
    private Vector256<long> signedBelow;
    private Vector256<int> signedBelow2;
    private Vector512<ulong> below;
    private Vector512<uint> below2;

    // The full alpha sum in every pixel's alpha lane, 0 in the others.
    private Vector256<ushort> fullAlpha;
    private Vector512<ushort> fullAlpha512;
#endif

    /// <param name="pixels">Where the listed output pixels go, from <paramref name="offset"/> on.</param>
    /// <param name="offset">Where in <paramref name="pixels"/> the first goes.</param>
    /// <param name="masks">
    /// <see cref="MaskWords"/> words: all 0, or as the last check of a row of as many samples left them. The words that
    /// check wrote are cleared here.
    /// </param>
    /// <param name="samples">Samples in the row as computed (at stride 1).</param>
    /// <param name="channels">2 (grey and alpha) or 4 (RGBA): alpha is the last sample of each pixel.</param>
    /// <param name="shift">The pass divides by 2^shift.</param>
    /// <param name="stride">The row is computed at stride 1 and every stride-th pixel kept; only those are listed.</param>
    /// <param name="level">
    /// No alpha the row's sums read is above this (255 when not known). A pixel whose alpha sum is level·2^shift passes;
    /// at level 0 only pixels whose sums are all 0 do.
    /// </param>
    public UniformAlphaSums(int[] pixels, int offset, uint[] masks, int samples, int channels, int shift, int stride, int level = 255)
    {
        if (channels is not (2 or 4) || shift > 8 || masks.Length < MaskWords(samples) || level is < 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(channels));
        }

        this.pixels = pixels;
        this.offset = offset;
        this.masks = masks;
        this.channels = channels;
        channelBits = channels == 4 ? 2 : 1;
        // At level 0 no alpha sum reaches full (at most 255·2^8 < 65535), so only all-zero sums pass.
        full = level == 0 ? ushort.MaxValue : (ushort)(level << shift);
        this.stride = stride;
        zero = false;
        outside = false;
        portableBelow = new Vector<long>((long)((((ulong)full << 48) - 1) ^ (1UL << 63)));
        portableBelow2 = new Vector<int>((int)((((uint)full << 16) - 1) ^ (1U << 31)));
        portableFullAlpha = channels == 4 ? Vector.AsVectorUInt16(new Vector<ulong>((ulong)full << 48)) : Vector.AsVectorUInt16(new Vector<uint>((uint)full << 16));
        invisibleColour = false;
        words = WordsOf(samples);
        Span<uint> summary = masks.AsSpan(words, MaskWords(samples) - words);
        for (int i = 0; i < summary.Length; i++)
        {
            for (uint bits = summary[i] & WordsIn(i); bits != 0; bits &= bits - 1)
            {
                masks[(i * 32) + BitOperations.TrailingZeroCount(bits)] = 0;
            }

            summary[i] = 0;
        }

        PrepareVectors();
    }

    // The bits of summary word i that stand for mask words of the row.
    private readonly uint WordsIn(int i) => words - (i * 32) >= 32 ? uint.MaxValue : (1u << (words - (i * 32))) - 1;

    // Sets the vector checks' thresholds, once for a row, so the loops read them as operands.
    partial void PrepareVectors();

    /// <summary>
    /// True where the pass's loops check the sums a vector at a time: the AVX2 and AVX-512 loops, and the portable
    /// Vector&lt;T&gt; loop (the netstandard2.0 build's, which Windows PowerShell runs) where vectors are accelerated.
    /// Elsewhere only the scalar loop runs, lane by lane, and callers judge windows instead.
    /// </summary>
    public static bool Vectorised => Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian;

    /// <summary>Mask words for a row of <paramref name="samples"/> samples: one for each 64, then one bit for each of those.</summary>
    public static int MaskWords(int samples) => WordsOf(samples) + ((WordsOf(samples) + 31) / 32);

    // The mask words for the row itself, one for each 64 samples.
    private static int WordsOf(int samples) => (samples + 63) / 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Sample(int x, int sum)
    {
        int c = x & (channels - 1);
        if (c == 0)
        {
            zero = true;
        }

        if (c < channels - 1)
        {
            zero &= sum == 0;
        }
        else if (sum == 0)
        {
            invisibleColour |= !zero;
        }
        else if (sum != full)
        {
            masks[x >> 6] |= 1u << ((x & 63) >> channelBits);
            masks[words + (x >> 11)] |= 1u << (x >> 6);
        }
    }

    /// <summary>
    /// The portable loop's check, as the AVX2 one: each pixel's sums one 64-bit (RGBA) or 32-bit (grey and alpha)
    /// lane, alpha in its top 16 bits (little-endian, as <see cref="Vectorised"/> requires). x is a multiple of
    /// Vector&lt;byte&gt;.Count, so the pixels of a0 and a1 fall within one mask word.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vectors(Vector<ushort> a0, Vector<ushort> a1, int x)
    {
        // Inside a cut-out, or outside it, every pixel passes; the kind the last vector was is tried first (see the
        // AVX2 check).
        if (outside)
        {
            if (Vector.EqualsAll(a0 | a1, Vector<ushort>.Zero))
            {
                return;
            }

            if (Vector.EqualsAll(a0 & a1 & portableFullAlpha, portableFullAlpha))
            {
                outside = false;
                return;
            }
        }
        else
        {
            if (Vector.EqualsAll(a0 & a1 & portableFullAlpha, portableFullAlpha))
            {
                return;
            }

            if (Vector.EqualsAll(a0 | a1, Vector<ushort>.Zero))
            {
                outside = true;
                return;
            }
        }

        // Every alpha sum 0 but some colour not: invisible windows over colour kept under transparent pixels.
        if (Vector.EqualsAll((a0 | a1) & PortableAlphaLanes, Vector<ushort>.Zero))
        {
            invisibleColour = true;
            outside = true;
            return;
        }

        // A pixel fails where its lane is neither 0 nor at full alpha, unless its alpha sum is 0 (its colour is then
        // made 0 after the store).
        if (channels == 4)
        {
            var offset = new Vector<long>(long.MaxValue);
            Vector<long> alpha = Vector.AsVectorInt64(PortableAlphaLanes);
            Vector<long> invisible0 = Vector.Equals(Vector.AsVectorInt64(a0) & alpha, Vector<long>.Zero);
            Vector<long> invisible1 = Vector.Equals(Vector.AsVectorInt64(a1) & alpha, Vector<long>.Zero);
            Vector<long> failed0 = Vector.GreaterThan(portableBelow, Vector.AsVectorInt64(a0) + offset);
            Vector<long> failed1 = Vector.GreaterThan(portableBelow, Vector.AsVectorInt64(a1) + offset);
            invisibleColour |= !Vector.EqualsAll((failed0 & invisible0) | (failed1 & invisible1), Vector<long>.Zero);
            failed0 = Vector.AndNot(failed0, invisible0);
            failed1 = Vector.AndNot(failed1, invisible1);
            if (!Vector.EqualsAll(failed0 | failed1, Vector<long>.Zero))
            {
                MarkLanes(x, Vector.AsVectorInt32(failed0), Vector.AsVectorInt32(failed1), 2);
            }
        }
        else
        {
            var offset = new Vector<int>(int.MaxValue);
            Vector<int> alpha = Vector.AsVectorInt32(PortableAlphaLanes);
            Vector<int> invisible0 = Vector.Equals(Vector.AsVectorInt32(a0) & alpha, Vector<int>.Zero);
            Vector<int> invisible1 = Vector.Equals(Vector.AsVectorInt32(a1) & alpha, Vector<int>.Zero);
            Vector<int> failed0 = Vector.GreaterThan(portableBelow2, Vector.AsVectorInt32(a0) + offset);
            Vector<int> failed1 = Vector.GreaterThan(portableBelow2, Vector.AsVectorInt32(a1) + offset);
            invisibleColour |= !Vector.EqualsAll((failed0 & invisible0) | (failed1 & invisible1), Vector<int>.Zero);
            failed0 = Vector.AndNot(failed0, invisible0);
            failed1 = Vector.AndNot(failed1, invisible1);
            if (!Vector.EqualsAll(failed0 | failed1, Vector<int>.Zero))
            {
                MarkLanes(x, failed0, failed1, 1);
            }
        }
    }

    // Sets a bit for each failing pixel of a vector pair: a pixel is `width` 32-bit lanes, all set where it failed.
    // Rare (pixels on a rim), so lane by lane.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void MarkLanes(int x, Vector<int> failed0, Vector<int> failed1, int width)
    {
        int perVector = Vector<int>.Count / width;
        uint bits = 0;
        for (int i = 0; i < perVector; i++)
        {
            bits |= failed0[i * width] != 0 ? 1u << i : 0;
            bits |= failed1[i * width] != 0 ? 1u << (perVector + i) : 0;
        }

        Mark(x, bits);
    }

    // Sets the bits of the failing pixels of the samples from x on, one bit a pixel. x is a multiple of the pixel's
    // samples, and of the vector step but for an AVX2 row's last vector, moved back to end at the row's end; its bits
    // may then reach into the next word. Called only for a vector with a failing pixel, and inlined there: a call in
    // the loops would make the JIT keep their vectors in memory.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Mark(int x, uint failed)
    {
        int pixel = x >> channelBits;
        int wordBits = 6 - channelBits;
        ulong bits = (ulong)failed << (pixel & ((1 << wordBits) - 1));
        int word = pixel >> wordBits;
        masks[word] |= (uint)bits;
        masks[words + (word >> 5)] |= 1u << word;
        if ((bits >> 32) != 0)
        {
            masks[word + 1] |= (uint)(bits >> 32);
            masks[words + ((word + 1) >> 5)] |= 1u << (word + 1);
        }
    }

    // All ones in every pixel's alpha lane, 0 in the others.
    private readonly Vector<ushort> PortableAlphaLanes => channels == 4 ? Vector.AsVectorUInt16(new Vector<ulong>(0xFFFF000000000000UL)) : Vector.AsVectorUInt16(new Vector<uint>(0xFFFF0000U));

    /// <summary>
    /// True when a pixel passed whose alpha sum is 0 but whose colour sums are not: its stored colour is the blur of
    /// colour kept under transparent pixels, and must be made 0 (<see cref="ClearTransparent"/>).
    /// </summary>
    public readonly bool InvisibleColour => invisibleColour;

    /// <summary>
    /// Makes 0 every pixel of a stored row (at stride 1) whose alpha is 0: where the window's alpha sum was 0 the
    /// alpha-weighted colour is 0; where it was not, but rounded to 0, the pixel was listed and is recomputed after.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void ClearTransparent(Span<byte> row, int channels)
    {
        // A pixel read as one little-endian word (uint for RGBA, ushort for grey and alpha) is below 2^(8·(channels-1))
        // exactly when its alpha byte is 0; the vectors clear those words, and the last pixels go one at a time.
        int done = channels == 4 ? ClearVectors(row, new Vector<uint>(1u << 24)) : ClearVectors(row, new Vector<ushort>(1 << 8));
        for (int p = done; p < row.Length; p += channels)
        {
            if (row[p + channels - 1] == 0)
            {
                row.Slice(p, channels).Clear();
            }
        }
    }

    // The whole vectors of the row: each word below visible made 0. Returns the bytes done.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ClearVectors<T>(Span<byte> row, Vector<T> visible)
        where T : struct
    {
        if (!Vector.IsHardwareAccelerated)
        {
            return 0;
        }

        Span<Vector<T>> vectors = MemoryMarshal.Cast<byte, Vector<T>>(row);
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = Vector.AndNot(vectors[i], Vector.LessThan(vectors[i], visible));
        }

        return vectors.Length * Vector<byte>.Count;
    }

    /// <summary>
    /// Lists the output pixels whose bits are set, in order, and returns how many; -1 (the list left unfinished)
    /// when there are more than <paramref name="limit"/>.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public readonly int Finish(int samples, int limit)
    {
        if (WordsOf(samples) != words)
        {
            throw new ArgumentOutOfRangeException(nameof(samples));
        }

        int count = 0;
        int perWord = 64 / channels;
        ReadOnlySpan<uint> summary = masks.AsSpan(words, MaskWords(samples) - words);
        for (int i = 0; i < summary.Length; i++)
        {
            for (uint written = summary[i] & WordsIn(i); written != 0; written &= written - 1)
            {
                int w = (i * 32) + BitOperations.TrailingZeroCount(written);
                for (uint mask = masks[w]; mask != 0; mask &= mask - 1)
                {
                    int p = (w * perWord) + BitOperations.TrailingZeroCount(mask);
                    if (stride > 1)
                    {
                        if (p % stride != 0)
                        {
                            continue;
                        }

                        p /= stride;
                    }

                    if (count == limit)
                    {
                        return -1;
                    }

                    pixels[offset + count++] = p;
                }
            }
        }

        return count;
    }
}
