using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;

namespace PSConvolution.Engine;

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
    internal sealed class Plan
    {
        public Plan(ushort[] rowTaps, ushort[] columnTaps, int shift, ushort border)
        {
            RowTaps = rowTaps;
            ColumnTaps = columnTaps;
            Shift = shift;
            Border = border;
        }

        public ushort[] RowTaps { get; }

        public ushort[] ColumnTaps { get; }

        public int Shift { get; }

        public ushort Border { get; }
    }

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

        if (!TryIntegers(m.RowFactor!, out ushort[] row, out int rowSum) || !TryIntegers(m.ColumnFactor!, out ushort[] column, out int columnSum))
        {
            return false;
        }

        int product = rowSum * columnSum;
        if (product > 256 || !BitOperations.IsPow2(product) || step.Divisors[0] != product)
        {
            return false;
        }

        plan = new Plan(row, column, BitOperations.Log2((uint)product), (ushort)step.BorderValue);
        return true;
    }

    public static void Convolve(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, InterleavedConvolver.Step step, Plan plan, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, System.Threading.CancellationToken cancellation)
    {
        int outWidth = columns.OutputLength;
        int rowLength = (((outWidth - 1) * columns.Stride) + 1) * channels;
        int paddedLength = columns.PaddedLength * channels;
        int kh = plan.ColumnTaps.Length;
        int kw = plan.RowTaps.Length;
        int[] horizontalOffsets = new int[kw];
        for (int j = 0; j < kw; j++)
        {
            horizontalOffsets[j] = j * channels;
        }

        RowBands.Run(rows.OutputLength, parallel, (start, end) =>
        {
            using var cache = new RowCache<ushort>(kh + rows.Stride + 1, rowLength);
            ushort[] padded = ArrayPool<ushort>.Shared.Rent(paddedLength);
            ushort[] accumulator = ArrayPool<ushort>.Shared.Rent(rowLength);
            int[] slots = new int[kh];
            int[] offsets = new int[kh];
            try
            {
                for (int y = start; y < end; y++)
                {
                    if ((y & 7) == 0)
                    {
                        cancellation.ThrowIfCancellationRequested();
                    }

                    for (int i = 0; i < kh; i++)
                    {
                        int r = rows.Indices[(y * rows.Stride) + i];
                        int slot = cache.Acquire(r, slots.AsSpan(0, i), out bool fresh);
                        if (fresh)
                        {
                            RowPadding.Fill(source.Span, width, height, channels, r, columns, plan.Border, padded.AsSpan(0, paddedLength), Integer16Kernels.Widen);
                            Integer16Kernels.Correlate<ushort>(padded.AsSpan(0, paddedLength), cache.Row(slot).Slice(0, rowLength), plan.RowTaps, horizontalOffsets);
                        }

                        slots[i] = slot;
                        offsets[i] = slot * cache.RowLength;
                    }

                    Span<ushort> acc = accumulator.AsSpan(0, rowLength);
                    Integer16Kernels.Correlate<ushort>(cache.All, acc, plan.ColumnTaps, offsets);
                    if (columns.Stride > 1)
                    {
                        InterleavedConvolver.Compact(acc, outWidth, columns.Stride, channels);
                    }

                    Span<byte> dst = destination.Span.Slice(y * outWidth * channels, outWidth * channels);
                    Store(acc.Slice(0, outWidth * channels), plan.Shift, dst);
                    InterleavedConvolver.CopyUnselected(source.Span, width, channels, y, rows, columns, step.Selected, dst);
                }
            }
            finally
            {
                ArrayPool<ushort>.Shared.Return(padded);
                ArrayPool<ushort>.Shared.Return(accumulator);
            }
        });
    }

    private static bool TryIntegers(double[] factor, out ushort[] taps, out int sum)
    {
        taps = new ushort[factor.Length];
        sum = 0;
        foreach (double f in factor)
        {
            if (f < 0 || f != Math.Round(f) || f > 255)
            {
                return false;
            }
        }

        for (int i = 0; i < factor.Length; i++)
        {
            taps[i] = (ushort)factor[i];
            sum += taps[i];
        }

        return sum > 0;
    }

    // out = round(v / 2^shift), ties to even: add half - 1, plus one when the kept part is odd, then shift.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Store(ReadOnlySpan<ushort> values, int shift, Span<byte> destination)
    {
        int n = values.Length;
        int x = 0;
        ushort half = (ushort)(shift == 0 ? 0 : (1 << (shift - 1)) - 1);
        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> bias = Vector512.Create(half);
            Vector512<ushort> one = Vector512.Create((ushort)1);
            ref ushort src = ref MemoryMarshal.GetReference(values);
            ref byte dst = ref MemoryMarshal.GetReference(destination);
            for (; x <= n - 32; x += 32)
            {
                Vector512<ushort> v = Vector512.LoadUnsafe(ref src, (nuint)x);
                if (shift > 0)
                {
                    Vector512<ushort> odd = Vector512.ShiftRightLogical(v, shift) & one;
                    v = Vector512.ShiftRightLogical(v + bias + odd, shift);
                }

                Avx512BW.ConvertToVector256ByteWithSaturation(v).StoreUnsafe(ref dst, (nuint)x);
            }
        }

        for (; x < n; x++)
        {
            int v = values[x];
            if (shift > 0)
            {
                v = (v + half + ((v >> shift) & 1)) >> shift;
            }

            destination[x] = (byte)Math.Min(v, 255);
        }
    }
}
