using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The loops of <see cref="FixedPointPath"/>. Weights are 15-bit fixed point (<see cref="One"/> is 1) and come in
/// pairs packed into an int, low weight in the low half: the form of AVX2's <c>vpmaddwd</c>, which multiplies
/// adjacent 16-bit samples by a pair of weights and adds the two products into 32 bits, sixteen multiply-adds an
/// instruction against eight fused ones in single precision, with every sum exact.
/// <list type="bullet">
/// <item>The vertical pass reads 8-bit rows and writes each sum centred and scaled to 16 bits:
/// <c>(sum - 128·One + 64) &gt;&gt; 7</c>, which is (value - 128) × 256 rounded, so a value of 0 to 255 spans
/// -32768 to 32512.</item>
/// <item>The horizontal pass reads those rows and writes bytes: <c>((sum + 2^22) &gt;&gt; 23) + 128</c>, clamped.</item>
/// </list>
/// Every loop form (scalar, AVX2, any step width) computes the same integers, so they give the same bytes.
/// </summary>
internal static partial class FixedPointPasses
{
    /// <summary>The fixed-point weight of 1.</summary>
    public const int One = 1 << 15;

    /// <summary>Right shift of a vertical sum to the 16-bit intermediate.</summary>
    public const int VerticalShift = 7;

    /// <summary>Right shift of a horizontal sum to a byte (15 bits of weight and 8 of the intermediate).</summary>
    public const int OutputShift = 23;

    /// <summary>The vertical pass's sum before any row: centring on 128 and rounding to nearest.</summary>
    public const int VerticalStart = -(128 * One) + (1 << (VerticalShift - 1));

    /// <summary>Whether the passes have vector loops here: the path is taken only where they do.</summary>
    public static bool Vectorised => VectorLoops();

    /// <summary>Packs two weights into a <c>vpmaddwd</c> pair.</summary>
    public static int Pair(short low, short high) => (ushort)low | (high << 16);

    /// <summary>
    /// <c>target[x] = (start + Σ pair p of weights_p · (source[rows[2p] + offset + x], source[rows[2p+1] + offset + x])) &gt;&gt; 7</c>,
    /// saturated to 16 bits. <paramref name="rows"/> holds two row starts per pair.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Vertical(ReadOnlySpan<byte> source, ReadOnlySpan<int> rows, ReadOnlySpan<int> pairs, int start, int offset, Span<short> target)
    {
        if (rows.Length != 2 * pairs.Length)
        {
            throw new ArgumentException("Every pair of weights needs two rows.", nameof(rows));
        }

        foreach (int r in rows)
        {
            if (r < 0 || r + offset < 0 || r + offset + target.Length > source.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), "A row reaches beyond the source.");
            }
        }

        ref byte src = ref MemoryMarshal.GetReference(source);
        ref short dst = ref MemoryMarshal.GetReference(target);
        int n = target.Length;
        int x = 0;
        VerticalVectors(ref src, rows, pairs, start, offset, n, ref dst, ref x);
        for (; x < n; x++)
        {
            int sum = start;
            for (int p = 0; p < pairs.Length; p++)
            {
                int w = pairs[p];
                sum += ((short)w * Unsafe.Add(ref src, rows[2 * p] + offset + x)) + ((w >> 16) * Unsafe.Add(ref src, rows[(2 * p) + 1] + offset + x));
            }

            Unsafe.Add(ref dst, x) = ToShort(sum >> VerticalShift);
        }
    }

    /// <summary>
    /// The vertical pass of four output rows at once, <c>target</c> row k at <c>k × pitch</c>: row k sums pair p
    /// with the weights <c>pairs[k × pairCount + p]</c>. Consecutive output rows read the same source rows one
    /// apart, so one set of pairs serves all four (a weight of 0 where a row is outside one's kernel) and each
    /// pair of rows is loaded and interleaved once.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void VerticalFour(ReadOnlySpan<byte> source, ReadOnlySpan<int> rows, ReadOnlySpan<int> pairs, int start, int offset, Span<short> target, int pitch, int n)
    {
        int pairCount = rows.Length / 2;
        if (rows.Length != 2 * pairCount || pairs.Length != 4 * pairCount || n < 0 || n > pitch || target.Length < (3 * pitch) + n)
        {
            throw new ArgumentException("Four rows need four sets of pairs, one per two source rows, and room for every sample.");
        }

        int x = 0;
        if (Vectorised)
        {
            foreach (int r in rows)
            {
                if (r < 0 || r + offset < 0 || r + offset + n > source.Length)
                {
                    throw new ArgumentOutOfRangeException(nameof(rows), "A row reaches beyond the source.");
                }
            }

            VerticalFourVectors(ref MemoryMarshal.GetReference(source), rows, pairs, start, offset, n, ref MemoryMarshal.GetReference(target), pitch, ref x);
        }

        for (int k = 0; k < 4 && x < n; k++)
        {
            Vertical(source, rows, pairs.Slice(k * pairCount, pairCount), start, offset + x, target.Slice((k * pitch) + x, n - x));
        }
    }

    /// <summary>
    /// <c>target[x] = clamp(((Σ pair p of weights_p · (row[x + offsets[2p]], row[x + offsets[2p+1]]) + 2^22) &gt;&gt; 23) + 128)</c>.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void HorizontalStore(ReadOnlySpan<short> row, ReadOnlySpan<int> pairs, ReadOnlySpan<int> offsets, Span<byte> target)
    {
        if (offsets.Length != 2 * pairs.Length)
        {
            throw new ArgumentException("Every pair of weights needs two offsets.", nameof(offsets));
        }

        foreach (int o in offsets)
        {
            if (o < 0 || o + target.Length > row.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offsets), "An offset reaches beyond the row.");
            }
        }

        ref short src = ref MemoryMarshal.GetReference(row);
        ref byte dst = ref MemoryMarshal.GetReference(target);
        int n = target.Length;
        int x = 0;
        HorizontalVectors(ref src, pairs, offsets, n, ref dst, ref x);
        for (; x < n; x++)
        {
            int sum = 1 << (OutputShift - 1);
            for (int p = 0; p < pairs.Length; p++)
            {
                int w = pairs[p];
                sum += ((short)w * Unsafe.Add(ref src, x + offsets[2 * p])) + ((w >> 16) * Unsafe.Add(ref src, x + offsets[(2 * p) + 1]));
            }

            Unsafe.Add(ref dst, x) = ToByte((sum >> OutputShift) + 128);
        }
    }

    private static short ToShort(int v) => (short)Math.Min(Math.Max(v, short.MinValue), short.MaxValue);

    private static byte ToByte(int v) => (byte)Math.Min(Math.Max(v, 0), 255);

    static partial void VerticalVectors(ref byte src, ReadOnlySpan<int> rows, ReadOnlySpan<int> pairs, int start, int offset, int n, ref short dst, ref int x);

    static partial void VerticalFourVectors(ref byte src, ReadOnlySpan<int> rows, ReadOnlySpan<int> pairs, int start, int offset, int n, ref short dst, int pitch, ref int x);

    static partial void HorizontalVectors(ref short src, ReadOnlySpan<int> pairs, ReadOnlySpan<int> offsets, int n, ref byte dst, ref int x);

#if NET8_0_OR_GREATER
    private static bool VectorLoops() => System.Runtime.Intrinsics.X86.Avx2.IsSupported;
#else
    private static bool VectorLoops() => false;
#endif
}
