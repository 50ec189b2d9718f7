using System;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using System.Linq;
using System.Numerics;
using PSConvolution.Engine.Convolution.Float;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// The exact integer path for integer kernels on 8-bit images that are not separable or are cheaper to run whole
/// (Sharpen, Laplacians, Sobel, Outline, Emboss, Box3, disks and other 0/1 masks): the weighted sum is computed
/// exactly in 16-bit lanes, signed when some weight is negative and unsigned otherwise, so a 512-bit vector holds
/// 32 samples and a weight of +1 or -1 costs one add or subtract. With a power-of-two divisor up to 128 and a
/// signed sum the rounding is done in integers; otherwise the exact sum goes to the float path's own store
/// (division, bias, range, rounding), so either way the result equals the float path's to the bit. Weights that
/// are all whole multiples of one step (a mask normalised in its weights, 0.2 or 1/149 each) are summed as those
/// whole numbers and the store divides by the divisor over the step: the exact sum, rounded once. Operators of
/// several matrices of whole weights (Sobel's and the other gradient magnitudes, Kirsch's and Robinson's maxima) take
/// each matrix's exact sum here and the float path's arithmetic from there on (<see cref="ConvolveCombined"/>).
/// </summary>
internal static class DirectIntegerPath
{
    public static bool TryPlan(in ConvolutionStep step, out DirectIntegerPlan plan)
    {
        plan = null!;
        return step.Matrices.Length == 1 && step.Max == 255f && TryPlanMatrix(step, step.Matrices[0], step.Divisors[0], combined: false, out plan);
    }

    /// <summary>
    /// Plans a step of several matrices of whole weights whose responses are combined (Sobel's magnitude, Kirsch's
    /// maximum): each matrix's exact sum in 16-bit lanes as for one matrix, then the float path's own division, bias,
    /// combination and store. Every sum is an integer the float path also holds exactly (its products and partial
    /// sums are integers below 2^24), so the result is its result to the bit.
    /// </summary>
    public static bool TryPlanCombined(in ConvolutionStep step, out DirectIntegerPlan[] plans)
    {
        plans = null!;
        if (step.Matrices.Length < 2 || step.Max != 255f || step.Combination is not (KernelCombination.Magnitude or KernelCombination.Maximum))
        {
            return false;
        }

        var planned = new DirectIntegerPlan[step.Matrices.Length];
        for (int m = 0; m < planned.Length; m++)
        {
            // The matrices share one size and anchor (ConvolutionKernel refuses others), so one set of rows serves them all.
            if (!TryPlanMatrix(step, step.Matrices[m], step.Divisors[m], combined: true, out planned[m]))
            {
                return false;
            }
        }

        plans = planned;
        return true;
    }

    // One matrix's taps. Combined, its weights must be whole (a step of 0.2 would be summed as whole numbers here and
    // as 0.2 in floats there) and its rows plain samples, which every matrix of the step shares.
    private static bool TryPlanMatrix(in ConvolutionStep step, KernelMatrix m, float divisor, bool combined, out DirectIntegerPlan plan)
    {
        plan = null!;
        if (step.BorderValue != Math.Round(step.BorderValue) || step.BorderValue < 0 || step.BorderValue > 255)
        {
            return false;
        }

        double unit = WeightStep(m);
        if (unit == 0 || (combined && unit != 1))
        {
            return false;
        }

        double Weight(int i, int j) => unit == 1 ? m[i, j] : Math.Round(m[i, j] / unit);

        double positive = 0;
        double negative = 0;
        int count = 0;
        for (int i = 0; i < m.Height; i++)
        {
            for (int j = 0; j < m.Width; j++)
            {
                double w = Weight(i, j);
                if (Math.Abs(w) > 127)
                {
                    return false;
                }

                positive += Math.Max(w, 0);
                negative += Math.Min(w, 0);
                count += w != 0 ? 1 : 0;
            }
        }

        // A separable kernel runs as two 1-D passes of kw + kh taps; taking it whole only pays while it is smaller.
        if (count == 0 || (m.IsSeparable && count > 2 * (m.Width + m.Height)))
        {
            return false;
        }

        bool unsigned = negative == 0;
        bool integerStore = !combined && unit == 1 && !unsigned && divisor > 0 && divisor <= 128 && divisor == Math.Round(divisor) && System.Numerics.BitOperations.IsPow2((uint)divisor)
            && step.Bias == Math.Round(step.Bias) && Math.Abs(step.Bias) <= 255;

        // Every partial sum (plus, for the integer store, the rounding offset) must stay inside its 16-bit lane.
        double slack = integerStore ? divisor : 0;
        bool fits = unsigned
            ? positive * 255 <= ushort.MaxValue
            : (positive * 255) + slack <= short.MaxValue && (negative * 255) - slack >= short.MinValue;
        if (!fits)
        {
            return false;
        }

        // Each row as runs of equal weights; running sums make a run two taps, which pays once it beats one tap a weight.
        var runs = new System.Collections.Generic.List<(int Row, int Start, int Length, short Weight)>();
        for (int i = 0; i < m.Height; i++)
        {
            for (int j = 0; j < m.Width;)
            {
                int length = 1;
                while (j + length < m.Width && Weight(i, j + length) == Weight(i, j))
                {
                    length++;
                }

                if (Weight(i, j) != 0)
                {
                    runs.Add((i, j, length, (short)Weight(i, j)));
                }

                j += length;
            }
        }

        bool useRuns = !combined && 2 * runs.Count < count;
        var taps = new System.Collections.Generic.List<(short Weight, int Row, int Column)>();
        foreach ((int row, int start, int length, short weight) in runs)
        {
            if (useRuns)
            {
                taps.Add((weight, row, start + length));
                taps.Add(((short)-weight, row, start));
            }
            else
            {
                for (int j = start; j < start + length; j++)
                {
                    taps.Add((weight, row, j));
                }
            }
        }

        int shift = integerStore ? System.Numerics.BitOperations.Log2((uint)divisor) : -1;
        plan = new DirectIntegerPlan(
            taps.ConvertAll(t => t.Weight).ToArray(),
            taps.ConvertAll(t => t.Row).ToArray(),
            taps.ConvertAll(t => t.Column).ToArray(),
            useRuns,
            unsigned,
            shift,
            (float)(divisor / unit),
            (short)step.BorderValue);
        return true;
    }

    /// <summary>
    /// 1 when every weight is a whole number; otherwise the smallest non-zero magnitude when every weight is a whole
    /// multiple of it (to one part in a billion), so the sum can still be taken in integers; 0 when neither holds.
    /// </summary>
    private static double WeightStep(KernelMatrix m)
    {
        bool whole = true;
        double smallest = double.MaxValue;
        for (int i = 0; i < m.Height; i++)
        {
            for (int j = 0; j < m.Width; j++)
            {
                double w = Math.Abs(m[i, j]);
                whole &= w == Math.Round(w);
                if (w != 0)
                {
                    smallest = Math.Min(smallest, w);
                }
            }
        }

        if (whole || smallest == double.MaxValue)
        {
            return 1;
        }

        for (int i = 0; i < m.Height; i++)
        {
            for (int j = 0; j < m.Width; j++)
            {
                double q = m[i, j] / smallest;
                if (Math.Abs(q - Math.Round(q)) > 1e-9 * Math.Max(1, Math.Abs(q)))
                {
                    return 0;
                }
            }
        }

        return smallest;
    }

    // The sums are 16-bit words. Adding, subtracting and multiplying words gives the same bits whether they are read
    // as signed or unsigned, so one loop serves both: only the final conversion reads them as plan.Unsigned says.
    public static void Convolve(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, DirectIntegerPlan plan, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, int firstRow = 0, int endRow = int.MaxValue)
    {
        ushort[] weights = Array.ConvertAll(plan.Weights, w => unchecked((ushort)w));
        KernelMatrix m = step.Matrices[0];
        int kh = m.Height;
        int kw = m.Width;
        int outWidth = columns.OutputLength;
        int rowLength = columns.ComputedLength * channels;
        int paddedLength = columns.PaddedLength * channels;
        bool absolute = step.Range == OutputRange.Absolute;
        ushort[] border = { unchecked((ushort)plan.Border) };
        if (plan.Shift >= 0 && !plan.Runs && columns.Stride == 1 && ByteCorrelation.IsSupported)
        {
            ConvolveBytes(source, width, height, channels, destination, step, plan, weights, rows, columns, parallel, firstRow, endRow);
            return;
        }

        // With runs, a cached row is the running sum Q of the padded row P: Q[0..channels) = 0, Q[k + channels] = Q[k] + P[k].
        // The sums wrap at 16 bits, which is harmless: every tap is added in the same wrapping arithmetic and the
        // true total fits the lane, so the wrapped total is the true one.
        int cachedLength = plan.Runs ? paddedLength + channels : paddedLength;
        RowBands.Run(firstRow, Math.Min(endRow, rows.OutputLength), parallel, [MethodImpl(Jit.HotLoop)] (start, end) =>
        {
            using var cache = new RowCache<ushort>(kh + rows.Stride + 1, cachedLength);
            ushort[]? scratch = plan.Runs ? ArrayPool<ushort>.Shared.Rent(paddedLength) : null;
            ushort[] accumulator = ArrayPool<ushort>.Shared.Rent(rowLength);
            float[]? sums = plan.Shift < 0 ? ArrayPool<float>.Shared.Rent(outWidth * channels) : null;
            int[] slots = new int[kh];
            int[] offsets = new int[weights.Length];
            try
            {
                for (int y = start; y < end; y++)
                {
                    if ((y & 7) == 0)
                    {
                        parallel.CancellationToken.ThrowIfCancellationRequested();
                    }

                    AcquireRows(source, width, height, channels, rows, columns, border, y, cache, slots, paddedLength, scratch, cachedLength);

                    for (int t = 0; t < offsets.Length; t++)
                    {
                        offsets[t] = (slots[plan.TapRows[t]] * cache.RowLength) + (plan.TapColumns[t] * channels);
                    }

                    Span<ushort> acc = accumulator.AsSpan(0, rowLength);
                    WordCorrelation.Correlate(cache.All, acc, weights, offsets);
                    if (columns.Stride > 1)
                    {
                        OutputRows.Compact(acc, outWidth, columns.Stride, channels);
                    }

                    Span<byte> dst = destination.Span.Slice(y * outWidth * channels, outWidth * channels);
                    if (sums is null)
                    {
                        SignedSumStore.ToBytes(MemoryMarshal.Cast<ushort, short>(acc.Slice(0, outWidth * channels)), plan.Shift, (short)step.Bias, absolute, dst);
                    }
                    else
                    {
                        Span<float> exact = sums.AsSpan(0, outWidth * channels);
                        Span<ushort> sum = acc.Slice(0, outWidth * channels);
                        if (plan.Unsigned)
                        {
                            SampleConversion.ToFloat<ushort>(sum, exact);
                        }
                        else
                        {
                            WordConversion.ToFloat(MemoryMarshal.Cast<ushort, short>(sum), exact);
                        }
                        SampleConversion.Store(exact, plan.StoreDivisor, step.Bias, step.Max, absolute, dst);
                    }

                    OutputRows.CopyUnselected(source.Span, width, channels, y, rows, columns, step.Selected, dst);
                }
            }
            finally
            {
                ArrayPool<ushort>.Shared.Return(accumulator);
                if (scratch is not null)
                {
                    ArrayPool<ushort>.Shared.Return(scratch);
                }

                if (sums is not null)
                {
                    ArrayPool<float>.Shared.Return(sums);
                }
            }
        });
    }

    // The kh source rows of output row y in the cache, their slots in slots: rows new to the cache widened to words,
    // or with scratch widened there and stored as running sums. Once a row: compiled optimised at once, as the loops
    // are, or a process's first calls run it unoptimised.
    [MethodImpl(Jit.HotLoop)]
    private static void AcquireRows(ReadOnlyMemory<byte> source, int width, int height, int channels, KernelSamplingMap rows, KernelSamplingMap columns, ushort[] border, int y, RowCache<ushort> cache, int[] slots, int paddedLength, ushort[]? scratch, int cachedLength)
    {
        for (int i = 0; i < slots.Length; i++)
        {
            int r = rows.Indices[(y * rows.Stride) + i];
            int slot = cache.Acquire(r, slots.AsSpan(0, i), out bool fresh);
            if (fresh && scratch is null)
            {
                RowPadding.Fill(source, width, height, channels, r, columns, border, cache.Row(slot).Slice(0, paddedLength), WordConversion.Widen);
            }
            else if (fresh)
            {
                RowPadding.Fill(source, width, height, channels, r, columns, border, scratch.AsSpan(0, paddedLength), WordConversion.Widen);
                RunningSums.RunningSum(scratch.AsSpan(0, paddedLength), cache.Row(slot).Slice(0, cachedLength), channels);
            }

            slots[i] = slot;
        }
    }

    /// <summary>
    /// Output rows [firstRow, endRow) of a step planned by <see cref="TryPlanCombined"/>: the rows widened to 16-bit
    /// words once, each matrix's exact sums from them, and those sums through the float path's arithmetic as its
    /// responses: divided and offset each, combined (squares summed, or the largest kept), the root taken, stored.
    /// </summary>
    public static void ConvolveCombined(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, DirectIntegerPlan[] plans, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, int firstRow = 0, int endRow = int.MaxValue)
    {
        ushort[][] weights = Array.ConvertAll(plans, p => Array.ConvertAll(p.Weights, w => unchecked((ushort)w)));
        int kh = step.Matrices[0].Height;
        int outWidth = columns.OutputLength;
        int rowLength = columns.ComputedLength * channels;
        int paddedLength = columns.PaddedLength * channels;
        int outLength = outWidth * channels;
        bool absolute = step.Range == OutputRange.Absolute;
        bool magnitude = step.Combination == KernelCombination.Magnitude;
        ushort[] border = { unchecked((ushort)plans[0].Border) };
        RowBands.Run(firstRow, Math.Min(endRow, rows.OutputLength), parallel, [MethodImpl(Jit.HotLoop)] (start, end) =>
        {
            using var cache = new RowCache<ushort>(kh + rows.Stride + 1, paddedLength);
            ushort[] accumulator = ArrayPool<ushort>.Shared.Rent(rowLength);
            float[] combined = ArrayPool<float>.Shared.Rent(outLength);
            int[] slots = new int[kh];
            int[] offsets = new int[plans.Max(p => p.Weights.Length)];
            try
            {
                for (int y = start; y < end; y++)
                {
                    if ((y & 7) == 0)
                    {
                        parallel.CancellationToken.ThrowIfCancellationRequested();
                    }

                    AcquireRows(source, width, height, channels, rows, columns, border, y, cache, slots, paddedLength, null, paddedLength);

                    Span<float> acc = combined.AsSpan(0, outLength);
                    for (int m = 0; m < plans.Length; m++)
                    {
                        DirectIntegerPlan plan = plans[m];
                        for (int t = 0; t < plan.Weights.Length; t++)
                        {
                            offsets[t] = (slots[plan.TapRows[t]] * cache.RowLength) + (plan.TapColumns[t] * channels);
                        }

                        Span<ushort> sum = accumulator.AsSpan(0, rowLength);
                        WordCorrelation.Correlate(cache.All, sum, weights[m], offsets.AsSpan(0, plan.Weights.Length));
                        if (columns.Stride > 1)
                        {
                            OutputRows.Compact(sum, outWidth, columns.Stride, channels);
                        }

                        Respond(sum.Slice(0, outLength), plan.Unsigned, step.Divisors[m], step.Bias, acc, first: m == 0, magnitude, root: magnitude && m == plans.Length - 1);
                    }

                    Span<byte> dst = destination.Span.Slice(y * outLength, outLength);
                    FloatPath.StoreSamples(step, channels, acc, dst);
                    OutputRows.CopyUnselected(source.Span, width, channels, y, rows, columns, step.Selected, dst);
                }
            }
            finally
            {
                ArrayPool<ushort>.Shared.Return(accumulator);
                ArrayPool<float>.Shared.Return(combined);
            }
        });
    }

    // One matrix's exact sums into the combined responses, in one pass: each sum as a float, divided and offset, then
    // squared into a magnitude or kept where it is the largest so far, and the root taken after the last matrix. Each
    // element takes the float path's operations in its order (RowArithmetic: DivideAndOffset, AccumulateSquares,
    // Maximum, SquareRoot, with no multiply fused into an add), so it rounds as they do. Passing over the row once
    // for each of those steps, as the float path does, made Sobel about a sixth slower.
    [MethodImpl(Jit.HotLoop)]
    private static void Respond(ReadOnlySpan<ushort> sums, bool unsigned, float divisor, float bias, Span<float> acc, bool first, bool magnitude, bool root)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var d = new Vector<float>(divisor);
            var b = new Vector<float>(bias);
            int step = Vector<ushort>.Count;
            Span<Vector<float>> a = MemoryMarshal.Cast<float, Vector<float>>(acc);
            for (; x <= sums.Length - step; x += step)
            {
                Vector<ushort> w = VectorMemory.Load(sums, x);
                Vector<int> low, high;
                if (unsigned)
                {
                    Vector.Widen(w, out Vector<uint> l, out Vector<uint> h);
                    low = Vector.AsVectorInt32(l);
                    high = Vector.AsVectorInt32(h);
                }
                else
                {
                    Vector.Widen(Vector.AsVectorInt16(w), out low, out high);
                }

                int v = x / Vector<float>.Count;
                a[v] = Next(a[v], (Vector.ConvertToSingle(low) / d) + b, first, magnitude, root);
                a[v + 1] = Next(a[v + 1], (Vector.ConvertToSingle(high) / d) + b, first, magnitude, root);
            }
        }

        for (; x < sums.Length; x++)
        {
            float r = ((unsigned ? sums[x] : (short)sums[x]) / divisor) + bias;
            float next = first ? (magnitude ? r * r : r) : magnitude ? acc[x] + (r * r) : Math.Max(acc[x], r);
            acc[x] = root ? (float)Math.Sqrt(next) : next;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Next(Vector<float> acc, Vector<float> r, bool first, bool magnitude, bool root)
    {
        Vector<float> next = first ? (magnitude ? r * r : r) : magnitude ? acc + (r * r) : Vector.Max(acc, r);
        return root ? Vector.SquareRoot(next) : next;
    }

    // The rows stay bytes and each output row is correlated and rounded in one loop (ByteCorrelation): for kernels
    // rounded in integers, with every column computed, on machines with AVX2. Outputs whose window lies wholly within
    // the image's columns (all but a few at each end of a row) read the stored rows where they are: copying every row
    // into a padded ring first took about a fifth of Sharpen's time on AVX2. The few at each end read a small padded
    // copy of their columns, and rows of the constant border (Constant mode's first and last rows) the padded ring.
    private static void ConvolveBytes(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, DirectIntegerPlan plan, ushort[] weights, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel, int firstRow, int endRow)
    {
        int kh = step.Matrices[0].Height;
        int kw = step.Matrices[0].Width;
        int outWidth = columns.OutputLength;
        int paddedLength = columns.PaddedLength * channels;
        int stride = width * channels;
        bool absolute = step.Range == OutputRange.Absolute;
        byte[] border = { (byte)plan.Border };
        (int inner, int innerEnd, int innerSource) = InnerOutputs(columns, width, kw);
        int edgePixels = Math.Max(inner, outWidth - innerEnd) + kw - 1;
        RowBands.Run(firstRow, Math.Min(endRow, rows.OutputLength), parallel, [MethodImpl(Jit.HotLoop)] (start, end) =>
        {
            RowCache<byte>? cache = null;
            byte[] edge = ArrayPool<byte>.Shared.Rent(kh * edgePixels * channels);
            int[] slots = new int[kh];
            int[] sourceRows = new int[kh];
            int[] offsets = new int[weights.Length];
            try
            {
                for (int y = start; y < end; y++)
                {
                    if ((y & 7) == 0)
                    {
                        parallel.CancellationToken.ThrowIfCancellationRequested();
                    }

                    Span<byte> dst = destination.Span.Slice(y * outWidth * channels, outWidth * channels);
                    bool constantRow = false;
                    for (int i = 0; i < kh; i++)
                    {
                        sourceRows[i] = rows.Indices[(y * rows.Stride) + i];
                        constantRow |= sourceRows[i] == height;
                    }

                    if (constantRow || innerEnd <= inner)
                    {
                        cache ??= new RowCache<byte>(kh + rows.Stride + 1, paddedLength);
                        for (int i = 0; i < kh; i++)
                        {
                            int slot = cache.Acquire(sourceRows[i], slots.AsSpan(0, i), out bool fresh);
                            if (fresh)
                            {
                                RowPadding.Fill(source, width, height, channels, sourceRows[i], columns, border, cache.Row(slot), CopyBytes);
                            }

                            slots[i] = slot;
                        }

                        for (int t = 0; t < offsets.Length; t++)
                        {
                            offsets[t] = (slots[plan.TapRows[t]] * cache.RowLength) + (plan.TapColumns[t] * channels);
                        }

                        ByteCorrelation.ToBytes(cache.All, weights, offsets, plan.Shift, (short)step.Bias, absolute, dst);
                    }
                    else
                    {
                        // Output pixel x reads padded position x + column, which is image column innerSource + x - inner + column.
                        for (int t = 0; t < offsets.Length; t++)
                        {
                            offsets[t] = (sourceRows[plan.TapRows[t]] * stride) + ((innerSource + plan.TapColumns[t]) * channels);
                        }

                        ReadOnlySpan<byte> pixels = source.Span;
                        ByteCorrelation.ToBytes(pixels, weights, offsets, plan.Shift, (short)step.Bias, absolute, dst.Slice(inner * channels, (innerEnd - inner) * channels));
                        EdgeOutputs(pixels, width, channels, columns, sourceRows, plan, weights, (short)step.Bias, absolute, edge, offsets, 0, inner, dst);
                        EdgeOutputs(pixels, width, channels, columns, sourceRows, plan, weights, (short)step.Bias, absolute, edge, offsets, innerEnd, outWidth, dst);
                    }

                    OutputRows.CopyUnselected(source.Span, width, channels, y, rows, columns, step.Selected, dst);
                }
            }
            finally
            {
                cache?.Dispose();
                ArrayPool<byte>.Shared.Return(edge);
            }
        });
    }

    /// <summary>
    /// The outputs [inner, innerEnd) whose kw padded positions (at column stride 1) all fall in the run of the image's
    /// own columns, which starts at position inner with image column innerSource; empty where there is none.
    /// </summary>
    internal static (int Inner, int InnerEnd, int InnerSource) InnerOutputs(KernelSamplingMap columns, int width, int kw)
    {
        (int Start, int Source, int Length) main = (0, 0, 0);
        foreach ((int start, int source, int length) run in columns.Runs)
        {
            if (run.source < width && run.length > main.Length)
            {
                main = run;
            }
        }

        int innerEnd = Math.Min(columns.OutputLength, main.Start + main.Length - kw + 1);
        return (main.Start, Math.Max(main.Start, innerEnd), main.Source);
    }

    // Output pixels [from, to) of a row whose source rows are all in the image: their padded columns copied into
    // edge, kh rows of (to - from + kw - 1) pixels, then correlated from there. Twice a row: compiled optimised at
    // once, as the loops are, or it runs unoptimised code until the runtime recompiles it.
    [MethodImpl(Jit.HotLoop)]
    private static void EdgeOutputs(ReadOnlySpan<byte> source, int width, int channels, KernelSamplingMap columns, int[] sourceRows, DirectIntegerPlan plan, ushort[] weights, short bias, bool absolute, byte[] edge, int[] offsets, int from, int to, Span<byte> dst)
    {
        if (to <= from)
        {
            return;
        }

        int kw = columns.Taps;
        int length = (to - from + kw - 1) * channels;
        for (int i = 0; i < sourceRows.Length; i++)
        {
            ReadOnlySpan<byte> row = source.Slice(sourceRows[i] * width * channels, width * channels);
            Span<byte> padded = edge.AsSpan(i * length, length);
            for (int p = 0; p < to - from + kw - 1; p++)
            {
                int column = columns.Indices[from + p];
                Span<byte> pixel = padded.Slice(p * channels, channels);
                if (column == width)
                {
                    pixel.Fill((byte)plan.Border);
                }
                else
                {
                    row.Slice(column * channels, channels).CopyTo(pixel);
                }
            }
        }

        for (int t = 0; t < offsets.Length; t++)
        {
            offsets[t] = (plan.TapRows[t] * length) + (plan.TapColumns[t] * channels);
        }

        ByteCorrelation.ToBytes(edge.AsSpan(0, sourceRows.Length * length), weights, offsets, plan.Shift, bias, absolute, dst.Slice(from * channels, (to - from) * channels));
    }

    private static void CopyBytes(ReadOnlySpan<byte> source, Span<byte> target) => source.CopyTo(target);
}
