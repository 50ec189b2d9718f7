#if NET8_0_OR_GREATER
using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// The AVX2 forms of <see cref="EdgeRecompute"/> for RGBA and a separable kernel: a pixel's four premultiplied sums
/// (each colour times alpha, then alpha) are the four lanes of one vector. In doubles every lane is added,
/// multiplied and divided in the order the scalar code uses, so the two agree to the bit; where
/// <see cref="IsExact"/>, in ints, exact, whose quotient rounds alike. The int form sums four neighbouring columns
/// down at once in 16-bit lanes, and two neighbouring pixels across in one 256-bit vector; with AVX-512, eight columns
/// and four pixels.
/// </summary>
internal static partial class EdgeRecompute
{
    [MethodImpl(Jit.HotLoop)]
    static partial void CorrectRgbaEdges(ReadOnlySpan<byte> source, int width, Span<byte> dst, in ConvolutionStep step, AlphaWeighting alpha, double[] column, double[] row, ReadOnlySpan<int> rowStarts, KernelSamplingMap rows, KernelSamplingMap columns, int y, ReadOnlySpan<int> edges, ref bool done)
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        done = true;
        var form = new DoubleSums(width, step, alpha, column, row, rows, columns, y);
        Vector256<double>[] vertical = ArrayPool<Vector256<double>>.Shared.Rent(columns.PaddedLength);
        CorrectRuns<Vector256<double>, DoubleSums>(source, dst, columns, rowStarts, edges, row.Length, ref form, vertical);
        ArrayPool<Vector256<double>>.Shared.Return(vertical);
    }

    /// <summary>
    /// <see cref="CorrectRgbaEdges"/> in ints, where <see cref="IsExact"/> (no conversions, one multiply for weight and
    /// alpha a column, one division a pixel instead of two), for every listed pixel of output rows [y0, y1): the form
    /// and the column sums' buffer made once for all of them, as a cut-out's rim lists a few pixels in each of
    /// thousands of rows.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    static partial void CorrectRgbaRowsExact(ReadOnlySpan<byte> source, int width, int height, Span<byte> destination, in ConvolutionStep step, AlphaWeighting alpha, KernelTaps taps, KernelSamplingMap rows, KernelSamplingMap columns, EdgePixels edges, int y0, int y1, ref bool done)
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        done = true;
        var form = new IntegerSums(width, step, alpha, taps);
        int rowLength = columns.OutputLength * 4;
        Span<int> rowStarts = stackalloc int[rows.Taps];
        Vector128<int>[] vertical = ArrayPool<Vector128<int>>.Shared.Rent(columns.PaddedLength);
        for (int y = y0; y < y1; y++)
        {
            ReadOnlySpan<int> listed = edges.Row(y);
            if (listed.Length > 0)
            {
                RowStarts(rows, y, width * 4, height, rowStarts);
                CorrectRuns<Vector128<int>, IntegerSums>(source, destination.Slice(y * rowLength, rowLength), columns, rowStarts, listed, taps.IntegerRow!.Length, ref form, vertical);
            }
        }

        ArrayPool<Vector128<int>>.Shared.Return(vertical);
    }

    /// <summary>One form's arithmetic: a padded column's vertical sums, a pixel's sum of kw of them, the pixel stored.</summary>
    private interface IRgbaSums<TSums>
        where TSums : unmanaged
    {
        /// <summary>Source column <paramref name="col"/> (the constant border's where it is the width) summed down the kernel's rows.</summary>
        TSums Column(ref byte pixels, ReadOnlySpan<int> rowStarts, int col);

        /// <summary>
        /// Columns <paramref name="col"/> and the next into <paramref name="target"/> and the element after it, at once
        /// where the form can (both in the image); false, with nothing written, where it cannot.
        /// </summary>
        bool Pair(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref TSums target);

        /// <summary>
        /// Columns <paramref name="col"/> to <paramref name="col"/> + 3 into <paramref name="target"/> and the three
        /// elements after it, at once where the form can (all four in the image); false, with nothing written, where it
        /// cannot.
        /// </summary>
        bool Quad(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref TSums target);

        /// <summary>
        /// Columns <paramref name="col"/> to <paramref name="col"/> + 7 into <paramref name="target"/> and the seven
        /// elements after it, at once where the form can (AVX-512, all eight in the image); false, with nothing written,
        /// where it cannot.
        /// </summary>
        bool Oct(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref TSums target);

        /// <summary>The kw vertical sums from <paramref name="first"/> on, weighted by the row factor.</summary>
        TSums Row(ref TSums first);

        void Store(ReadOnlySpan<byte> source, Span<byte> dst, int x, TSums sums);

        /// <summary>
        /// Pixels <paramref name="x"/> and x + 1 (no column stride) from the vertical sums from <paramref name="first"/>
        /// on, summed and stored at once where the form can; false, with nothing written, where it cannot.
        /// </summary>
        bool StoreTwo(Span<byte> dst, int x, ref TSums first);

        /// <summary>
        /// Pixels <paramref name="x"/> to x + 3 (no column stride) as <see cref="StoreTwo"/> does two, at once where the
        /// form can; false, with nothing written, where it cannot.
        /// </summary>
        bool StoreFour(Span<byte> dst, int x, ref TSums first);
    }

    // Each run of edge pixels close enough to share padded columns: the columns summed down once, then each pixel.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CorrectRuns<TSums, TForm>(ReadOnlySpan<byte> source, Span<byte> dst, KernelSamplingMap columns, ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> edges, int kw, ref TForm form, TSums[] vertical)
        where TSums : unmanaged
        where TForm : struct, IRgbaSums<TSums>
    {
        int stride = columns.Stride;
        ref byte pixels = ref MemoryMarshal.GetReference(source);
        for (int e = 0; e < edges.Length;)
        {
            int last = RunEnd(edges, e, stride, kw);
            int end = (edges[last] * stride) + kw;
            for (int p = edges[e] * stride; p < end;)
            {
                int col = columns.Indices[p];
                if (Avx512BW.IsSupported && p + 7 < end && Consecutive(columns.Indices, p, col, 8) && form.Oct(ref pixels, rowStarts, col, ref vertical[p]))
                {
                    p += 8;
                    continue;
                }

                if (p + 3 < end && columns.Indices[p + 1] == col + 1 && columns.Indices[p + 2] == col + 2 && columns.Indices[p + 3] == col + 3
                    && form.Quad(ref pixels, rowStarts, col, ref vertical[p]))
                {
                    p += 4;
                    continue;
                }

                if (p + 1 < end && columns.Indices[p + 1] == col + 1 && form.Pair(ref pixels, rowStarts, col, ref vertical[p]))
                {
                    p += 2;
                    continue;
                }

                vertical[p++] = form.Column(ref pixels, rowStarts, col);
            }

            for (int k = e; k <= last; k++)
            {
                int x = edges[k];
                if (stride == 1 && k + 3 <= last && edges[k + 3] == x + 3 && form.StoreFour(dst, x, ref vertical[x]))
                {
                    // The listed pixels rise one at a time, so x + 3 three places on means x + 1 and x + 2 between.
                    k += 3;
                    continue;
                }

                if (stride == 1 && k < last && edges[k + 1] == x + 1 && form.StoreTwo(dst, x, ref vertical[x]))
                {
                    k++;
                    continue;
                }

                form.Store(source, dst, x, form.Row(ref vertical[x * stride]));
            }

            e = last + 1;
        }
    }

    // True where the count source columns from position p on are col, col + 1, ...
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Consecutive(int[] indices, int p, int col, int count)
    {
        for (int i = 1; i < count; i++)
        {
            if (indices[p + i] != col + i)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The double-precision form, in the scalar code's order.</summary>
    private readonly struct DoubleSums : IRgbaSums<Vector256<double>>
    {
        private readonly int width;
        private readonly double[] column;
        private readonly double[] row;
        private readonly Vector256<double> border;
        private readonly RgbaFinish finish;

        public DoubleSums(int width, in ConvolutionStep step, AlphaWeighting alpha, double[] column, double[] row, KernelSamplingMap rows, KernelSamplingMap columns, int y)
        {
            this.width = width;
            this.column = column;
            this.row = row;

            // The constant border is a pixel with every channel at the border value: its colour lanes times its alpha.
            double b = step.BorderValue;
            border = Vector256.Create(b, b, b, 1.0) * b;
            finish = new RgbaFinish(width, step, alpha, rows, columns, y);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Column(ref byte pixels, ReadOnlySpan<int> rowStarts, int col)
        {
            Vector256<double> sums = Vector256<double>.Zero;
            for (int i = 0; i < column.Length; i++)
            {
                double w = column[i];
                if (rowStarts[i] < 0 || col == width)
                {
                    // The scalar code's w·b·b for colour and w·b for alpha: (b, b, b, 1)·b is exact for b ≤ 255, times w.
                    sums += border * w;
                    continue;
                }

                // (C0, C1, C2, A) widened to doubles, alpha's lane set to 1, times w·A.
                int at = rowStarts[i] + (col * 4);
                Vector256<double> sample = Avx.ConvertToVector256Double(Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pixels, at))).AsByte()));
                double wa = w * Unsafe.Add(ref pixels, at + 3);
                sums += Avx.Blend(sample, Vector256<double>.One, 0b1000) * wa;
            }

            return sums;
        }

        public bool Pair(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref Vector256<double> target) => false;

        public bool Quad(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref Vector256<double> target) => false;

        public bool Oct(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref Vector256<double> target) => false;

        public bool StoreTwo(Span<byte> dst, int x, ref Vector256<double> first) => false;

        public bool StoreFour(Span<byte> dst, int x, ref Vector256<double> first) => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Row(ref Vector256<double> first)
        {
            Vector256<double> sums = Vector256<double>.Zero;
            for (int j = 0; j < row.Length; j++)
            {
                sums += Unsafe.Add(ref first, j) * row[j];
            }

            return sums;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(ReadOnlySpan<byte> source, Span<byte> dst, int x, Vector256<double> sums) => finish.Store(source, dst, x, sums);
    }

    /// <summary>
    /// The integer form: premultiplied sums below 2^31 (<see cref="KernelTaps.IntegerColumn"/>), so exact. Each colour
    /// is Σ K·C·A / Σ K·A, whose double quotient is correctly rounded; no tie is mistaken, as a quotient that is not one
    /// is at least 1 / (2 Σ K·A) from it. 0 where Σ K·A is 0. Alpha is Σ K·A / 2^shift rounded to nearest, ties to
    /// even, as the integer path stores it.
    /// </summary>
    private readonly struct IntegerSums : IRgbaSums<Vector128<int>>
    {
        private readonly int width;
        private readonly int[] column;
        private readonly int[] row;
        private readonly Vector128<int> border;
        private readonly Vector256<int> borderPair;
        private readonly int shift;
        private readonly SelectedColours colours;
        private readonly bool convolveAlpha;
        private readonly ulong writtenTwo;
        private readonly Vector128<byte> writtenFour;
        private readonly bool singleQuotient;

        public IntegerSums(int width, in ConvolutionStep step, AlphaWeighting alpha, KernelTaps taps)
        {
            this.width = width;
            column = taps.IntegerColumn!;
            row = taps.IntegerRow!;

            // The constant border is a pixel with every channel at the border value b: its colours times b, and b.
            int b = (int)step.BorderValue;
            border = Vector128.Create(b * b, b * b, b * b, b);
            borderPair = Vector256.Create(border, border);
            shift = BitOperations.Log2((uint)step.Divisors[0]);
            colours = new SelectedColours(step);
            convolveAlpha = alpha.ConvolveAlpha;

            // The bytes of a pixel the step writes: the selected colours, and alpha where it is convolved.
            uint written = (step.Selected[0] ? 0xFFu : 0) | (step.Selected[1] ? 0xFF00u : 0) | (step.Selected[2] ? 0xFF0000u : 0) | (alpha.ConvolveAlpha ? 0xFF000000u : 0);
            writtenTwo = written | ((ulong)written << 32);
            writtenFour = Vector128.Create(writtenTwo, writtenTwo).AsByte();

            // Where every alpha sum Σ K·A is below 2^16 (Σ K ≤ 257), a colour's quotient Σ K·C·A / Σ K·A rounds alike in
            // single precision: both sums are integers below 2^24, so exact as floats, and the division is correctly
            // rounded. A quotient q ≤ 255 that is not a half-integer is at least 1 / (2 Σ K·A) > 2^-17 from the nearest
            // one, and rounding moves it by at most half a unit in the last place, 2^-17 below 256: never onto or past it.
            // A half-integer q is a float, so it stays, and ties go to even in both.
            singleQuotient = (long)taps.IntegerSum * 255 < 1 << 16;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Column(ref byte pixels, ReadOnlySpan<int> rowStarts, int col)
        {
            Vector128<int> sums = Vector128<int>.Zero;
            for (int i = 0; i < column.Length; i++)
            {
                int w = column[i];
                if (rowStarts[i] < 0 || col == width)
                {
                    sums += border * w;
                    continue;
                }

                // (C0, C1, C2, A) with alpha's lane set to 1, times (A, A, A, A)·w: (C0·A, C1·A, C2·A, A)·w.
                Vector128<int> sample = Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pixels, rowStarts[i] + (col * 4)))).AsByte());
                sums += Avx2.Blend(sample, Vector128.Create(0, 0, 0, 1), 0b1000) * (Sse2.Shuffle(sample, 0b11_11_11_11) * w);
            }

            return sums;
        }

        // Two neighbouring columns in the two halves of one 256-bit vector: one load, widening and multiply each for
        // both, where every row read is the image's (or the constant border's row, the same for both).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Pair(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref Vector128<int> target)
        {
            if (col + 1 >= width)
            {
                return false;
            }

            Vector256<int> sums = Vector256<int>.Zero;
            for (int i = 0; i < column.Length; i++)
            {
                int w = column[i];
                if (rowStarts[i] < 0)
                {
                    sums += borderPair * w;
                    continue;
                }

                Vector256<int> sample = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref pixels, rowStarts[i] + (col * 4)))).AsByte());
                sums += Avx2.Blend(sample, Vector256.Create(0, 0, 0, 1, 0, 0, 0, 1), 0b1000_1000) * (Avx2.Shuffle(sample, 0b11_11_11_11) * w);
            }

            Unsafe.As<Vector128<int>, Vector256<int>>(ref target) = sums;
            return true;
        }

        // Four neighbouring columns in 16-bit lanes: each row's four pixels widened to words, colour times alpha (at most
        // 255 · 255, exact in 16 bits; alpha's lane times 1), then times the weight into 32 bits from the low and high
        // halves of the products. A quarter of Pair's instructions a column, where all four are in the image.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Quad(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref Vector128<int> target)
        {
            if (col + 3 >= width)
            {
                return false;
            }

            // Within each 128-bit lane two pixels of four words: alpha is word 3 of each, bytes 6-7 and 14-15.
            Vector256<byte> alphaWords = Vector256.Create((byte)6, 7, 6, 7, 6, 7, 6, 7, 14, 15, 14, 15, 14, 15, 14, 15, 6, 7, 6, 7, 6, 7, 6, 7, 14, 15, 14, 15, 14, 15, 14, 15);
            Vector256<ushort> ones = Vector256.Create((ushort)1);
            Vector256<int> even = Vector256<int>.Zero, odd = Vector256<int>.Zero; // pixels 0 and 2, pixels 1 and 3
            for (int i = 0; i < column.Length; i++)
            {
                int w = column[i];
                if (rowStarts[i] < 0)
                {
                    even += borderPair * w;
                    odd += borderPair * w;
                    continue;
                }

                Vector256<ushort> words = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pixels, (nuint)(rowStarts[i] + (col * 4)))).AsUInt16();
                Vector256<ushort> products = Avx2.Blend(words, ones, 0b1000_1000) * Avx2.Shuffle(words.AsByte(), alphaWords).AsUInt16();
                Vector256<ushort> weight = Vector256.Create((ushort)w);
                Vector256<ushort> low = products * weight;
                Vector256<ushort> high = Avx2.MultiplyHigh(products, weight);
                even += Avx2.UnpackLow(low, high).AsInt32();
                odd += Avx2.UnpackHigh(low, high).AsInt32();
            }

            ref Vector256<int> pairs = ref Unsafe.As<Vector128<int>, Vector256<int>>(ref target);
            pairs = Avx2.Permute2x128(even, odd, 0x20);
            Unsafe.Add(ref pairs, 1) = Avx2.Permute2x128(even, odd, 0x31);
            return true;
        }

        // Quad's arithmetic for eight neighbouring columns in 512-bit vectors: each row's eight pixels widened to words
        // in one load, the four 128-bit lanes holding two pixels each, put back in column order at the end.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Oct(ref byte pixels, ReadOnlySpan<int> rowStarts, int col, ref Vector128<int> target)
        {
            if (!Avx512BW.IsSupported || col + 7 >= width)
            {
                return false;
            }

            Vector512<byte> alphaWords = Vector512.Create(
                (byte)6, 7, 6, 7, 6, 7, 6, 7, 14, 15, 14, 15, 14, 15, 14, 15, 6, 7, 6, 7, 6, 7, 6, 7, 14, 15, 14, 15, 14, 15, 14, 15,
                6, 7, 6, 7, 6, 7, 6, 7, 14, 15, 14, 15, 14, 15, 14, 15, 6, 7, 6, 7, 6, 7, 6, 7, 14, 15, 14, 15, 14, 15, 14, 15);
            Vector512<ushort> colourLanes = Vector512.Create(0xFFFF_FFFF_FFFFUL).AsUInt16();
            Vector512<ushort> alphaOne = Vector512.Create(1UL << 48).AsUInt16();
            Vector512<int> borderFour = Vector512.Create(borderPair, borderPair);
            Vector512<int> even = Vector512<int>.Zero, odd = Vector512<int>.Zero; // pixels 0, 2, 4, 6 and 1, 3, 5, 7
            for (int i = 0; i < column.Length; i++)
            {
                int w = column[i];
                if (rowStarts[i] < 0)
                {
                    even += borderFour * w;
                    odd += borderFour * w;
                    continue;
                }

                Vector512<ushort> words = Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref pixels, (nuint)(rowStarts[i] + (col * 4))));
                Vector512<ushort> products = Vector512.ConditionalSelect(colourLanes, words, alphaOne) * Avx512BW.Shuffle(words.AsByte(), alphaWords).AsUInt16();
                Vector512<ushort> weight = Vector512.Create((ushort)w);
                Vector512<ushort> low = products * weight;
                Vector512<ushort> high = Avx512BW.MultiplyHigh(products, weight);
                even += Avx512BW.UnpackLow(low, high).AsInt32();
                odd += Avx512BW.UnpackHigh(low, high).AsInt32();
            }

            // Quadwords 2L and 2L + 1 of even hold pixel 2L, of odd pixel 2L + 1 (odd's are 8 on in the permute's index).
            ref Vector512<int> quads = ref Unsafe.As<Vector128<int>, Vector512<int>>(ref target);
            quads = Avx512F.PermuteVar8x64x2(even.AsInt64(), Vector512.Create(0L, 1, 8, 9, 2, 3, 10, 11), odd.AsInt64()).AsInt32();
            Unsafe.Add(ref quads, 1) = Avx512F.PermuteVar8x64x2(even.AsInt64(), Vector512.Create(4L, 5, 12, 13, 6, 7, 14, 15), odd.AsInt64()).AsInt32();
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Row(ref Vector128<int> first)
        {
            Vector128<int> sums = Vector128<int>.Zero;
            for (int j = 0; j < row.Length; j++)
            {
                sums += Unsafe.Add(ref first, j) * row[j];
            }

            return sums;
        }

        // Two neighbouring pixels in one 256-bit vector: the vector at column j holds column j of pixel x and column j
        // of x + 1, so one multiply-add a tap sums both; then Store's arithmetic in lanes (a divisor of 1 where Σ K·A is
        // 0, whose colour sums are 0 too), the two pixels' bytes merged with those the step does not write in one word.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool StoreTwo(Span<byte> dst, int x, ref Vector128<int> first)
        {
            Vector256<int> sums = Vector256<int>.Zero;
            for (int j = 0; j < row.Length; j++)
            {
                sums += Unsafe.As<Vector128<int>, Vector256<int>>(ref Unsafe.Add(ref first, j)) * row[j];
            }

            Vector256<double> one = Vector256.Create(1.0);
            Vector256<double> low = Avx.ConvertToVector256Double(sums.GetLower());
            Vector256<double> high = Avx.ConvertToVector256Double(sums.GetUpper());
            low = Avx.RoundToNearestInteger(low / Avx.Max(Avx2.Permute4x64(low, 0b11_11_11_11), one));
            high = Avx.RoundToNearestInteger(high / Avx.Max(Avx2.Permute4x64(high, 0b11_11_11_11), one));
            Vector256<int> levels = Vector256.Create(Avx.ConvertToVector128Int32WithTruncation(low), Avx.ConvertToVector128Int32WithTruncation(high));

            levels = WithAlpha(levels, sums);

            // Saturated to 16 then 8 bits within each 128-bit lane: pixel x in the low lane's first four bytes, x + 1 in
            // the high lane's.
            Vector256<short> words = Avx2.PackSignedSaturate(levels, levels);
            Vector256<uint> bytes = Avx2.PackUnsignedSaturate(words, words).AsUInt32();
            ulong value = bytes.ToScalar() | ((ulong)bytes.GetElement(4) << 32);
            ref byte target = ref dst[x * 4];
            _ = dst[(x * 4) + 7];
            ulong old = Unsafe.ReadUnaligned<ulong>(ref target);
            Unsafe.WriteUnaligned(ref target, (value & writtenTwo) | (old & ~writtenTwo));
            return true;
        }

        // StoreTwo for four neighbouring pixels in one 512-bit vector, where the quotients round alike in single
        // precision (singleQuotient): sixteen in one division (two with AVX2).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool StoreFour(Span<byte> dst, int x, ref Vector128<int> first)
        {
            if (!singleQuotient)
            {
                return false;
            }

            if (!Avx512F.IsSupported)
            {
                return StoreFourAvx2(dst, x, ref first);
            }

            Vector512<int> sums = Vector512<int>.Zero;
            for (int j = 0; j < row.Length; j++)
            {
                sums += Unsafe.As<Vector128<int>, Vector512<int>>(ref Unsafe.Add(ref first, j)) * row[j];
            }

            Vector512<float> numerators = Avx512F.ConvertToVector512Single(sums);
            Vector512<float> divisors = Avx512F.Max(Avx512F.Shuffle(numerators, numerators, 0b11_11_11_11), Vector512.Create(1f));
            Vector512<int> levels = Avx512F.ConvertToVector512Int32WithTruncation(Avx512F.RoundScale(numerators / divisors, 0));
            Vector512<int> alphaLevels = sums;
            if (shift > 0)
            {
                alphaLevels = Vector512.ShiftRightLogical(sums + Vector512.Create(ShiftRounding.HalfLessOne(shift)) + (Vector512.ShiftRightLogical(sums, shift) & Vector512<int>.One), shift);
            }

            levels = Vector512.ConditionalSelect(Vector512.Create(0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1), alphaLevels, levels);
            Vector128<byte> bytes = Avx512F.ConvertToVector128ByteWithSaturation(levels.AsUInt32());
            ref byte target = ref dst[x * 4];
            _ = dst[(x * 4) + 15];
            Vector128.ConditionalSelect(writtenFour, bytes, Vector128.LoadUnsafe(ref target)).StoreUnsafe(ref target);
            return true;
        }

        // StoreFour's arithmetic in two 256-bit vectors: pixels x and x + 1 in one, x + 2 and x + 3 in the other, eight
        // single-precision quotients in each division where StoreTwo made four double ones.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool StoreFourAvx2(Span<byte> dst, int x, ref Vector128<int> first)
        {
            Vector256<int> near = Vector256<int>.Zero, far = Vector256<int>.Zero;
            for (int j = 0; j < row.Length; j++)
            {
                Vector256<int> w = Vector256.Create(row[j]);
                near += Unsafe.As<Vector128<int>, Vector256<int>>(ref Unsafe.Add(ref first, j)) * w;
                far += Unsafe.As<Vector128<int>, Vector256<int>>(ref Unsafe.Add(ref first, j + 2)) * w;
            }

            Vector256<int> nearLevels = Quotients(near);
            Vector256<int> farLevels = Quotients(far);

            // Packed within 128-bit lanes: the low lane's first two words hold pixels x and x + 2, the high lane's x + 1
            // and x + 3; their dwords put back in order.
            Vector256<short> words = Avx2.PackSignedSaturate(nearLevels, farLevels);
            Vector256<int> bytes = Avx2.PackUnsignedSaturate(words, words).AsInt32();
            Vector128<byte> four = Avx2.PermuteVar8x32(bytes, Vector256.Create(0, 4, 1, 5, 0, 0, 0, 0)).GetLower().AsByte();
            ref byte target = ref dst[x * 4];
            _ = dst[(x * 4) + 15];
            Vector128.ConditionalSelect(writtenFour, four, Vector128.LoadUnsafe(ref target)).StoreUnsafe(ref target);
            return true;
        }

        // Two pixels' colour quotients Σ K·C·A / Σ K·A in single precision (a divisor of 1 where Σ K·A is 0, whose
        // colour sums are 0 too), and their alpha as the integer path rounds it, in lanes 3 and 7.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<int> Quotients(Vector256<int> sums)
        {
            Vector256<float> numerators = Avx.ConvertToVector256Single(sums);
            Vector256<float> divisors = Avx.Max(Avx.Permute(numerators, 0b11_11_11_11), Vector256.Create(1f));
            return WithAlpha(Avx.ConvertToVector256Int32WithTruncation(Avx.RoundToNearestInteger(numerators / divisors)), sums);
        }

        // Two pixels' levels with lanes 3 and 7 replaced by their alpha as the integer path rounds it
        // (ShiftRounding.Divide of the alpha sums).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<int> WithAlpha(Vector256<int> levels, Vector256<int> sums)
        {
            Vector256<int> alphaLevels = sums;
            if (shift > 0)
            {
                alphaLevels = Vector256.ShiftRightLogical(sums + Vector256.Create(ShiftRounding.HalfLessOne(shift)) + (Vector256.ShiftRightLogical(sums, shift) & Vector256<int>.One), shift);
            }

            return Avx2.Blend(levels, alphaLevels, 0b1000_1000);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(ReadOnlySpan<byte> source, Span<byte> dst, int x, Vector128<int> sums)
        {
            int alphaSum = sums.GetElement(3);
            Vector128<int> levels = alphaSum == 0
                ? Vector128<int>.Zero
                : Avx.ConvertToVector128Int32WithTruncation(Avx.RoundToNearestInteger(Avx.ConvertToVector256Double(sums) / Vector256.Create((double)alphaSum)));
            Span<byte> pixel = dst.Slice(x * 4, 4);
            colours.Store(pixel, levels);

            if (convolveAlpha)
            {
                pixel[3] = (byte)Math.Min(255, ShiftRounding.Divide(alphaSum, shift));
            }
        }
    }

    /// <summary>What <see cref="Finish"/> reads for every pixel, read once for a row, and its arithmetic in lanes.</summary>
    private readonly struct RgbaFinish
    {
        private readonly int width;
        private readonly int rowOffset;
        private readonly int columnStride;
        private readonly int centreColumn;
        private readonly bool absolute;
        private readonly bool byConvolvedAlpha;
        private readonly bool convolveAlpha;
        private readonly SelectedColours colours;
        private readonly double divisor;
        private readonly double bias;

        public RgbaFinish(int width, in ConvolutionStep step, AlphaWeighting alpha, KernelSamplingMap rows, KernelSamplingMap columns, int y)
        {
            this.width = width;
            rowOffset = ((y * rows.Stride) + rows.CentreOffset) * width;
            columnStride = columns.Stride;
            centreColumn = columns.CentreOffset;
            absolute = step.Range == OutputRange.Absolute;
            byConvolvedAlpha = alpha.DivideByConvolvedAlpha;
            convolveAlpha = alpha.ConvolveAlpha;
            colours = new SelectedColours(step);
            divisor = step.Divisors[0];
            bias = alpha.Bias;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(ReadOnlySpan<byte> source, Span<byte> dst, int x, Vector256<double> sums)
        {
            double convolvedAlpha = sums.GetElement(3) / divisor;
            double dividing = byConvolvedAlpha ? convolvedAlpha : source[((rowOffset + (x * columnStride) + centreColumn) * 4) + 3];
            Vector256<double> colour = dividing != 0 ? sums / Vector256.Create(divisor) / Vector256.Create(dividing) : Vector256<double>.Zero;
            colour += Vector256.Create(bias);
            if (absolute)
            {
                colour = Vector256.Abs(colour);
            }

            // Clamped to [0, 255], rounded to nearest with ties to even, as Quantize does.
            Vector128<int> levels = Avx.ConvertToVector128Int32WithTruncation(Avx.RoundToNearestInteger(Avx.Min(Avx.Max(colour, Vector256<double>.Zero), Vector256.Create(255.0))));
            Span<byte> pixel = dst.Slice(x * 4, 4);
            colours.Store(pixel, levels);

            if (convolveAlpha)
            {
                pixel[3] = Quantize(convolvedAlpha + bias, absolute);
            }
        }
    }

    /// <summary>The colour channels the step writes: the rounded levels of the others are not stored.</summary>
    private readonly struct SelectedColours
    {
        private readonly bool red;
        private readonly bool green;
        private readonly bool blue;

        public SelectedColours(in ConvolutionStep step)
        {
            red = step.Selected[0];
            green = step.Selected[1];
            blue = step.Selected[2];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Span<byte> pixel, Vector128<int> levels)
        {
            if (red)
            {
                pixel[0] = (byte)levels.GetElement(0);
            }

            if (green)
            {
                pixel[1] = (byte)levels.GetElement(1);
            }

            if (blue)
            {
                pixel[2] = (byte)levels.GetElement(2);
            }
        }
    }
}
#endif
