using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Fourier;

/// <summary>
/// The two-dimensional discrete Fourier transform of a square complex tile of side <see cref="Size"/> (a power of
/// two), held as two row-major arrays of <typeparamref name="T"/> (float or double; real and imaginary parts).
/// <para>
/// Both directions are radix-2 Cooley-Tukey transforms over the rows of the tile: a butterfly combines two whole
/// rows, so every SIMD lane works on its own column and no lane is ever shuffled. The second dimension is done the
/// same way after a transpose. The forward transform decimates in frequency and leaves the spectrum in
/// bit-reversed, transposed order; the inverse decimates in time from exactly that order back to the natural one.
/// A convolution multiplies spectra point by point, which does not care about the order, so no bit-reversal
/// permutation is ever made. Two radix-2 stages are fused per pass over the tile (four rows at a time), which
/// halves the memory traffic and computes exactly what the two stages compute apart.
/// </para>
/// </summary>
internal sealed partial class TileTransform<T>
    where T : unmanaged
{
    // Twiddle factors exp(-2πik/N), k < N/2, each computed in double precision and rounded once to T.
    private readonly T[] cosines;
    private readonly T[] sines;

    public TileTransform(int size)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException("Tiles are float or double.");
        }

        if (size < 2 * Vector<T>.Count || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A tile side is a power of two of at least two vectors.");
        }

        Size = size;
        Stages = BitOperations.Log2((uint)size);

        cosines = new T[size / 2];
        sines = new T[size / 2];
        for (int k = 0; k < size / 2; k++)
        {
            double angle = -2 * Math.PI * k / size;
            cosines[k] = Round(Math.Cos(angle));
            sines[k] = Round(Math.Sin(angle));
        }
    }

    /// <summary>A double rounded once to T.</summary>
    public static T Round(double value) => typeof(T) == typeof(float) ? (T)(object)(float)value : (T)(object)value;

    /// <summary>The side of the tile.</summary>
    public int Size { get; }

    /// <summary>Radix-2 stages per dimension: log2 of <see cref="Size"/>.</summary>
    public int Stages { get; }

    /// <summary>The unnormalised forward transform; the result is transposed and bit-reversed along both axes.</summary>
    public void Forward(Span<T> re, Span<T> im)
    {
        Check(re, im);
        Decimate(re, im);
        Transpose(re);
        Transpose(im);
        Decimate(re, im);
    }

    /// <summary>
    /// The unnormalised inverse of <see cref="Forward"/> (N² times the input it came from), reading the spectrum in
    /// the order <see cref="Forward"/> leaves it and writing the tile in natural order.
    /// </summary>
    public void Inverse(Span<T> re, Span<T> im)
    {
        Check(re, im);
        Combine(re, im);
        Transpose(re);
        Transpose(im);
        Combine(re, im);
    }

    private void Check(Span<T> re, Span<T> im)
    {
        if (re.Length < Size * Size || im.Length < Size * Size)
        {
            throw new ArgumentException("A tile holds Size² samples.");
        }
    }

    // Forward, decimation in frequency along the row index of every column at once: natural order in,
    // bit-reversed out. Spans N/2, N/4, ..., 1; two stages per pass while two remain.
    [MethodImpl(Jit.HotLoop)]
    private void Decimate(Span<T> reSpan, Span<T> imSpan)
    {
        int n = Size;
        ref T re = ref MemoryMarshal.GetReference(reSpan);
        ref T im = ref MemoryMarshal.GetReference(imSpan);
        int stage = 0;
        for (; stage + 1 < Stages; stage += 2)
        {
            int half = n >> (stage + 1);
            int quarter = half >> 1;
            int step = 1 << stage;
            for (int group = 0; group < n; group += 2 * half)
            {
                for (int k = 0; k < quarter; k++)
                {
                    // Rows r0..r3 = group + k + {0, quarter, half, half + quarter}. First stage (span half):
                    // (r0, r2) with w^k and (r1, r3) with w^(k + quarter), w = exp(-2πi / (2 half)); then the
                    // second (span quarter): (r0, r1) and (r2, r3), both with w^(2k).
                    var w1r = new Vector<T>(cosines[k * step]);
                    var w1i = new Vector<T>(sines[k * step]);
                    var w2r = new Vector<T>(cosines[(k + quarter) * step]);
                    var w2i = new Vector<T>(sines[(k + quarter) * step]);
                    var w3r = new Vector<T>(cosines[2 * k * step]);
                    var w3i = new Vector<T>(sines[2 * k * step]);
                    int o0 = (group + k) * n;
                    int o1 = o0 + (quarter * n);
                    int o2 = o0 + (half * n);
                    int o3 = o2 + (quarter * n);
                    for (int c = 0; c < n; c += Vector<T>.Count)
                    {
                        Vector<T> a0r = VectorMemory.LoadUnsafe(ref re, o0 + c), a0i = VectorMemory.LoadUnsafe(ref im, o0 + c);
                        Vector<T> a1r = VectorMemory.LoadUnsafe(ref re, o1 + c), a1i = VectorMemory.LoadUnsafe(ref im, o1 + c);
                        Vector<T> a2r = VectorMemory.LoadUnsafe(ref re, o2 + c), a2i = VectorMemory.LoadUnsafe(ref im, o2 + c);
                        Vector<T> a3r = VectorMemory.LoadUnsafe(ref re, o3 + c), a3i = VectorMemory.LoadUnsafe(ref im, o3 + c);

                        Vector<T> s0r = a0r + a2r, s0i = a0i + a2i;
                        Vector<T> d0r = a0r - a2r, d0i = a0i - a2i;
                        Vector<T> s1r = a1r + a3r, s1i = a1i + a3i;
                        Vector<T> d1r = a1r - a3r, d1i = a1i - a3i;
                        Vector<T> t2r = (d0r * w1r) - (d0i * w1i), t2i = (d0r * w1i) + (d0i * w1r);
                        Vector<T> t3r = (d1r * w2r) - (d1i * w2i), t3i = (d1r * w2i) + (d1i * w2r);

                        VectorMemory.StoreUnsafe(s0r + s1r, ref re, o0 + c);
                        VectorMemory.StoreUnsafe(s0i + s1i, ref im, o0 + c);
                        Vector<T> e1r = s0r - s1r, e1i = s0i - s1i;
                        VectorMemory.StoreUnsafe((e1r * w3r) - (e1i * w3i), ref re, o1 + c);
                        VectorMemory.StoreUnsafe((e1r * w3i) + (e1i * w3r), ref im, o1 + c);
                        VectorMemory.StoreUnsafe(t2r + t3r, ref re, o2 + c);
                        VectorMemory.StoreUnsafe(t2i + t3i, ref im, o2 + c);
                        Vector<T> e3r = t2r - t3r, e3i = t2i - t3i;
                        VectorMemory.StoreUnsafe((e3r * w3r) - (e3i * w3i), ref re, o3 + c);
                        VectorMemory.StoreUnsafe((e3r * w3i) + (e3i * w3r), ref im, o3 + c);
                    }
                }
            }
        }

        if (stage < Stages)
        {
            // The last stage alone: an odd number of stages.
            SpanOne(ref re, ref im, n);
        }
    }

    // The stage of span 1, whose twiddle is 1: rows 2i and 2i + 1 become their sum and difference. It is its own
    // adjoint, so it ends the forward transform and starts the inverse alike.
    [MethodImpl(Jit.HotLoop)]
    private static void SpanOne(ref T re, ref T im, int n)
    {
        for (int row = 0; row < n; row += 2)
        {
            int o0 = row * n;
            int o1 = o0 + n;
            for (int c = 0; c < n; c += Vector<T>.Count)
            {
                Vector<T> ar = VectorMemory.LoadUnsafe(ref re, o0 + c), ai = VectorMemory.LoadUnsafe(ref im, o0 + c);
                Vector<T> br = VectorMemory.LoadUnsafe(ref re, o1 + c), bi = VectorMemory.LoadUnsafe(ref im, o1 + c);
                VectorMemory.StoreUnsafe(ar + br, ref re, o0 + c);
                VectorMemory.StoreUnsafe(ai + bi, ref im, o0 + c);
                VectorMemory.StoreUnsafe(ar - br, ref re, o1 + c);
                VectorMemory.StoreUnsafe(ai - bi, ref im, o1 + c);
            }
        }
    }

    // Inverse, decimation in time with conjugate twiddles: bit-reversed in, natural order out. It runs the
    // forward graph backwards: spans 1, 2, ..., N/2, the odd stage first, then two per pass.
    [MethodImpl(Jit.HotLoop)]
    private void Combine(Span<T> reSpan, Span<T> imSpan)
    {
        int n = Size;
        ref T re = ref MemoryMarshal.GetReference(reSpan);
        ref T im = ref MemoryMarshal.GetReference(imSpan);
        int stage = Stages - 1;
        if (Stages % 2 == 1)
        {
            SpanOne(ref re, ref im, n);
            stage--;
        }

        for (; stage >= 1; stage -= 2)
        {
            // Undoes the forward pass of stages (stage - 1, stage): span quarter first, then span half.
            int half = n >> stage;
            int quarter = half >> 1;
            int step = 1 << (stage - 1);
            for (int group = 0; group < n; group += 2 * half)
            {
                for (int k = 0; k < quarter; k++)
                {
                    var w1r = new Vector<T>(cosines[k * step]);
                    var w1i = -new Vector<T>(sines[k * step]);
                    var w2r = new Vector<T>(cosines[(k + quarter) * step]);
                    var w2i = -new Vector<T>(sines[(k + quarter) * step]);
                    var w3r = new Vector<T>(cosines[2 * k * step]);
                    var w3i = -new Vector<T>(sines[2 * k * step]);
                    int o0 = (group + k) * n;
                    int o1 = o0 + (quarter * n);
                    int o2 = o0 + (half * n);
                    int o3 = o2 + (quarter * n);
                    for (int c = 0; c < n; c += Vector<T>.Count)
                    {
                        Vector<T> a0r = VectorMemory.LoadUnsafe(ref re, o0 + c), a0i = VectorMemory.LoadUnsafe(ref im, o0 + c);
                        Vector<T> a1r = VectorMemory.LoadUnsafe(ref re, o1 + c), a1i = VectorMemory.LoadUnsafe(ref im, o1 + c);
                        Vector<T> a2r = VectorMemory.LoadUnsafe(ref re, o2 + c), a2i = VectorMemory.LoadUnsafe(ref im, o2 + c);
                        Vector<T> a3r = VectorMemory.LoadUnsafe(ref re, o3 + c), a3i = VectorMemory.LoadUnsafe(ref im, o3 + c);

                        // Span quarter: (r0, r1) and (r2, r3), the second of each pair turned by conj(w^(2k)).
                        Vector<T> b1r = (a1r * w3r) - (a1i * w3i), b1i = (a1r * w3i) + (a1i * w3r);
                        Vector<T> b3r = (a3r * w3r) - (a3i * w3i), b3i = (a3r * w3i) + (a3i * w3r);
                        Vector<T> s0r = a0r + b1r, s0i = a0i + b1i;
                        Vector<T> s1r = a0r - b1r, s1i = a0i - b1i;
                        Vector<T> s2r = a2r + b3r, s2i = a2i + b3i;
                        Vector<T> s3r = a2r - b3r, s3i = a2i - b3i;

                        // Span half: (r0, r2) turned by conj(w^k), (r1, r3) by conj(w^(k + quarter)).
                        Vector<T> t2r = (s2r * w1r) - (s2i * w1i), t2i = (s2r * w1i) + (s2i * w1r);
                        Vector<T> t3r = (s3r * w2r) - (s3i * w2i), t3i = (s3r * w2i) + (s3i * w2r);
                        VectorMemory.StoreUnsafe(s0r + t2r, ref re, o0 + c);
                        VectorMemory.StoreUnsafe(s0i + t2i, ref im, o0 + c);
                        VectorMemory.StoreUnsafe(s0r - t2r, ref re, o2 + c);
                        VectorMemory.StoreUnsafe(s0i - t2i, ref im, o2 + c);
                        VectorMemory.StoreUnsafe(s1r + t3r, ref re, o1 + c);
                        VectorMemory.StoreUnsafe(s1i + t3i, ref im, o1 + c);
                        VectorMemory.StoreUnsafe(s1r - t3r, ref re, o3 + c);
                        VectorMemory.StoreUnsafe(s1i - t3i, ref im, o3 + c);
                    }
                }
            }
        }
    }

    // In place, in blocks of 16 x 16 so both the rows read and the rows written stay in the first-level cache;
    // with AVX, in registers 8 x 8 at a time (TileTransform.Intrinsics.cs).
    [MethodImpl(Jit.HotLoop)]
    private void Transpose(Span<T> tileSpan)
    {
        const int B = 16;
        int n = Size;
        ref T tile = ref MemoryMarshal.GetReference(tileSpan);
        bool done = false;
        TransposeVectors(ref tile, n, ref done);
        if (done)
        {
            return;
        }

        for (int i0 = 0; i0 < n; i0 += B)
        {
            for (int j0 = i0; j0 < n; j0 += B)
            {
                int iEnd = Math.Min(n, i0 + B);
                for (int i = i0; i < iEnd; i++)
                {
                    for (int j = i0 == j0 ? i + 1 : j0; j < j0 + B && j < n; j++)
                    {
                        ref T a = ref Unsafe.Add(ref tile, (i * n) + j);
                        ref T b = ref Unsafe.Add(ref tile, (j * n) + i);
                        (a, b) = (b, a);
                    }
                }
            }
        }
    }

    static partial void TransposeVectors(ref T tile, int n, ref bool done);
}
