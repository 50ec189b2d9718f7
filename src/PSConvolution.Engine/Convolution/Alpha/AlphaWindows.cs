using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// Which output pixels' windows hold more than one alpha value: per chunk of 64 output pixels one check where the
/// window columns hold a single alpha in every row, else each pixel's own window minimum and maximum.
/// </summary>
internal static partial class AlphaWindows
{
    /// <summary>Output pixels whose windows are judged together: one check when their columns hold one alpha.</summary>
    public const int Chunk = 64;

    /// <summary>A chunk's columns hold more than one alpha value in a row.</summary>
    public const int Mixed = -1;

    // The padded columns that the windows of chunk k's output pixels cover.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Start, int Length) ChunkColumns(KernelSamplingMap columns, int k)
    {
        int first = k * Chunk;
        int last = Math.Min(columns.OutputLength, first + Chunk) - 1;
        int start = first * columns.Stride;
        return (start, (last * columns.Stride) + columns.Taps - start);
    }

    // For each chunk, the one alpha value its columns hold in this row, or Mixed.
    [MethodImpl(Jit.HotLoop)]
    public static void ChunkValues(ReadOnlySpan<byte> row, KernelSamplingMap columns, int chunks, Span<int> values)
    {
        for (int k = 0; k < chunks; k++)
        {
            (int start, int length) = ChunkColumns(columns, k);
            ReadOnlySpan<byte> span = row.Slice(start, length);
            values[k] = span.IndexOfAnyExcept(span[0]) < 0 ? span[0] : Mixed;
        }
    }

    // Classifies one output row's windows chunk by chunk: a chunk whose columns hold one alpha value in every row
    // of the window keeps the unweighted result (or, for alpha 0, the bias alone); otherwise each of its pixels is
    // judged by the minimum and maximum alpha of its own window. Returns the number of edge pixels listed.
    [MethodImpl(Jit.HotLoop)]
    public static int ClassifyRow(in BlockRows block, KernelSamplingMap columns, Span<byte> dst, int n, in ConvolutionStep step, AlphaWeighting alpha, bool colouredInvisible, Span<int> edges, byte[] low, byte[] high)
    {
        byte invisible = EdgeRecompute.Quantize(alpha.Bias, step.Range == OutputRange.Absolute);
        (uint keep, uint fill) = InvisiblePixels.Masks(n, step.Selected, invisible);
        int count = 0;
        for (int k = 0; k < block.Chunks; k++)
        {
            int value = block.ChunkValue(0, k);
            for (int i = 1; i < block.Count && value != Mixed; i++)
            {
                value = block.ChunkValue(i, k) == value ? value : Mixed;
            }

            int first = k * Chunk;
            int pixels = Math.Min(columns.OutputLength, first + Chunk) - first;
            if (value != Mixed)
            {
                if (value == 0 && colouredInvisible)
                {
                    InvisiblePixels.Fill(dst.Slice(first * n, pixels * n), n, step.Selected, invisible, keep, fill);
                }

                continue;
            }

            // Each window's minimum and maximum: along the rows over the kernel's width, then down its height.
            (int start, int length) = ChunkColumns(columns, k);
            int span = length - columns.Taps + 1;
            Span<byte> windowLow = low.AsSpan(0, span);
            Span<byte> windowHigh = high.AsSpan(0, span);
            Span<byte> rowLow = low.AsSpan(span, span);
            Span<byte> rowHigh = high.AsSpan(span, span);
            for (int i = 0; i < block.Count; i++)
            {
                MinMax(block.Row(i).Slice(start, length), columns.Taps, i == 0 ? windowLow : rowLow, i == 0 ? windowHigh : rowHigh);
                if (i > 0)
                {
                    Combine(windowLow, windowHigh, rowLow, rowHigh);
                }
            }

            for (int x = 0; x < pixels; x++)
            {
                int p = x * columns.Stride;
                if (windowLow[p] != windowHigh[p])
                {
                    edges[count++] = first + x;
                }
                else if (windowHigh[p] == 0 && colouredInvisible)
                {
                    InvisiblePixels.Fill(dst.Slice((first + x) * n, n), n, step.Selected, invisible, keep, fill);
                }
            }
        }

        return count;
    }

    /// <summary>
    /// The highest alpha of a row of pixels (alpha the last of <paramref name="channels"/> samples, 2 or 4); it stops
    /// at the first 255. Vector loops compare whole pixels: the larger of two little-endian pixels has the larger
    /// top byte, which is alpha, or the same one.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static int HighestAlpha(ReadOnlySpan<byte> pixels, int channels)
    {
        int highest = 0;
        int x = 0;
        if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && channels == 4)
        {
            x = HighestTopByte(MemoryMarshal.Cast<byte, uint>(pixels), 0xFF000000u, 24, ref highest) * 4;
        }
        else if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && channels == 2)
        {
            x = HighestTopByte(MemoryMarshal.Cast<byte, ushort>(pixels), (ushort)0xFF00, 8, ref highest) * 2;
        }

        for (x += channels - 1; x < pixels.Length && highest < 255; x += channels)
        {
            highest = Math.Max(highest, pixels[x]);
        }

        return highest;
    }

    // The top byte (bits from topShift up) of the largest word, four vectors of words a step, stopping once a word
    // reaches full (top byte 255); returns the words looked at, a multiple of four vectors.
    [MethodImpl(Jit.HotLoop)]
    private static int HighestTopByte<T>(ReadOnlySpan<T> words, T full, int topShift, ref int highest)
        where T : unmanaged
    {
        int n = Vector<T>.Count;
        var top = new Vector<T>(full);
        Vector<T> most = Vector<T>.Zero;
        int x = 0;
        for (; x <= words.Length - (4 * n); x += 4 * n)
        {
            most = Vector.Max(most, Vector.Max(Vector.Max(VectorMemory.Load(words, x), VectorMemory.Load(words, x + n)), Vector.Max(VectorMemory.Load(words, x + (2 * n)), VectorMemory.Load(words, x + (3 * n)))));
            if (Vector.GreaterThanOrEqualAny(most, top))
            {
                x += 4 * n;
                break;
            }
        }

        for (int i = 0; i < n; i++)
        {
            // T is uint or ushort: the JIT keeps one branch, and nothing is boxed.
            T lane = most[i];
            uint word = typeof(T) == typeof(uint) ? Unsafe.As<T, uint>(ref lane) : Unsafe.As<T, ushort>(ref lane);
            highest = Math.Max(highest, (int)(word >> topShift));
        }

        return x;
    }

    [MethodImpl(Jit.HotLoop)]
    private static void Combine(Span<byte> low, Span<byte> high, ReadOnlySpan<byte> rowLow, ReadOnlySpan<byte> rowHigh)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; x <= low.Length - Vector<byte>.Count; x += Vector<byte>.Count)
            {
                VectorMemory.Store(Vector.Min(VectorMemory.Load<byte>(low, x), VectorMemory.Load(rowLow, x)), low, x);
                VectorMemory.Store(Vector.Max(VectorMemory.Load<byte>(high, x), VectorMemory.Load(rowHigh, x)), high, x);
            }
        }

        for (; x < low.Length; x++)
        {
            low[x] = Math.Min(low[x], rowLow[x]);
            high[x] = Math.Max(high[x], rowHigh[x]);
        }
    }

    /// <summary>The alpha samples of one padded row (<paramref name="border"/>, one value, outside the image).</summary>
    /// <returns>True when some pixel of the row has alpha 0 and a colour other than 0.</returns>
    [MethodImpl(Jit.HotLoop)]
    public static bool PadAlpha(ReadOnlyMemory<byte> source, int width, int height, int channels, int row, KernelSamplingMap columns, ReadOnlySpan<byte> border, Span<byte> padded)
    {
        if (row == height)
        {
            padded.Slice(0, columns.PaddedLength).Fill(border[0]);
            return false;
        }

        var alpha = new AlphaOfRuns(source.Slice(row * width * channels, width * channels), channels);
        RowPadding.Fill(width, 1, columns, border, padded, ref alpha);
        return alpha.ColouredInvisible;
    }

    // The last byte of every pixel: for RGBA the top byte of each little-endian 32-bit pixel, for grey and
    // alpha the top byte of each 16-bit pixel, narrowed a vector at a time. Returns true when some pixel has
    // alpha 0 and a colour other than 0 (its word lies strictly between 0 and the smallest word with alpha 1).
    [MethodImpl(Jit.HotLoop)]
    private static bool ExtractAlpha(ReadOnlySpan<byte> pixels, int channels, Span<byte> alpha)
    {
        int x = 0;
        bool coloured = false;
        ExtractAlphaVectors(pixels, channels, alpha, ref x, ref coloured);
        for (; x < alpha.Length; x++)
        {
            ReadOnlySpan<byte> pixel = pixels.Slice(x * channels, channels);
            alpha[x] = pixel[channels - 1];
            if (pixel[channels - 1] == 0 && pixel.Slice(0, channels - 1).IndexOfAnyExcept((byte)0) >= 0)
            {
                coloured = true;
            }
        }

        return coloured;
    }

    [MethodImpl(Jit.HotLoop)]
    private static void MinMax(ReadOnlySpan<byte> padded, int taps, Span<byte> low, Span<byte> high)
    {
        padded.Slice(0, low.Length).CopyTo(low);
        padded.Slice(0, high.Length).CopyTo(high);
        for (int j = 1; j < taps; j++)
        {
            ReadOnlySpan<byte> shifted = padded.Slice(j, low.Length);
            int x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; x <= low.Length - Vector<byte>.Count; x += Vector<byte>.Count)
                {
                    Vector<byte> s = VectorMemory.Load(shifted, x);
                    VectorMemory.Store(Vector.Min(VectorMemory.Load<byte>(low, x), s), low, x);
                    VectorMemory.Store(Vector.Max(VectorMemory.Load<byte>(high, x), s), high, x);
                }
            }

            for (; x < low.Length; x++)
            {
                low[x] = Math.Min(low[x], shifted[x]);
                high[x] = Math.Max(high[x], shifted[x]);
            }
        }
    }

    // The vector loops of ExtractAlpha (they shift lanes, which netstandard2.0's Vector<T> cannot); without an
    // implementation the call is removed and the scalar loop does the whole row.
    static partial void ExtractAlphaVectors(ReadOnlySpan<byte> pixels, int channels, Span<byte> alpha, ref int x, ref bool coloured);

    /// <summary>The alpha samples of each run of a row, noting whether some pixel has alpha 0 and a colour other than 0.</summary>
    private struct AlphaOfRuns : IPaddedRunSource<byte>
    {
        private readonly ReadOnlyMemory<byte> row;
        private readonly int channels;

        public AlphaOfRuns(ReadOnlyMemory<byte> row, int channels)
        {
            this.row = row;
            this.channels = channels;
            ColouredInvisible = false;
        }

        public bool ColouredInvisible { get; private set; }

        [MethodImpl(Jit.HotLoop)]
        public void Fill(int column, Span<byte> target) => ColouredInvisible |= ExtractAlpha(row.Span.Slice(column * channels, target.Length * channels), channels, target);
    }
}
