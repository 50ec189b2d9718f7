using System;
using System.Linq;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Benchmarks;

/// <summary>The four kernels every contestant runs, with Replicate borders.</summary>
internal static class Workloads
{
    public static readonly string[] Names = { "K1", "K2", "K3", "K4", "K5", "K6" };

    /// <summary>The copy of the photo's bytes that K1 and K2 are held against.</summary>
    public const string MemoryFloor = "Copy";

    public static string Describe(string workload) => workload switch
    {
        "K1" => "3x3 sharpen 0 -1 0; -1 5 -1; 0 -1 0",
        "K2" => "5x5 binomial Gaussian (1 4 6 4 1 outer product, /256)",
        "K3" => "15x15 disk of radius 7, normalised (not separable)",
        "K4" => "Gaussian sigma 5, 31 taps (separable)",
        "K5" => "15x15 rotated anisotropic Gaussian, sigma 4 and 1.5 at 30 degrees, float (not separable)",
        "K6" => "41x41 rotated anisotropic Gaussian, sigma 12 and 4 at 30 degrees, float (not separable)",
        "Copy" => "a copy of the same 12 MP RGB bytes (the memory floor)",
        "K2a" => "K2 on RGBA, alpha-weighted: the photo cut out as an ellipse with a soft rim",
        "K2h" => "K2a at half opacity (alpha 0-127): a half-transparent layer",
        "K2o" => "K2 on RGBA with full alpha everywhere: an alpha channel the image does not use",
        "K2u" => "K2a with independent channels (-AlphaWeighted:$false)",
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
            case "K5":
            case "K6":
                double[,] rotated = RotatedGaussian(workload);
                var k = new float[rotated.GetLength(0), rotated.GetLength(1)];
                for (int y = 0; y < k.GetLength(0); y++)
                {
                    for (int x = 0; x < k.GetLength(1); x++)
                    {
                        k[y, x] = (float)rotated[y, x];
                    }
                }

                return k;
            default:
                throw new ArgumentOutOfRangeException(nameof(workload));
        }
    }

    /// <summary>
    /// K5 and K6 in double precision, normalised to sum 1: a Gaussian with standard deviations sigmaU along the
    /// axis at 30 degrees and sigmaV across it, as an anisotropic blur (motion, a tilted lens) needs.
    /// </summary>
    public static double[,] RotatedGaussian(string workload)
    {
        (int size, double sigmaU, double sigmaV) = workload == "K5" ? (15, 4.0, 1.5) : (41, 12.0, 4.0);
        double t = 30 * Math.PI / 180;
        int h = size / 2;
        var k = new double[size, size];
        double sum = 0;
        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j < size; j++)
            {
                double x = j - h, y = i - h;
                double u = (x * Math.Cos(t)) + (y * Math.Sin(t));
                double v = (-x * Math.Sin(t)) + (y * Math.Cos(t));
                k[i, j] = Math.Exp((-u * u / (2 * sigmaU * sigmaU)) - (v * v / (2 * sigmaV * sigmaV)));
                sum += k[i, j];
            }
        }

        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j < size; j++)
            {
                k[i, j] /= sum;
            }
        }

        return k;
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
        "K5" or "K6" => new ConvolutionKernel(workload, "Blur", Describe(workload), new[] { KernelMatrix.Create(ToRows(RotatedGaussian(workload))) }),
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

    private static double[][] ToRows(double[,] k)
    {
        var rows = new double[k.GetLength(0)][];
        for (int y = 0; y < rows.Length; y++)
        {
            rows[y] = new double[k.GetLength(1)];
            for (int x = 0; x < rows[y].Length; x++)
            {
                rows[y][x] = k[y, x];
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
