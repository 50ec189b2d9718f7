using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The exact integer path for the most common blurs on 8-bit images: separable kernels whose factors are small
/// non-negative integers and whose divisor is their product, a power of two (Gaussian3 is 1 2 1 by 1 2 1 over 16,
/// Gaussian5 is 1 4 6 4 1 by 1 4 6 4 1 over 256). Every sum fits 16 bits, so a 512-bit vector holds 32 samples
/// instead of 16 floats, and the result is the float path's to the bit: both compute the same integer sum, and
/// division by a power of two is exact; rounding is to nearest with ties to even in both.
/// </summary>
internal static class IntegerSeparableConvolver
{
    /// <summary>The integer factors and shift, when a step qualifies.</summary>
    /// <param name="RowTaps">The horizontal factor.</param>
    /// <param name="ColumnTaps">The vertical factor.</param>
    /// <param name="Shift">log2 of the divisor, the product of the factors' sums.</param>
    /// <param name="Border">The constant border value.</param>
    internal sealed record Plan(ushort[] RowTaps, ushort[] ColumnTaps, int Shift, ushort Border);

    /// <summary>Checks whether a step can run on the integer path and prepares it.</summary>
    public static bool TryPlan(in InterleavedConvolver.Step step, out Plan plan)
    {
        plan = null!;
        if (step.Matrices.Length != 1 || step.Bias != 0 || step.Max != 255f)
        {
            return false;
        }

        KernelMatrix m = step.Matrices[0];
        if (!m.IsSeparable || m.Width < 2 || m.Height < 2 || step.BorderValue != MathF.Round(step.BorderValue) || step.BorderValue < 0 || step.BorderValue > 255)
        {
            return false;
        }

        if (!TryIntegerFactors(m, out ushort[] row, out ushort[] column))
        {
            return false;
        }

        int rowSum = 0, columnSum = 0;
        foreach (ushort t in row)
        {
            rowSum += t;
        }

        foreach (ushort t in column)
        {
            columnSum += t;
        }

        int product = rowSum * columnSum;
        if (product > 256 || !BitOperations.IsPow2(product) || step.Divisors[0] != product)
        {
            return false;
        }

        plan = new Plan(row, column, BitOperations.Log2((uint)product), (ushort)step.BorderValue);
        return true;
    }

    public static void Convolve(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, InterleavedConvolver.Step step, Plan plan, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, System.Threading.CancellationToken cancellation, int firstRow = 0, int endRow = int.MaxValue)
    {
        int outWidth = columns.OutputLength;
        int rowLength = (((outWidth - 1) * columns.Stride) + 1) * channels;
        int paddedLength = columns.PaddedLength * channels;
        int kh = plan.ColumnTaps.Length;
        int kw = plan.RowTaps.Length;
        int stride = width * channels;
        int columnSum = 0;
        foreach (ushort t in plan.ColumnTaps)
        {
            columnSum += t;
        }

        // Beside the image a column of the constant border sums to border times the column taps, whatever the rows.
        ushort borderColumn = (ushort)(plan.Border * columnSum);
        int[] horizontalOffsets = new int[kw];
        for (int j = 0; j < kw; j++)
        {
            horizontalOffsets[j] = j * channels;
        }

        // Vertical pass first, straight from the stored bytes of the kh rows under each output row into one padded
        // 16-bit row, then the horizontal pass rounds and stores bytes as it goes: no intermediate image, no row
        // cache, and the working set is one 16-bit row plus kh source rows, all in the first two cache levels.
        RowBands.Run(firstRow, Math.Min(endRow, rows.OutputLength), parallel, (start, end) =>
        {
            ushort[] padded = ArrayPool<ushort>.Shared.Rent(paddedLength);
            // With a column stride the row is computed at stride 1 and every stride-th pixel kept.
            byte[]? strided = columns.Stride > 1 ? ArrayPool<byte>.Shared.Rent(rowLength) : null;
            int[] rowStarts = new int[kh];
            ushort[] rowTaps = new ushort[kh];
            try
            {
                for (int y = start; y < end; y++)
                {
                    if ((y & 7) == 0)
                    {
                        cancellation.ThrowIfCancellationRequested();
                    }

                    // Rows of the constant border add the same amount to every sample: fold them into one constant.
                    int count = 0;
                    int constant = 0;
                    for (int i = 0; i < kh; i++)
                    {
                        int r = rows.Indices[(y * rows.Stride) + i];
                        if (r == height)
                        {
                            constant += plan.ColumnTaps[i] * plan.Border;
                        }
                        else
                        {
                            rowStarts[count] = r * stride;
                            rowTaps[count] = plan.ColumnTaps[i];
                            count++;
                        }
                    }

                    ReadOnlySpan<byte> src = source.Span;
                    Span<ushort> row = padded.AsSpan(0, paddedLength);
                    foreach ((int first, int column, int length) in columns.Runs)
                    {
                        Span<ushort> target = row.Slice(first * channels, length * channels);
                        if (column < width)
                        {
                            VerticalBytes(src, rowStarts.AsSpan(0, count), rowTaps.AsSpan(0, count), (ushort)constant, column * channels, target);
                        }
                        else
                        {
                            target.Fill(borderColumn);
                        }
                    }

                    Span<byte> dst = destination.Span.Slice(y * outWidth * channels, outWidth * channels);
                    if (strided is null)
                    {
                        HorizontalStore(row, plan.RowTaps, horizontalOffsets, plan.Shift, dst);
                    }
                    else
                    {
                        Span<byte> full = strided.AsSpan(0, rowLength);
                        HorizontalStore(row, plan.RowTaps, horizontalOffsets, plan.Shift, full);
                        InterleavedConvolver.Compact(full, outWidth, columns.Stride, channels);
                        full.Slice(0, dst.Length).CopyTo(dst);
                    }

                    InterleavedConvolver.CopyUnselected(source.Span, width, channels, y, rows, columns, step.Selected, dst);
                }
            }
            finally
            {
                ArrayPool<ushort>.Shared.Return(padded);
                if (strided is not null)
                {
                    ArrayPool<byte>.Shared.Return(strided);
                }
            }
        });
    }

    /// <summary>
    /// <c>target[x] = constant + sum over i of taps[i] * source[rowStarts[i] + offset + x]</c>: the vertical pass read
    /// straight from bytes, each widened to 16 bits as it is loaded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void VerticalBytes(ReadOnlySpan<byte> source, ReadOnlySpan<int> rowStarts, ReadOnlySpan<ushort> taps, ushort constant, int offset, Span<ushort> target)
    {
        int n = target.Length;
        foreach (int r in rowStarts)
        {
            if ((uint)(r + offset) > (uint)source.Length || (uint)(r + offset + n) > (uint)source.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(rowStarts));
            }
        }

        ref byte src = ref MemoryMarshal.GetReference(source);
        ref ushort dst = ref MemoryMarshal.GetReference(target);
        int x = 0;
        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> c = Vector512.Create(constant);
            for (; x <= n - 64; x += 64)
            {
                Vector512<ushort> a0 = c, a1 = c;
                for (int i = 0; i < rowStarts.Length; i++)
                {
                    ref byte s = ref Unsafe.Add(ref src, rowStarts[i] + offset + x);
                    Vector512<ushort> v0 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s));
                    Vector512<ushort> v1 = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref s, 32));
                    ushort w = taps[i];
                    if (w == 1)
                    {
                        a0 += v0;
                        a1 += v1;
                    }
                    else
                    {
                        Vector512<ushort> wv = Vector512.Create(w);
                        a0 += v0 * wv;
                        a1 += v1 * wv;
                    }
                }

                a0.StoreUnsafe(ref dst, (nuint)x);
                a1.StoreUnsafe(ref dst, (nuint)(x + 32));
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<byte>.Count;
            int half = Vector<ushort>.Count;
            var c = new Vector<ushort>(constant);
            for (; x <= n - lanes; x += lanes)
            {
                Vector<ushort> a0 = c, a1 = c;
                for (int i = 0; i < rowStarts.Length; i++)
                {
                    Vector.Widen(Vector.LoadUnsafe(ref src, (nuint)(rowStarts[i] + offset + x)), out Vector<ushort> v0, out Vector<ushort> v1);
                    var wv = new Vector<ushort>(taps[i]);
                    a0 += v0 * wv;
                    a1 += v1 * wv;
                }

                a0.StoreUnsafe(ref dst, (nuint)x);
                a1.StoreUnsafe(ref dst, (nuint)(x + half));
            }
        }

        for (; x < n; x++)
        {
            int a = constant;
            for (int i = 0; i < rowStarts.Length; i++)
            {
                a += taps[i] * Unsafe.Add(ref src, rowStarts[i] + offset + x);
            }

            Unsafe.Add(ref dst, x) = (ushort)a;
        }
    }

    /// <summary>The horizontal pass at stride 1, rounded and stored as bytes in the same loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void HorizontalStore(ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> taps, ReadOnlySpan<int> offsets, int shift, Span<byte> destination)
    {
        int n = destination.Length;
        if (taps.Length != offsets.Length || row.Length < n + offsets[^1])
        {
            throw new ArgumentOutOfRangeException(nameof(row));
        }

        ref ushort src = ref MemoryMarshal.GetReference(row);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int x = 0;
        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> bias = Vector512.Create(Half(shift));
            Vector512<ushort> one = Vector512.Create((ushort)1);
            for (; x <= n - 64; x += 64)
            {
                Vector512<ushort> a0 = Vector512<ushort>.Zero, a1 = Vector512<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    ref ushort s = ref Unsafe.Add(ref src, x + offsets[t]);
                    ushort w = taps[t];
                    if (w == 1)
                    {
                        a0 += Vector512.LoadUnsafe(ref s);
                        a1 += Vector512.LoadUnsafe(ref s, 32);
                    }
                    else
                    {
                        Vector512<ushort> wv = Vector512.Create(w);
                        a0 += Vector512.LoadUnsafe(ref s) * wv;
                        a1 += Vector512.LoadUnsafe(ref s, 32) * wv;
                    }
                }

                if (shift > 0)
                {
                    a0 = Vector512.ShiftRightLogical(a0 + bias + (Vector512.ShiftRightLogical(a0, shift) & one), shift);
                    a1 = Vector512.ShiftRightLogical(a1 + bias + (Vector512.ShiftRightLogical(a1, shift) & one), shift);
                }

                Avx512BW.ConvertToVector256ByteWithSaturation(a0).StoreUnsafe(ref dst, (nuint)x);
                Avx512BW.ConvertToVector256ByteWithSaturation(a1).StoreUnsafe(ref dst, (nuint)(x + 32));
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<byte>.Count;
            int half = Vector<ushort>.Count;
            var bias = new Vector<ushort>(Half(shift));
            var one = new Vector<ushort>(1);
            var max = new Vector<ushort>(255);
            for (; x <= n - lanes; x += lanes)
            {
                Vector<ushort> a0 = Vector<ushort>.Zero, a1 = Vector<ushort>.Zero;
                for (int t = 0; t < taps.Length; t++)
                {
                    var wv = new Vector<ushort>(taps[t]);
                    a0 += Vector.LoadUnsafe(ref src, (nuint)(x + offsets[t])) * wv;
                    a1 += Vector.LoadUnsafe(ref src, (nuint)(x + offsets[t] + half)) * wv;
                }

                if (shift > 0)
                {
                    a0 = Vector.ShiftRightLogical(a0 + bias + (Vector.ShiftRightLogical(a0, shift) & one), shift);
                    a1 = Vector.ShiftRightLogical(a1 + bias + (Vector.ShiftRightLogical(a1, shift) & one), shift);
                }

                Vector.Narrow(Vector.Min(a0, max), Vector.Min(a1, max)).StoreUnsafe(ref dst, (nuint)x);
            }
        }

        for (; x < n; x++)
        {
            int a = 0;
            for (int t = 0; t < taps.Length; t++)
            {
                a += taps[t] * Unsafe.Add(ref src, x + offsets[t]);
            }

            Unsafe.Add(ref dst, x) = RoundShift(a, shift);
        }
    }

    // out = round(v / 2^shift), ties to even: add half - 1, plus one when the kept part is odd, then shift.
    private static ushort Half(int shift) => (ushort)(shift == 0 ? 0 : (1 << (shift - 1)) - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte RoundShift(int v, int shift)
    {
        if (shift > 0)
        {
            v = (v + Half(shift) + ((v >> shift) & 1)) >> shift;
        }

        return (byte)Math.Min(v, 255);
    }

    /// <summary>
    /// Writes a separable matrix of non-negative integers as column x row of integer factors: the row through the
    /// first non-zero weight divided by its greatest common divisor, and the column that makes the product exact
    /// (always integers for integer weights, whichever way the float factorisation happened to scale them).
    /// </summary>
    private static bool TryIntegerFactors(KernelMatrix m, out ushort[] row, out ushort[] column)
    {
        row = new ushort[m.Width];
        column = new ushort[m.Height];
        int pr = -1, pc = -1;
        for (int r = 0; r < m.Height; r++)
        {
            for (int c = 0; c < m.Width; c++)
            {
                double w = m[r, c];
                if (w < 0 || w > 65535 || w != Math.Round(w))
                {
                    return false;
                }

                if (pr < 0 && w != 0)
                {
                    (pr, pc) = (r, c);
                }
            }
        }

        if (pr < 0)
        {
            return false;
        }

        int divisor = 0;
        for (int c = 0; c < m.Width; c++)
        {
            divisor = Gcd(divisor, (int)m[pr, c]);
        }

        int pivot = (int)m[pr, pc] / divisor;
        for (int c = 0; c < m.Width; c++)
        {
            int t = (int)m[pr, c] / divisor;
            if (t > 255)
            {
                return false;
            }

            row[c] = (ushort)t;
        }

        for (int r = 0; r < m.Height; r++)
        {
            int w = (int)m[r, pc];
            if (w % pivot != 0 || w / pivot > 255)
            {
                return false;
            }

            column[r] = (ushort)(w / pivot);
        }

        // The float factorisation said rank 1; check the integer factors reproduce every weight exactly.
        for (int r = 0; r < m.Height; r++)
        {
            for (int c = 0; c < m.Width; c++)
            {
                if (column[r] * row[c] != m[r, c])
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
