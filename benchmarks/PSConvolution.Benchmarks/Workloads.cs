using System;
using System.Linq;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Benchmarks;

/// <summary>The four kernels every contestant runs, with Replicate borders.</summary>
internal static class Workloads
{
    public static readonly string[] Names = { "K1", "K2", "K3", "K4" };

    public static string Describe(string workload) => workload switch
    {
        "K1" => "3x3 sharpen 0 -1 0; -1 5 -1; 0 -1 0",
        "K2" => "5x5 binomial Gaussian (1 4 6 4 1 outer product, /256)",
        "K3" => "15x15 disk of radius 7, normalised (not separable)",
        "K4" => "Gaussian sigma 5, 31 taps (separable)",
        "K2a" => "K2 on RGBA, alpha-weighted: the photo cut out as an ellipse with a soft rim",
        _ => workload,
    };

    /// <summary>The 2-D weights, already normalised (they sum to 1, except K1 which sums to 1 by itself).</summary>
    public static float[,] Kernel(string workload)
    {
        switch (workload)
        {
            case "K1":
                return new float[,] { { 0, -1, 0 }, { -1, 5, -1 }, { 0, -1, 0 } };
            case "K2":
                return Outer(Binomial(), Binomial(), 1f / 256);
            case "K3":
                float[,] disk = Disk();
                return disk;
            case "K4":
                float[] g = Gaussian1D(31, 5);
                return Outer(g, g, 1);
            default:
                throw new ArgumentOutOfRangeException(nameof(workload));
        }
    }

    public static float[] Binomial() => new float[] { 1, 4, 6, 4, 1 };

    public static float[] Gaussian1D(int size, double sigma)
    {
        var g = new double[size];
        for (int i = 0; i < size; i++)
        {
            g[i] = Math.Exp(-Math.Pow(i - (size / 2), 2) / (2 * sigma * sigma));
        }

        double sum = g.Sum();
        return g.Select(v => (float)(v / sum)).ToArray();
    }

    public static int DiskCount()
    {
        int count = 0;
        for (int y = -7; y <= 7; y++)
        {
            for (int x = -7; x <= 7; x++)
            {
                count += (x * x) + (y * y) <= 49 ? 1 : 0;
            }
        }

        return count;
    }

    public static float[,] Disk()
    {
        var k = new float[15, 15];
        float w = 1f / DiskCount();
        for (int y = -7; y <= 7; y++)
        {
            for (int x = -7; x <= 7; x++)
            {
                k[y + 7, x + 7] = (x * x) + (y * y) <= 49 ? w : 0;
            }
        }

        return k;
    }

    /// <summary>The same workload as a PSConvolution kernel, written the way a user would.</summary>
    public static ConvolutionKernel EngineKernel(string workload) => workload switch
    {
        "K1" => KernelLibrary.Get("Sharpen"),
        "K2" => KernelLibrary.Get("Gaussian5"),
        "K3" => new ConvolutionKernel("Disk7", "Blur", "disk of radius 7", new[] { KernelMatrix.Create(ToRows(Disk(), unit: true)) }),
        "K4" => KernelLibrary.Gaussian(31, 5),
        _ => throw new ArgumentOutOfRangeException(nameof(workload)),
    };

    // With unit weights the engine's default divisor is the number of taps, exactly.
    private static double[][] ToRows(float[,] k, bool unit)
    {
        var rows = new double[k.GetLength(0)][];
        for (int y = 0; y < rows.Length; y++)
        {
            rows[y] = new double[k.GetLength(1)];
            for (int x = 0; x < rows[y].Length; x++)
            {
                rows[y][x] = unit ? (k[y, x] != 0 ? 1 : 0) : k[y, x];
            }
        }

        return rows;
    }

    private static float[,] Outer(float[] a, float[] b, float scale)
    {
        var k = new float[a.Length, b.Length];
        for (int y = 0; y < a.Length; y++)
        {
            for (int x = 0; x < b.Length; x++)
            {
                k[y, x] = a[y] * b[x] * scale;
            }
        }

        return k;
    }
}
