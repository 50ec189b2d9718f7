using System;
using System.Threading;

namespace PSConvolution.Engine.Kernels;

/// <summary>
/// The singular value decomposition of a kernel matrix, <c>K = Σ s[r] · u[r] · v[r]ᵀ</c> with the values in
/// decreasing order, by one-sided Jacobi rotations (Hestenes): the columns of K are rotated in pairs until every
/// pair is orthogonal, which takes a handful of sweeps and is accurate to the last bits even for the tiny values
/// the truncation cares about. A kernel decomposed is at most 256 weights a side, so the cubic cost is under a
/// second (0.47 s for a 241x241 disk here), paid once per matrix.
/// </summary>
internal sealed class SingularValues
{
    /// <summary>Sweeps after which the rotations stop whether or not every pair is orthogonal.</summary>
    internal const int MaximumSweeps = 60;

    private SingularValues(double[] values, double[][] left, double[][] right, int sweeps)
    {
        Values = values;
        Left = left;
        Right = right;
        Sweeps = sweeps;
    }

    /// <summary>How many sweeps the rotations took; the last found every pair orthogonal, unless it was the <see cref="MaximumSweeps"/>th.</summary>
    public int Sweeps { get; }

    /// <summary>The singular values, largest first.</summary>
    public double[] Values { get; }

    /// <summary>Per value, the unit column vector (one entry per kernel row).</summary>
    public double[][] Left { get; }

    /// <summary>Per value, the unit row vector (one entry per kernel column).</summary>
    public double[][] Right { get; }

    /// <summary>Decomposes a row-major <paramref name="height"/> x <paramref name="width"/> matrix.</summary>
    public static SingularValues Decompose(ReadOnlySpan<double> weights, int width, int height, CancellationToken cancellationToken = default)
    {
        // Rotate the shorter side's vectors: with rows >= columns the columns are rotated; otherwise the transpose is.
        bool transpose = width > height;
        int m = transpose ? width : height;
        int n = transpose ? height : width;
        var columns = new double[n][];
        var v = new double[n][];
        for (int j = 0; j < n; j++)
        {
            columns[j] = new double[m];
            v[j] = new double[n];
            v[j][j] = 1;
            for (int i = 0; i < m; i++)
            {
                columns[j][i] = transpose ? weights[(j * width) + i] : weights[(i * width) + j];
            }
        }

        // A column whose norm falls below 1e-15 of the matrix's is zero to working precision: rotating it against the
        // others only shuffles rounding noise, and a rank-deficient kernel (a disk: 115 of 241 values above 1e-12 of
        // the largest) then never passed the relative test below and ran every sweep, 9 s for 241x241 instead of a
        // fraction of one. Leaving such a pair unrotated moves no value by more than 1e-15 of the largest.
        double energy = 0;
        foreach (double[] column in columns)
        {
            energy += Dot(column, column);
        }

        double negligible = 1e-30 * energy;
        int sweeps = 0;
        while (sweeps < MaximumSweeps)
        {
            // A sweep of a 241x241 kernel takes tens of milliseconds: a stopped call does not wait for the rest.
            cancellationToken.ThrowIfCancellationRequested();
            sweeps++;
            bool rotated = false;
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    rotated |= Rotate(columns[p], columns[q], v[p], v[q], negligible);
                }
            }

            if (!rotated)
            {
                break;
            }
        }

        var order = new int[n];
        var norms = new double[n];
        for (int j = 0; j < n; j++)
        {
            order[j] = j;
            norms[j] = Norm(columns[j]);
        }

        Array.Sort(order, (a, b) => norms[b].CompareTo(norms[a]));
        var values = new double[n];
        var left = new double[n][];
        var right = new double[n][];
        for (int r = 0; r < n; r++)
        {
            int j = order[r];
            double s = norms[j];
            values[r] = s;
            double[] u = new double[m];
            for (int i = 0; i < m; i++)
            {
                u[i] = s > 0 ? columns[j][i] / s : 0;
            }

            // K = U S Vᵀ; for the transpose, Kᵀ = U S Vᵀ, so K = V S Uᵀ and the roles swap.
            left[r] = transpose ? v[j] : u;
            right[r] = transpose ? u : v[j];
        }

        return new SingularValues(values, left, right, sweeps);
    }

    // One Jacobi rotation making columns a and b orthogonal; false when they already are, to working precision, or
    // when either is negligible (its squared norm at most `negligible`).
    private static bool Rotate(double[] a, double[] b, double[] va, double[] vb, double negligible)
    {
        double alpha = 0, beta = 0, gamma = 0;
        for (int i = 0; i < a.Length; i++)
        {
            alpha += a[i] * a[i];
            beta += b[i] * b[i];
            gamma += a[i] * b[i];
        }

        if (gamma == 0 || alpha <= negligible || beta <= negligible || Math.Abs(gamma) <= 1e-15 * Math.Sqrt(alpha * beta))
        {
            return false;
        }

        double zeta = (beta - alpha) / (2 * gamma);
        double t = Math.Sign(zeta == 0 ? 1 : zeta) / (Math.Abs(zeta) + Math.Sqrt(1 + (zeta * zeta)));
        double c = 1 / Math.Sqrt(1 + (t * t));
        double s = c * t;
        Apply(a, b, c, s);
        Apply(va, vb, c, s);
        return true;
    }

    private static void Apply(double[] a, double[] b, double c, double s)
    {
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i];
            double y = b[i];
            a[i] = (c * x) - (s * y);
            b[i] = (s * x) + (c * y);
        }
    }

    private static double Norm(double[] x) => Math.Sqrt(Dot(x, x));

    private static double Dot(double[] x, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}
