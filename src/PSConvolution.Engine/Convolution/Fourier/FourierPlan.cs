using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Fourier;

/// <summary>
/// A large kernel's step run through the frequency domain: the padded image is cut into overlapping square tiles,
/// two channels a tile as the real and imaginary parts of one complex transform (the kernel is real, so the two
/// never mix), each tile multiplied by the kernel's spectrum and transformed back, and the part of each tile that
/// no wrap-around reaches kept (overlap-save).
/// <para>
/// The error is bounded, not hoped for. Samples are centred on max/2 before the transform, so every complex
/// tile sample has modulus at most √2·M (M = max/2) and the tile's 2-norm at most √2·N·M. The forward and inverse
/// transforms are radix-2 Cooley-Tukey transforms of 2·log2 N stages each, and Higham (Accuracy and Stability of
/// Numerical Algorithms, 2nd ed., Theorem 24.2) bounds each one's error in the 2-norm by λ = Lη / (1 − Lη) of
/// its exact result, with L = 2·log2 N stages, η = μ + γ₄(√2 + μ), u the unit roundoff (2⁻²⁴ in single
/// precision, 2⁻⁵³ in double), γₖ = ku / (1 − ku) and μ ≤ 2u the error of a twiddle factor. The spectrum is
/// computed in double precision and rounded once (relative error u), the product of two complex numbers errs by at most √2·γ₂ of
/// its modulus, and the unnormalised transforms scale 2-norms by exactly N. So the error of the sums, in the
/// 2-norm over the tile and hence at every pixel, is at most
/// G·√2·N·M·(2λ + u + √2γ₂)·(1 + λ)(1 + u)(1 + √2γ₂), where G is the largest modulus of the kernel's spectrum
/// (at most Σ|weights|); adding the centre back and rounding the sum to single precision err by at most 2⁻²⁴ of
/// it each. The plan takes, among the tiles and precisions whose bound over the divisor is at most half a level
/// (a 13th of that in linear light, whose encoding steepens errors up to 13 times), the one estimated cheapest.
/// For 8-bit blurs that is a single-precision tile of 128 (0.3 levels; 256 would be 0.6); 16-bit samples and
/// linear light need double precision. Alpha weighting divides by alpha, which may be faint, and keeps the other
/// paths.
/// </para>
/// </summary>
internal sealed class FourierPlan
{
    /// <summary>The unit roundoff of single precision.</summary>
    public const double SingleUnit = 1.0 / (1 << 24);

    /// <summary>The unit roundoff of double precision.</summary>
    public const double DoubleUnit = 1.0 / (1L << 53);

    /// <summary>The largest error, in levels, the sums may carry before rounding.</summary>
    public const double LevelBudget = 0.5;

    /// <summary>
    /// Time of one radix-2 stage over one complex single-precision tile sample, loading and storing the tiles
    /// included, in taps of the direct 2-D path on one sample. Fitted on this project's benchmark machine, one
    /// thread, 12 MP RGB: K6 (41 x 41) took 135 ms on the Fourier path (1,610 tiles of 128, 1.5 complex tiles
    /// each) and 774 ms on the direct path (1,681 taps: 0.0128 ns a tap) with AVX-512; 141-159 ms and 1,294 ms
    /// with AVX2, whose direct taps are 8 lanes wide, not 16.
    /// </summary>
    private static double StageCost => Float.RowCorrelation.Lanes >= 16 ? 9.5 : 5.8;

    /// <summary>A double-precision stage costs this many single-precision ones: half the lanes, scalar transposes.</summary>
    public const double DoubleCost = 2.5;

    // The kernel's spectrum for each kernel matrix, the last tile size and precision it was computed for: a call
    // over many files with one kernel computes it once. Entries go with their matrix.
    private static readonly ConditionalWeakTable<KernelMatrix, SpectrumSlot> Spectra = new();

    private readonly object preparing = new();
    private object? transform;
    private Spectrum? spectrum;

    private FourierPlan(in ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns, int channels, int size, bool doublePrecision, double bound, double cost)
    {
        Step = step;
        Rows = rows;
        Columns = columns;
        Channels = channels;
        Size = size;
        DoublePrecision = doublePrecision;
        KernelMatrix m = step.Matrices[0];
        (RowsPerTile, ColumnsPerTile) = Yield(size, m, rows.Stride);
        Centre = step.Max / 2;
        CentreSum = (float)(Centre * m.Sum);
        ErrorBound = bound;
        Cost = cost;
        Convolved = SelectedChannels(step, channels);
    }

    public ConvolutionStep Step { get; }

    public KernelSamplingMap Rows { get; }

    public KernelSamplingMap Columns { get; }

    public int Channels { get; }

    /// <summary>The side of a tile.</summary>
    public int Size { get; }

    /// <summary>Tiles are transformed in double precision (otherwise single).</summary>
    public bool DoublePrecision { get; }

    /// <summary>Output rows one row of tiles yields.</summary>
    public int RowsPerTile { get; }

    /// <summary>Computed columns (at stride 1) one tile yields.</summary>
    public int ColumnsPerTile { get; }

    /// <summary>Subtracted from every sample before the transform (max/2), which halves the bound.</summary>
    public float Centre { get; }

    /// <summary>What the centre contributes to every sum: <see cref="Centre"/> × Σ weights.</summary>
    public float CentreSum { get; }

    /// <summary>The proven bound on the error of every sum, in levels of the output (after the divisor).</summary>
    public double ErrorBound { get; }

    /// <summary>The estimated cost per computed output sample, in taps of the direct 2-D path.</summary>
    public double Cost { get; }

    /// <summary>The channels transformed: the selected ones, two to a complex tile.</summary>
    public int[] Convolved { get; }

    /// <summary>The transform of the plan's precision <typeparamref name="T"/>.</summary>
    public TileTransform<T> Transform<T>()
        where T : unmanaged => (TileTransform<T>)(Volatile.Read(ref transform) ?? Prepare().Transform);

    /// <summary>
    /// The kernel's spectrum divided by N², in the plan's precision <typeparamref name="T"/>, in the order
    /// <see cref="TileTransform{T}.Forward"/> leaves a tile's.
    /// </summary>
    public T[] SpectrumReal<T>()
        where T : unmanaged => (T[])(Volatile.Read(ref spectrum) ?? Prepare().Spectrum).Real;

    /// <inheritdoc cref="SpectrumReal{T}"/>
    public T[] SpectrumImaginary<T>()
        where T : unmanaged => (T[])(Volatile.Read(ref spectrum) ?? Prepare().Spectrum).Imaginary;

    /// <summary>True once <see cref="Prepare"/> has run.</summary>
    public bool IsPrepared => Volatile.Read(ref spectrum) is not null && Volatile.Read(ref transform) is not null;

    /// <summary>
    /// Builds the transform and finds the spectrum, computing it only when the kernel's last one was for another
    /// tile size or precision. Planning does not: a plan is made for every large kernel, to compare costs, and most
    /// are not run (a 31-tap Gaussian's spectrum took three quarters of a call on a 64 x 64 image). Call it before
    /// the tiles run in parallel; later calls return what it made.
    /// </summary>
    public (object Transform, Spectrum Spectrum) Prepare()
    {
        lock (preparing)
        {
            if (transform is object made && spectrum is Spectrum known)
            {
                return (made, known);
            }

            KernelMatrix m = Step.Matrices[0];
            SpectrumSlot slot = Spectra.GetValue(m, _ => new SpectrumSlot());
            Spectrum? found = slot.Latest;
            if (found is null || found.Size != Size || found.Real is double[] != DoublePrecision)
            {
                found = DoublePrecision ? Spectrum.Of<double>(m, Size) : Spectrum.Of<float>(m, Size);
                slot.Latest = found;
            }

            object built = DoublePrecision ? new TileTransform<double>(Size) : new TileTransform<float>(Size);
            Volatile.Write(ref spectrum, found);
            Volatile.Write(ref transform, built);
            return (built, found);
        }
    }

    /// <summary>
    /// The plan for <paramref name="step"/> when the Fourier path may run it: one kernel, no alpha weighting, and
    /// some tile size and precision whose error bound holds. Among those, the one estimated cheapest; null when none
    /// qualifies.
    /// </summary>
    public static FourierPlan? TryCreate(in ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns, int channels)
    {
        if (step.Matrices.Length != 1 || step.Alpha is not null || step.Decomposition is KernelDecomposition.Never or KernelDecomposition.Always)
        {
            return null;
        }

        KernelMatrix m = step.Matrices[0];

        // The spectrum's largest modulus is at most Σ|weights| (a blur's, exactly: at frequency 0).
        double gain = m.AbsoluteSum;
        double halfRange = Math.Max(step.Max / 2.0, Math.Abs(step.BorderValue - (step.Max / 2.0)));
        double budget = step.LinearLight ? LevelBudget / Float.SeparablePlanning.LinearLightTightening : LevelBudget;
        int transformed = SelectedChannels(step, channels).Length;
        int best = 0;
        bool bestDouble = false;
        double bestCost = double.MaxValue, bestBound = 0;
        foreach ((int size, bool inDouble) in Candidates(m))
        {
            double bound = Bound(size, gain, halfRange, m.Sum, inDouble ? DoubleUnit : SingleUnit) / Math.Abs(step.Divisors[0]);
            if (bound > budget)
            {
                continue;
            }

            // Every tile costs the same whatever part of it is kept: count them for this image.
            (int rowsPerTile, int columnsPerTile) = Yield(size, m, rows.Stride);
            long tiles = (long)((rows.OutputLength + rowsPerTile - 1) / rowsPerTile) * ((columns.ComputedLength + columnsPerTile - 1) / columnsPerTile);
            int stages = 2 * BitOperations.Log2((uint)size);
            double total = tiles * (transformed / 2.0) * (double)size * size * 2 * stages * StageCost * (inDouble ? DoubleCost : 1);
            double perSample = total / ((double)rows.OutputLength * columns.OutputLength * transformed);
            if (perSample < bestCost)
            {
                (best, bestDouble, bestCost, bestBound) = (size, inDouble, perSample, bound);
            }
        }

        return best == 0 ? null : new FourierPlan(step, rows, columns, channels, best, bestDouble, bestBound, bestCost);
    }

    /// <summary>
    /// The largest tile side tried in single precision (half of it in double): a tile's two planes (2 MB) stay
    /// within a second-level cache; a double tile of 512 (4 MB) measured no faster than one of 256.
    /// </summary>
    public const int MaximumSize = 512;

    // Every tile side the kernel fits, from two vectors up, in single precision then in double (whose tiles stop at
    // half the size: the same bytes).
    private static IEnumerable<(int Size, bool InDouble)> Candidates(KernelMatrix m)
    {
        foreach (bool inDouble in new[] { false, true })
        {
            int smallest = 2 * (inDouble ? Vector<double>.Count : Vector<float>.Count);
            for (int size = smallest; size <= (inDouble ? MaximumSize / 2 : MaximumSize); size *= 2)
            {
                if (size >= m.Height && size >= m.Width)
                {
                    yield return (size, inDouble);
                }
            }
        }
    }

    // Output rows and computed columns one tile yields: the positions no wrap-around reaches.
    private static (int RowsPerTile, int ColumnsPerTile) Yield(int size, KernelMatrix m, int rowStride)
        => (((size - m.Height) / rowStride) + 1, size - m.Width + 1);

    // The channels transformed: the selected ones.
    private static int[] SelectedChannels(in ConvolutionStep step, int channels)
    {
        var selected = new List<int>();
        for (int c = 0; c < channels; c++)
        {
            if (step.Selected[c])
            {
                selected.Add(c);
            }
        }

        return selected.ToArray();
    }

    /// <summary>
    /// The bound on the error of every sum (before the divisor) for a tile of <paramref name="size"/> transformed
    /// with unit roundoff <paramref name="unit"/>.
    /// </summary>
    public static double Bound(int size, double gain, double halfRange, double weightSum, double unit)
    {
        double Gamma(int k) => k * unit / (1 - (k * unit));
        double mu = 2 * unit;
        double eta = mu + (Gamma(4) * (Math.Sqrt(2) + mu));
        int stages = 2 * BitOperations.Log2((uint)size);
        double lambda = stages * eta / (1 - (stages * eta));
        double product = Math.Sqrt(2) * Gamma(2);
        double sums = gain * Math.Sqrt(2) * size * halfRange * ((2 * lambda) + unit + product) * (1 + lambda) * (1 + unit) * (1 + product);

        // Adding the centre back, and rounding the sum to single precision, round once each: at most 2⁻²⁴ of the
        // result, which is at most the centred sum plus the centre's share.
        double result = (gain * halfRange) + Math.Abs(halfRange * weightSum) + sums;
        return sums + (2 * SingleUnit * result);
    }

    /// <summary>A kernel's spectrum for one tile size and precision (arrays of float or double).</summary>
    internal sealed class Spectrum
    {
        private Spectrum(int size, object real, object imaginary)
        {
            Size = size;
            Real = real;
            Imaginary = imaginary;
        }

        public int Size { get; }

        public object Real { get; }

        public object Imaginary { get; }

        public static Spectrum Of<T>(KernelMatrix m, int size)
            where T : unmanaged
        {
            (T[] real, T[] imaginary) = Compute<T>(m, size);
            return new Spectrum(size, real, imaginary);
        }
    }

    // The last spectrum computed for a kernel matrix.
    private sealed class SpectrumSlot
    {
        private volatile Spectrum? latest;

        public Spectrum? Latest
        {
            get => latest;
            set => latest = value;
        }
    }

    // G[fy][fx] = Σ K[i][j]·exp(+2πi(fy·i + fx·j)/N): the kernel is correlated, so it is placed at (−i, −j)
    // modulo N. Computed in double precision a dimension at a time, divided by N² and rounded once, and stored at
    // [bitrev(fx)][bitrev(fy)], where the forward transform leaves frequency (fy, fx) of a tile.
    private static (T[] Real, T[] Imaginary) Compute<T>(KernelMatrix m, int size)
        where T : unmanaged
    {
        int bits = BitOperations.Log2((uint)size);
        var cos = new double[size];
        var sin = new double[size];
        for (int k = 0; k < size; k++)
        {
            cos[k] = Math.Cos(2 * Math.PI * k / size);
            sin[k] = Math.Sin(2 * Math.PI * k / size);
        }

        // H[i][fx] = Σ_j K[i][j]·exp(+2πi fx j / N)
        var hr = new double[m.Height * size];
        var hi = new double[m.Height * size];
        for (int i = 0; i < m.Height; i++)
        {
            for (int fx = 0; fx < size; fx++)
            {
                double sr = 0, si = 0;
                for (int j = 0; j < m.Width; j++)
                {
                    int k = (int)((long)fx * j % size);
                    sr += m[i, j] * cos[k];
                    si += m[i, j] * sin[k];
                }

                hr[(i * size) + fx] = sr;
                hi[(i * size) + fx] = si;
            }
        }

        var real = new T[size * size];
        var imaginary = new T[size * size];
        double scale = 1.0 / ((double)size * size);
        for (int fy = 0; fy < size; fy++)
        {
            for (int fx = 0; fx < size; fx++)
            {
                double sr = 0, si = 0;
                for (int i = 0; i < m.Height; i++)
                {
                    int k = (int)((long)fy * i % size);
                    double ar = hr[(i * size) + fx], ai = hi[(i * size) + fx];
                    sr += (ar * cos[k]) - (ai * sin[k]);
                    si += (ar * sin[k]) + (ai * cos[k]);
                }

                int index = (Reverse(fx, bits) * size) + Reverse(fy, bits);
                real[index] = TileTransform<T>.Round(sr * scale);
                imaginary[index] = TileTransform<T>.Round(si * scale);
            }
        }

        return (real, imaginary);
    }

    private static int Reverse(int value, int bits)
    {
        int result = 0;
        for (int b = 0; b < bits; b++)
        {
            result = (result << 1) | ((value >> b) & 1);
        }

        return result;
    }
}
