using System;

namespace PSConvolution.Engine.Kernels;

/// <summary>
/// The singular value decomposition of a kernel matrix, <c>K = Σ s[r] · u[r] · v[r]ᵀ</c> with the values in
/// decreasing order, by one-sided Jacobi rotations (Hestenes): the columns of K are rotated in pairs until every
/// pair is orthogonal, which takes a handful of sweeps and is accurate to the last bits even for the tiny values
/// the truncation cares about. A kernel is at most a few hundred weights a side, so the cubic cost is a few
/// milliseconds, paid once per matrix.
/// </summary>
internal sealed class SingularValues
{
    private const int MaximumSweeps = 60;

    private SingularValues(double[] values, double[][] left, double[][] right)
    {
        Values = values;
        Left = left;
        Right = right;
    }

    /// <summary>The singular values, largest first.</summary>
    public double[] Values { get; }

    /// <summary>Per value, the unit column vector (one entry per kernel row).</summary>
    public double[][] Left { get; }

    /// <summary>Per value, the unit row vector (one entry per kernel column).</summary>
    public double[][] Right { get; }

    /// <summary>Decomposes a row-major <paramref name="height"/> x <paramref name="width"/> matrix.</summary>
    public static SingularValues Decompose(ReadOnlySpan<double> weights, int width, int height)
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

        for (int sweep = 0; sweep < MaximumSweeps; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    rotated |= Rotate(columns[p], columns[q], v[p], v[q]);
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

        return new SingularValues(values, left, right);
    }

    // One Jacobi rotation making columns a and b orthogonal; false when they already are, to working precision.
    private static bool Rotate(double[] a, double[] b, double[] va, double[] vb)
    {
        double alpha = 0, beta = 0, gamma = 0;
        for (int i = 0; i < a.Length; i++)
        {
            alpha += a[i] * a[i];
            beta += b[i] * b[i];
            gamma += a[i] * b[i];
        }

        if (gamma == 0 || Math.Abs(gamma) <= 1e-15 * Math.Sqrt(alpha * beta))
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

    private static double Norm(double[] x)
    {
        double sum = 0;
        foreach (double value in x)
        {
            sum += value * value;
        }

        return Math.Sqrt(sum);
    }
}
