#if NET8_0_OR_GREATER
using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// The AVX2 form of <see cref="EdgeRecompute"/> for RGBA and a separable kernel: a pixel's four premultiplied sums
/// (each colour times alpha, then alpha) are the four lanes of one vector of doubles. Every lane is added, multiplied
/// and divided in the order the scalar code uses, so the two agree to the bit.
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
        int kw = row.Length;
        int stride = columns.Stride;
        double borderValue = step.BorderValue;

        // The constant border is a pixel with every channel at the border value: its colour lanes times its alpha.
        Vector256<double> border = Vector256.Create(borderValue, borderValue, borderValue, 1.0) * borderValue;
        var finish = new RgbaFinish(source, width, step, alpha, rows, columns, y);
        Vector256<double>[] vertical = ArrayPool<Vector256<double>>.Shared.Rent(columns.PaddedLength);
        try
        {
            ref byte pixels = ref MemoryMarshal.GetReference(source);
            for (int e = 0; e < edges.Length;)
            {
                int last = RunEnd(edges, e, stride, kw);

                int first = edges[e] * stride;
                int end = (edges[last] * stride) + kw;
                for (int p = first; p < end; p++)
                {
                    Vector256<double> sums = Vector256<double>.Zero;
                    int col = columns.Indices[p];
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

                    vertical[p] = sums;
                }

                for (int k = e; k <= last; k++)
                {
                    int x = edges[k];
                    Vector256<double> sums = Vector256<double>.Zero;
                    for (int j = 0; j < kw; j++)
                    {
                        sums += vertical[(x * stride) + j] * row[j];
                    }

                    finish.Store(dst, x, sums);
                }

                e = last + 1;
            }
        }
        finally
        {
            ArrayPool<Vector256<double>>.Shared.Return(vertical);
        }
    }

    /// <summary>What <see cref="Finish"/> reads for every pixel, read once for a row, and its arithmetic in lanes.</summary>
    private readonly ref struct RgbaFinish
    {
        private readonly ReadOnlySpan<byte> source;
        private readonly int width;
        private readonly int rowOffset;
        private readonly int columnStride;
        private readonly int centreColumn;
        private readonly bool absolute;
        private readonly bool byConvolvedAlpha;
        private readonly bool convolveAlpha;
        private readonly bool red;
        private readonly bool green;
        private readonly bool blue;
        private readonly double divisor;
        private readonly double bias;

        public RgbaFinish(ReadOnlySpan<byte> source, int width, in ConvolutionStep step, AlphaWeighting alpha, KernelSamplingMap rows, KernelSamplingMap columns, int y)
        {
            this.source = source;
            this.width = width;
            rowOffset = ((y * rows.Stride) + rows.CentreOffset) * width;
            columnStride = columns.Stride;
            centreColumn = columns.CentreOffset;
            absolute = step.Range == OutputRange.Absolute;
            byConvolvedAlpha = alpha.DivideByConvolvedAlpha;
            convolveAlpha = alpha.ConvolveAlpha;
            red = step.Selected[0];
            green = step.Selected[1];
            blue = step.Selected[2];
            divisor = step.Divisors[0];
            bias = alpha.Bias;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Span<byte> dst, int x, Vector256<double> sums)
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
            Vector128<int> levels = Avx.ConvertToVector128Int32WithTruncation(Avx.RoundToNearestInteger(Vector256.Min(Vector256.Max(colour, Vector256<double>.Zero), Vector256.Create(255.0))));
            Span<byte> pixel = dst.Slice(x * 4, 4);
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

            if (convolveAlpha)
            {
                pixel[3] = Quantize(convolvedAlpha + bias, absolute);
            }
        }
    }
}
#endif
