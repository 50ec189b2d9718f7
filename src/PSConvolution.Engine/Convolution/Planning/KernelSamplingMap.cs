using System;
using System.Globalization;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>
/// The source index of every tap along one axis, computed once per image so the inner loops have no border
/// branches. Output sample <c>o</c> with tap <c>t</c> reads padded position <c>o * Stride + t</c>, whose source
/// index is <c>Indices[o * Stride + t]</c>; for <see cref="BorderMode.Constant"/> positions outside the image map
/// to <c>SourceLength</c>, where callers keep one sample (or row) holding the border value.
/// </summary>
internal sealed class KernelSamplingMap
{
    private KernelSamplingMap(int[] indices, int sourceLength, int outputLength, int stride, int taps, int centreOffset)
    {
        Indices = indices;
        Runs = FindRuns(indices, sourceLength);
        SourceLength = sourceLength;
        OutputLength = outputLength;
        Stride = stride;
        Taps = taps;
        CentreOffset = centreOffset;
    }

    /// <summary>Source index per padded position; <see cref="SourceLength"/> stands for the constant border.</summary>
    public int[] Indices { get; }

    /// <summary>
    /// The padded positions as runs of consecutive source indices (<c>Source</c> = <see cref="SourceLength"/>
    /// for the constant border), so a row is padded with a few block copies instead of a gather per sample.
    /// </summary>
    public (int Start, int Source, int Length)[] Runs { get; }

    /// <summary>Number of samples along the axis in the source.</summary>
    public int SourceLength { get; }

    /// <summary>Number of output samples along the axis.</summary>
    public int OutputLength { get; }

    /// <summary>Step between output samples.</summary>
    public int Stride { get; }

    /// <summary>Kernel size along the axis.</summary>
    public int Taps { get; }

    /// <summary>Source position of output sample 0's kernel anchor; output <c>o</c> is centred on <c>o * Stride + CentreOffset</c>.</summary>
    public int CentreOffset { get; }

    /// <summary>Number of padded positions: <c>(OutputLength - 1) * Stride + Taps</c>.</summary>
    public int PaddedLength => Indices.Length;

    /// <summary>Outputs a row pass computes: every position at stride 1, of which every <see cref="Stride"/>-th is kept.</summary>
    public int ComputedLength => ((OutputLength - 1) * Stride) + 1;

    /// <summary>Builds the map for one axis.</summary>
    /// <param name="sourceLength">Samples along the axis.</param>
    /// <param name="taps">Kernel size along the axis.</param>
    /// <param name="anchor">The kernel's anchor along the axis.</param>
    /// <param name="stride">Step between output samples.</param>
    /// <param name="padding">Same or Valid.</param>
    /// <param name="border">How samples beyond the edge are produced.</param>
    /// <param name="fromEnd">
    /// The stride grid is laid from the axis's far end (the axis is shown reversed): its last position is the last
    /// the padding allows, rather than its first the first. The number of outputs is the same.
    /// </param>
    public static KernelSamplingMap Create(int sourceLength, int taps, int anchor, int stride, PaddingMode padding, BorderMode border, bool fromEnd = false)
    {
        if (sourceLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceLength));
        }

        int outputLength = OutputLengthOf(sourceLength, taps, stride, padding);
        int start = padding == PaddingMode.Valid ? 0 : -anchor;
        if (fromEnd)
        {
            // Positions the padding allows: n (Same) or n - taps + 1 (Valid); the grid's slack moves to the start.
            int positions = padding == PaddingMode.Valid ? sourceLength - taps + 1 : sourceLength;
            start += (positions - 1) % stride;
        }

        var indices = new int[((outputLength - 1) * stride) + taps];
        for (int p = 0; p < indices.Length; p++)
        {
            indices[p] = SourceIndex(start + p, sourceLength, border);
        }

        return new KernelSamplingMap(indices, sourceLength, outputLength, stride, taps, start + anchor);
    }

    /// <summary>
    /// Number of output samples along an axis: <c>ceil(n / s)</c> for Same padding, <c>floor((n - k) / s) + 1</c> for
    /// Valid, where an axis shorter than the kernel is an <see cref="ConvolutionErrorKind.ImageSmallerThanKernel"/> error.
    /// </summary>
    public static int OutputLengthOf(int sourceLength, int taps, int stride, PaddingMode padding)
    {
        if (padding != PaddingMode.Valid)
        {
            return ((sourceLength - 1) / stride) + 1;
        }

        if (sourceLength < taps)
        {
            throw new ConvolutionException(
                ConvolutionErrorKind.ImageSmallerThanKernel,
                null,
                string.Format(CultureInfo.InvariantCulture, "The image is smaller than the kernel: {0} pixel{1} along a side where the kernel has {2} taps, so Valid padding leaves no output pixel.", sourceLength, sourceLength == 1 ? string.Empty : "s", taps));
        }

        return ((sourceLength - taps) / stride) + 1;
    }

    /// <summary>The source index that a position, possibly outside 0..length-1, samples.</summary>
    public static int SourceIndex(int position, int length, BorderMode border)
    {
        if (position >= 0 && position < length)
        {
            return position;
        }

        switch (border)
        {
            case BorderMode.Constant:
                return length;
            case BorderMode.Replicate:
                return position < 0 ? 0 : length - 1;
            case BorderMode.Reflect:
            {
                // c b a | a b c d | d c b : period 2n, edge samples repeated.
                int period = 2 * length;
                int m = Modulo(position, period);
                return m < length ? m : period - 1 - m;
            }

            case BorderMode.Mirror:
            {
                // d c b | a b c d | c b a : period 2n - 2, edge samples not repeated.
                if (length == 1)
                {
                    return 0;
                }

                int period = (2 * length) - 2;
                int m = Modulo(position, period);
                return m < length ? m : period - m;
            }

            case BorderMode.Wrap:
                return Modulo(position, length);
            default:
                throw new ArgumentOutOfRangeException(nameof(border), border, null);
        }
    }

    private static (int Start, int Source, int Length)[] FindRuns(int[] indices, int sourceLength)
    {
        var runs = new System.Collections.Generic.List<(int, int, int)>();
        int p = 0;
        while (p < indices.Length)
        {
            int source = indices[p];
            int length = 1;
            if (source < sourceLength)
            {
                while (p + length < indices.Length && source + length < sourceLength && indices[p + length] == source + length)
                {
                    length++;
                }
            }
            else
            {
                while (p + length < indices.Length && indices[p + length] == sourceLength)
                {
                    length++;
                }
            }

            runs.Add((p, source, length));
            p += length;
        }

        return runs.ToArray();
    }

    private static int Modulo(int value, int modulus)
    {
        int m = value % modulus;
        return m < 0 ? m + modulus : m;
    }
}
