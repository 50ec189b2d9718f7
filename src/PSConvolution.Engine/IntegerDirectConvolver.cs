using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;

namespace PSConvolution.Engine;

/// <summary>
/// The exact integer path for small integer kernels on 8-bit images (Sharpen, Laplacians, Sobel X/Y, Outline,
/// Emboss): weights are small integers whose sums keep every partial sum inside 16 bits, the divisor is a power of
/// two and the bias a whole number. Rows are widened to signed 16-bit samples, so a 512-bit vector holds 32 of
/// them; weights of +1 and -1 cost an add or a subtract. The result equals the float path's to the bit: the
/// integer sum is exact in both, division by a power of two is exact, and both round ties to even.
/// </summary>
internal static class IntegerDirectConvolver
{
    /// <summary>The integer taps, shift and bias, when a step qualifies.</summary>
    internal sealed class Plan
    {
        public Plan(short[] weights, int[] positions, int shift, short bias, short border)
        {
            Weights = weights;
            Positions = positions;
            Shift = shift;
            Bias = bias;
            Border = border;
        }

        /// <summary>Non-zero weights.</summary>
        public short[] Weights { get; }

        /// <summary>Their positions, row * kernel width + column.</summary>
        public int[] Positions { get; }

        public int Shift { get; }

        public short Bias { get; }

        public short Border { get; }
    }

    public static bool TryPlan(in InterleavedConvolver.Step step, out Plan plan)
    {
        plan = null!;
        if (!Avx512BW.IsSupported || step.Matrices.Length != 1 || step.Max != 255f)
        {
            return false;
        }

        KernelMatrix m = step.Matrices[0];
        float divisor = step.Divisors[0];
        if (divisor <= 0 || divisor != MathF.Round(divisor) || !System.Numerics.BitOperations.IsPow2((uint)divisor) || divisor > 128)
        {
            return false;
        }

        if (step.Bias != MathF.Round(step.Bias) || Math.Abs(step.Bias) > 255 || step.BorderValue != MathF.Round(step.BorderValue) || step.BorderValue < 0 || step.BorderValue > 255)
        {
            return false;
        }

        double positive = 0;
        double negative = 0;
        int count = 0;
        for (int i = 0; i < m.Height; i++)
        {
            for (int j = 0; j < m.Width; j++)
            {
                double w = m[i, j];
                if (w != Math.Round(w) || Math.Abs(w) > 127)
                {
                    return false;
                }

                positive += Math.Max(w, 0);
                negative += Math.Min(w, 0);
                count += w != 0 ? 1 : 0;
            }
        }

        // Every partial sum, plus the rounding offset, must stay inside a signed 16-bit lane.
        if ((positive * 255) + divisor > short.MaxValue || (negative * 255) - divisor < short.MinValue || count == 0)
        {
            return false;
        }

        var weights = new short[count];
        var positions = new int[count];
        int t = 0;
        for (int i = 0; i < m.Height; i++)
        {
            for (int j = 0; j < m.Width; j++)
            {
                if (m[i, j] != 0)
                {
                    weights[t] = (short)m[i, j];
                    positions[t++] = (i * m.Width) + j;
                }
            }
        }

        plan = new Plan(weights, positions, System.Numerics.BitOperations.Log2((uint)divisor), (short)step.Bias, (short)step.BorderValue);
        return true;
    }

    public static void Convolve(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, InterleavedConvolver.Step step, Plan plan, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, System.Threading.CancellationToken cancellation)
    {
        KernelMatrix m = step.Matrices[0];
        int kh = m.Height;
        int kw = m.Width;
        int outWidth = columns.OutputLength;
        int rowLength = (((outWidth - 1) * columns.Stride) + 1) * channels;
        int paddedLength = columns.PaddedLength * channels;
        bool absolute = step.Range == OutputRange.Absolute;

        RowBands.Run(rows.OutputLength, parallel, (start, end) =>
        {
            using var cache = new RowCache<short>(kh + rows.Stride + 1, paddedLength);
            short[] accumulator = ArrayPool<short>.Shared.Rent(rowLength);
            int[] slots = new int[kh];
            int[] offsets = new int[plan.Weights.Length];
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
                            RowPadding.Fill(source.Span, width, height, channels, r, columns, plan.Border, cache.Row(slot).Slice(0, paddedLength), Integer16Kernels.Widen);
                        }

                        slots[i] = slot;
                    }

                    for (int t = 0; t < offsets.Length; t++)
                    {
                        int p = plan.Positions[t];
                        offsets[t] = (slots[p / kw] * cache.RowLength) + ((p % kw) * channels);
                    }

                    Span<short> acc = accumulator.AsSpan(0, rowLength);
                    Integer16Kernels.Correlate<short>(cache.All, acc, plan.Weights, offsets);
                    if (columns.Stride > 1)
                    {
                        InterleavedConvolver.Compact(acc, outWidth, columns.Stride, channels);
                    }

                    Span<byte> dst = destination.Span.Slice(y * outWidth * channels, outWidth * channels);
                    Store(acc.Slice(0, outWidth * channels), plan.Shift, plan.Bias, absolute, dst);
                    InterleavedConvolver.CopyUnselected(source.Span, width, channels, y, rows, columns, step.Selected, dst);
                }
            }
            finally
            {
                ArrayPool<short>.Shared.Return(accumulator);
            }
        });
    }

    // out = clamp(|round((v + bias * 2^shift) / 2^shift)|?, 0, 255): the bias joins the sum before rounding, as in
    // round(sum / divisor + bias), and ties go to even with floor shifts (exact for negative sums too). The adds
    // saturate; a saturated lane is at least 2^15 / 128 = 256 away from 0, so it clamps to the same 0 or 255.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Store(ReadOnlySpan<short> values, int shift, short bias, bool absolute, Span<byte> destination)
    {
        int n = values.Length;
        int x = 0;
        short half = (short)(shift == 0 ? 0 : (1 << (shift - 1)) - 1);
        short shiftedBias = (short)(bias << shift);
        Vector512<short> halfVector = Vector512.Create(half);
        Vector512<short> one = Vector512.Create((short)1);
        Vector512<short> biasVector = Vector512.Create(shiftedBias);
        ref short src = ref MemoryMarshal.GetReference(values);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        for (; x <= n - 32; x += 32)
        {
            Vector512<short> v = Avx512BW.AddSaturate(Vector512.LoadUnsafe(ref src, (nuint)x), biasVector);
            if (shift > 0)
            {
                Vector512<short> odd = Vector512.ShiftRightArithmetic(v, shift) & one;
                v = Vector512.ShiftRightArithmetic(Avx512BW.AddSaturate(Avx512BW.AddSaturate(v, halfVector), odd), shift);
            }

            // |v| as unsigned (|-32768| is 32768, which saturates to 255), or v with negatives cut to 0.
            Vector512<ushort> u = absolute ? Avx512BW.Abs(v) : Avx512BW.Max(v, Vector512<short>.Zero).AsUInt16();
            Avx512BW.ConvertToVector256ByteWithSaturation(u).StoreUnsafe(ref dst, (nuint)x);
        }

        for (; x < n; x++)
        {
            int v = values[x] + (bias << shift);
            if (shift > 0)
            {
                v = (v + half + ((v >> shift) & 1)) >> shift;
            }

            if (absolute)
            {
                v = Math.Abs(v);
            }

            destination[x] = (byte)Math.Clamp(v, 0, 255);
        }
    }
}
