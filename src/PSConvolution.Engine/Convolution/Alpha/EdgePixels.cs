using System;
using System.Buffers;
using PSConvolution.Engine.Convolution.Integer;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>For each output row of a block, the output pixels whose alpha-weighted result must be recomputed, in increasing order.</summary>
internal sealed class EdgePixels : IRowSumChecks<UniformAlphaSums>, IDisposable
{
    private readonly int[] pixels;
    private readonly int[] counts;
    private uint[]? masks;
    private int maskSamples = -1;
    private long limit;
    private long listed;

    /// <param name="rows">Rows in a block.</param>
    /// <param name="width">Output pixels in a row.</param>
    /// <param name="channels">Samples in a pixel, for the checks of the integer path.</param>
    public EdgePixels(int rows, int width, int channels)
    {
        Width = width;
        Channels = channels;
        pixels = ArrayPool<int>.Shared.Rent(rows * width);
        counts = ArrayPool<int>.Shared.Rent(rows);
    }

    /// <summary>Output pixels in a row.</summary>
    public int Width { get; }

    /// <summary>Samples in a pixel (2 or 4), alpha the last.</summary>
    public int Channels { get; }

    /// <summary>The block's first output row.</summary>
    public int FirstRow { get; private set; }

    /// <summary>True when the integer path's checks found more pixels than the block's limit, and listed no more.</summary>
    public bool Overflowed { get; private set; }

    // The rows' highest alpha, where the caller finds it (null: 255, full alpha, for every row).
    private AlphaEdgeCorrection.BlockLevels? levels;

    /// <summary>
    /// Starts a block at output row <paramref name="firstRow"/>. The checks of the integer path list at most
    /// <paramref name="checkLimit"/> pixels in all its rows; past that they stop listing and set <see cref="Overflowed"/>.
    /// Each row's check takes the highest alpha its row reads from <paramref name="levels"/>, when the row begins:
    /// the vertical pass has then just loaded those rows, so finding it reads them from cache, not from memory.
    /// </summary>
    public void StartBlock(int firstRow, long checkLimit, AlphaEdgeCorrection.BlockLevels? levels = null)
    {
        FirstRow = firstRow;
        limit = checkLimit;
        this.levels = levels;
        listed = 0;
        Overflowed = false;
    }

    /// <summary>Room for row <paramref name="y"/>'s pixels, to be followed by <see cref="SetCount"/>.</summary>
    public Span<int> Room(int y) => pixels.AsSpan((y - FirstRow) * Width, Width);

    /// <summary>A check that lists row <paramref name="y"/>'s pixels from the integer path's sums (<see cref="UniformAlphaSums"/>).</summary>
    public UniformAlphaSums Begin(int y, int samples, int shift, int stride)
    {
        // The check clears what the last one over as many samples wrote; a rented array, or one laid out for another
        // length, is cleared here.
        if (masks is null || masks.Length < UniformAlphaSums.MaskWords(samples))
        {
            ReturnMasks();
            masks = ArrayPool<uint>.Shared.Rent(UniformAlphaSums.MaskWords(samples));
            maskSamples = -1;
        }

        if (maskSamples != samples)
        {
            Array.Clear(masks, 0, masks.Length);
            maskSamples = samples;
        }

        return new UniformAlphaSums(pixels, (y - FirstRow) * Width, masks, samples, Channels, shift, stride, levels?.Of(y, y + 1) ?? 255);
    }

    public void End(int y, in UniformAlphaSums check, Span<byte> row)
    {
        // Pixels whose window held only transparent pixels with colour under them: their colour is made 0 (and any
        // whose alpha merely rounded to 0 was listed, and is recomputed after).
        if (check.InvisibleColour)
        {
            UniformAlphaSums.ClearTransparent(row, Channels);
        }

        int samples = row.Length;
        int count = Overflowed ? -1 : check.Finish(samples, (int)Math.Min(int.MaxValue, limit - listed));
        Overflowed = count < 0;
        listed += Math.Max(count, 0);
        SetCount(y, Math.Max(count, 0));
    }

    public void SetCount(int y, int count) => counts[y - FirstRow] = count;

    /// <summary>Row <paramref name="y"/>'s pixels.</summary>
    public ReadOnlySpan<int> Row(int y) => pixels.AsSpan((y - FirstRow) * Width, counts[y - FirstRow]);

    /// <summary>How many pixels rows [FirstRow, <paramref name="end"/>) list.</summary>
    public long Total(int end)
    {
        long total = 0;
        for (int y = FirstRow; y < end; y++)
        {
            total += counts[y - FirstRow];
        }

        return total;
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(pixels);
        ArrayPool<int>.Shared.Return(counts);
        ReturnMasks();
    }

    private void ReturnMasks()
    {
        if (masks is not null)
        {
            ArrayPool<uint>.Shared.Return(masks);
            masks = null;
        }
    }
}
