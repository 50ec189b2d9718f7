using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using ImageMagick;
using OpenCvSharp;
using PSConvolution.Engine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using PSConvolution.Engine.Convolution;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Benchmarks;

/// <summary>Every contestant, each in its fastest correct form, all reading the same decoded photo.</summary>
internal static class Contestants
{
    public static List<Contestant> Create(BenchInput input, bool quick)
    {
        var list = new List<Contestant>();
        foreach (int threads in new[] { 1, 2 })
        {
            foreach (string workload in Workloads.Names)
            {
                list.Add(Engine(input, workload, threads));
                if (workload is "K5" or "K6")
                {
                    // The same kernel forced onto each other path: what the path chosen saves.
                    list.Add(Engine(input, workload, threads, KernelDecomposition.Never));
                    list.Add(Engine(input, workload, threads, KernelDecomposition.Always));
                }
                else if (workload == "K4")
                {
                    // The Gaussian's exact factors in single precision instead of fixed point.
                    list.Add(Engine(input, workload, threads, KernelDecomposition.Never));
                }
                list.AddRange(OpenCv(input, workload, threads));
                if (!(quick && workload == "K6" && threads > 1))
                {
                    // NetVips convolves K6 in float at under 1 Mpx/s, half a minute an iteration: one thread is enough.
                    list.AddRange(Vips(input, workload, threads));
                }

                if (!(quick && workload is "K3" or "K5" or "K6"))
                {
                    list.AddRange(Magick(input, workload, threads));
                }

                list.AddRange(ImageSharpPeers(input, workload, threads));
            }

            // The memory floor: a copy of the same bytes, which no filter reading and writing them can beat.
            list.Add(Copy(input, threads));

            // RGBA against RGB: what alpha weighting costs. The same step with independent channels is the peer; the
            // cut-out at half opacity is a layer whose windows mostly hold one alpha, neither 0 nor full.
            list.Add(EngineRgba(input, threads, "K2a", weighted: true));
            list.Add(EngineRgba(input, threads, "K2a", weighted: false));
            list.Add(EngineRgba(input, threads, "K2h", weighted: true));

            // An image saved with an alpha channel it does not use: full alpha everywhere.
            list.Add(EngineRgba(input, threads, "K2o", weighted: true));
            list.Add(EngineRgba(input, threads, "K2o", weighted: false));
        }

        return list;
    }

    /// <summary>
    /// K2's blur with one option or input changed at a time, and two edge operators, on the engine alone with one
    /// thread: what a user pays for each beside the plain RGB blur (<c>--options</c>). Each case's tool names what
    /// changed.
    /// </summary>
    public static List<Contestant> Options(BenchInput input)
    {
        var plain = new ConvolutionOptions { BorderMode = BorderMode.Replicate, MaxDegreeOfParallelism = 1 };
        var rgb = new PixelBuffer(input.Rgb, input.Width, input.Height, PixelLayout.Rgb);
        Contestant Case(string what, string kernel, ConvolutionOptions options, PixelBuffer? source = null)
        {
            PixelBuffer s = source ?? rgb;
            var kernels = new[] { kernel == "K2" ? Workloads.EngineKernel("K2") : KernelLibrary.Get(kernel) };
            (int w, int h, PixelLayout layout) = ImageConvolver.GetOutputShape(s.Width, s.Height, s.Layout, kernels, options);
            int samples = w * h * layout.ChannelCount();
            PixelBuffer target = s.BitDepth == 16 ? new PixelBuffer(new ushort[samples], w, h, layout) : new PixelBuffer(new byte[samples], w, h, layout);
            void Run() => ImageConvolver.Convolve(s, target, kernels, options);
            return new Contestant("K2", 1, what, () => { }, Run, () => { Run(); return Array.Empty<byte>(); });
        }

        var cutOut = new PixelBuffer(input.Rgba, input.Width, input.Height, PixelLayout.Rgba);
        return new List<Contestant>
        {
            Case("-Channel Red", "K2", plain with { Channels = ColorChannel.Red }),
            Case("-Stride 2", "K2", plain with { Stride = 2 }),
            Case("-Bias 10 (off the integer path)", "K2", plain with { Bias = 10 }),
            Case("-Grayscale", "K2", plain with { Grayscale = true }),
            Case("-LinearLight", "K2", plain with { LinearLight = true }),
            Case("16 bits a channel", "K2", plain, new PixelBuffer(input.Rgb16, input.Width, input.Height, PixelLayout.Rgb)),
            Case("16 bits a channel, and -Grayscale", "K2", plain with { Grayscale = true }, new PixelBuffer(input.Rgb16, input.Width, input.Height, PixelLayout.Rgb)),
            Case("an alpha channel: the RGBA cut-out of K2a", "K2", plain, cutOut),
            Case("an alpha channel: the cut-out with colour kept under its transparent pixels", "K2", plain, new PixelBuffer(input.RgbaColouredInvisible, input.Width, input.Height, PixelLayout.Rgba)),
            Case("an alpha channel: the cut-out, and -LinearLight", "K2", plain with { LinearLight = true }, cutOut),
            Case("-Kernel Sobel instead (a gradient magnitude)", "Sobel", plain),
            Case("-Kernel Kirsch instead (the maximum of eight)", "Kirsch", plain),
            Case("an alpha channel: the cut-out, and -Kernel Sobel instead", "Sobel", plain, cutOut),
            Case("an alpha channel: the cut-out, and -Grayscale", "K2", plain with { Grayscale = true }, cutOut),
        };
    }

    /// <summary>
    /// The exact result of a workload: its sums without fixed point, Fourier transform or decomposition (the direct
    /// 2-D kernel, or a separable kernel's exact factors), in single precision or, for integer kernels, in integers.
    /// </summary>
    public static byte[] ExactResult(BenchInput input, string workload) => Engine(input, workload, 1, KernelDecomposition.Never).Result();

    /// <summary>
    /// A chain of dependent multiply-adds, with no memory traffic, split as the engine splits an image's rows (four
    /// bands a thread, run by <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>): what a second
    /// processor gives where the threads share nothing but the start and the end of a call. Its result is the chain's
    /// last value, so the work cannot be left out.
    /// </summary>
    /// <param name="threads">Threads, as for the engine.</param>
    /// <param name="steps">Multiply-adds a call, all threads together.</param>
    public static Contestant Arithmetic(int threads, long steps)
    {
        double total = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        int bands = 4 * threads;
        var values = new double[bands];
        void Run()
        {
            // Each band its own slot, summed after: the bands share nothing while they run.
            Parallel.For(0, bands, options, b => values[b] = Chain(steps / bands, b));
            double sum = 0;
            foreach (double value in values)
            {
                sum += value;
            }

            total = sum;
        }

        return new Contestant("arithmetic", threads, "multiply-adds", () => { }, Run, () => { Run(); return BitConverter.GetBytes(total); });
    }

    /// <summary>Multiply-adds per second of <see cref="Arithmetic"/>'s chain on one thread, measured over about 50 ms.</summary>
    public static double ArithmeticRate()
    {
        for (long steps = 1 << 20; ; steps *= 2)
        {
            var watch = Stopwatch.StartNew();
            Chain(steps, 0);
            if (watch.Elapsed.TotalSeconds > 0.05)
            {
                return steps / watch.Elapsed.TotalSeconds;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Chain(long steps, int seed)
    {
        double x = seed;
        for (long i = 0; i < steps; i++)
        {
            x = (x * 0.999999) + 1e-6;
        }

        return x;
    }

    public static Contestant Copy(BenchInput input, int threads)
    {
        var destination = new byte[input.Rgb.Length];
        byte[] source = input.Rgb;
        void Run()
        {
            int chunk = (source.Length + threads - 1) / threads;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int start = t * chunk;
                int length = Math.Min(chunk, source.Length - start);
                source.AsSpan(start, length).CopyTo(destination.AsSpan(start, length));
            });
        }

        return new Contestant(Workloads.MemoryFloor, threads, "memory copy", () => { }, Run, () => { Run(); return (byte[])destination.Clone(); });
    }

    private static Contestant EngineRgba(BenchInput input, int threads, string workload, bool weighted)
    {
        byte[] pixels = workload switch { "K2h" => input.RgbaHalf, "K2o" => input.RgbaOpaque, _ => input.Rgba };
        var destination = new byte[pixels.Length];
        var kernels = new[] { Workloads.EngineKernel("K2") };
        var options = new ConvolutionOptions { BorderMode = BorderMode.Replicate, MaxDegreeOfParallelism = threads, AlphaWeighted = weighted };
        var source = new PixelBuffer(pixels, input.Width, input.Height, PixelLayout.Rgba);
        var target = new PixelBuffer(destination, input.Width, input.Height, PixelLayout.Rgba);
        void Run() => ImageConvolver.Convolve(source, target, kernels, options);
        string tool = weighted ? "PSConvolution" : "independent channels (-AlphaWeighted:$false)";
        return new Contestant(workload, threads, tool, () => { }, Run, () => { Run(); return (byte[])destination.Clone(); });
    }

    private static Contestant Engine(BenchInput input, string workload, int threads, KernelDecomposition decomposition = KernelDecomposition.Automatic)
    {
        var destination = new byte[input.Rgb.Length];
        var kernels = new[] { Workloads.EngineKernel(workload) };
        var options = new ConvolutionOptions { BorderMode = BorderMode.Replicate, MaxDegreeOfParallelism = threads, Decomposition = decomposition };
        var source = new PixelBuffer(input.Rgb, input.Width, input.Height, PixelLayout.Rgb);
        var target = new PixelBuffer(destination, input.Width, input.Height, PixelLayout.Rgb);
        void Run() => ImageConvolver.Convolve(source, target, kernels, options);
        string tool = decomposition switch
        {
            KernelDecomposition.Never when workload == "K4" => "PSConvolution's single-precision path",
            KernelDecomposition.Never => "PSConvolution's direct 2-D path",
            KernelDecomposition.Always => "PSConvolution's separable terms",
            _ => "PSConvolution",
        };
        return new Contestant(workload, threads, tool, () => { }, Run, () => { Run(); return (byte[])destination.Clone(); });
    }

    private static IEnumerable<Contestant> OpenCv(BenchInput input, string workload, int threads)
    {
        Mat source = input.Mat;
        var destination = new Mat(input.Height, input.Width, MatType.CV_8UC3);
        void Threads() => Cv2.SetNumThreads(threads);
        byte[] Result(Action run)
        {
            run();
            var bytes = new byte[input.Rgb.Length];
            Marshal.Copy(destination.Data, bytes, 0, bytes.Length);
            return bytes;
        }

        Contestant Make(string tool, Action run) => new(workload, threads, tool, Threads, run, () => Result(run));
        float[,] k = Workloads.Kernel(workload);
        if (workload != "K4")
        {
            var kernel = Mat.FromArray(k);
            yield return Make("OpenCV filter2D", () => Cv2.Filter2D(source, destination, -1, kernel, new OpenCvSharp.Point(-1, -1), 0, BorderTypes.Replicate));
        }

        if (workload is "K2" or "K4")
        {
            float[] taps = workload == "K2" ? Array.ConvertAll(Workloads.Binomial(), v => v / 16) : Workloads.Gaussian1D(31, 5);
            var kx = Mat.FromArray(taps);
            yield return Make("OpenCV sepFilter2D", () => Cv2.SepFilter2D(source, destination, -1, kx, kx, new OpenCvSharp.Point(-1, -1), 0, BorderTypes.Replicate));
            var size = workload == "K2" ? new OpenCvSharp.Size(5, 5) : new OpenCvSharp.Size(31, 31);
            double sigma = workload == "K2" ? 0 : 5;
            yield return Make("OpenCV GaussianBlur", () => Cv2.GaussianBlur(source, destination, size, sigma, sigma, BorderTypes.Replicate));
        }
    }

    private static IEnumerable<Contestant> Vips(BenchInput input, string workload, int threads)
    {
        NetVips.Image source = input.Vips;
        void Threads() => NetVips.NetVips.Concurrency = threads;
        Contestant Make(string tool, Func<NetVips.Image> op)
        {
            // Writing to memory forces the whole pipeline to run; the operation cache is off (see BenchInput).
            void Run() => op().WriteToMemory<byte>();
            return new(workload, threads, tool, Threads, Run, () => op().WriteToMemory<byte>());
        }

        switch (workload)
        {
            case "K1":
                NetVips.Image sharpen = NetVips.Image.NewFromArray(new[,] { { 0, -1, 0 }, { -1, 5, -1 }, { 0, -1, 0 } }, 1, 0);
                yield return Make("NetVips conv", () => source.Conv(sharpen, NetVips.Enums.Precision.Integer).Cast(NetVips.Enums.BandFormat.Uchar));
                break;
            case "K2":
                NetVips.Image binomial = NetVips.Image.NewFromArray(new[,] { { 1, 4, 6, 4, 1 } }, 16, 0);
                yield return Make("NetVips convsep", () => source.Convsep(binomial, NetVips.Enums.Precision.Integer).Cast(NetVips.Enums.BandFormat.Uchar));
                break;
            case "K3":
                var disk = new int[15, 15];
                float[,] d = Workloads.Disk();
                for (int y = 0; y < 15; y++)
                {
                    for (int x = 0; x < 15; x++)
                    {
                        disk[y, x] = d[y, x] > 0 ? 1 : 0;
                    }
                }

                NetVips.Image diskMask = NetVips.Image.NewFromArray(disk, Workloads.DiskCount(), 0);
                yield return Make("NetVips conv", () => source.Conv(diskMask, NetVips.Enums.Precision.Integer).Cast(NetVips.Enums.BandFormat.Uchar));
                break;
            case "K5":
            case "K6":
                NetVips.Image rotated = NetVips.Image.NewFromArray(Workloads.RotatedGaussian(workload), 1, 0);
                yield return Make("NetVips conv (float)", () => source.Conv(rotated, NetVips.Enums.Precision.Float).Cast(NetVips.Enums.BandFormat.Uchar));
                break;
            case "K4":
                float[] g = Workloads.Gaussian1D(31, 5);
                var row = new double[1, 31];
                for (int i = 0; i < 31; i++)
                {
                    row[0, i] = g[i];
                }

                NetVips.Image gaussian = NetVips.Image.NewFromArray(row, 1, 0);
                yield return Make("NetVips convsep", () => source.Convsep(gaussian, NetVips.Enums.Precision.Float).Cast(NetVips.Enums.BandFormat.Uchar));
                yield return Make("NetVips gaussblur", () => source.Gaussblur(5));
                break;
        }
    }

    private static IEnumerable<Contestant> Magick(BenchInput input, string workload, int threads)
    {
        MagickImage source = input.Magick;
        void Threads() => ResourceLimits.Thread = (ulong)threads;
        byte[]? last = null;
        Contestant Make(string tool, Action<MagickImage> op)
        {
            void Run()
            {
                using var copy = (MagickImage)source.Clone();
                op(copy);
                last = copy.ToByteArray(MagickFormat.Rgb);
            }

            return new(workload, threads, tool, Threads, Run, () => { Run(); return last!; });
        }

        if (workload == "K4")
        {
            // -blur is ImageMagick's separable Gaussian (two 1-D passes): its fastest form for this kernel.
            yield return Make("Magick.NET Blur", m => m.Blur(15, 5));
            yield break;
        }

        float[,] k = Workloads.Kernel(workload);
        int order = k.GetLength(0);
        var values = new double[order * order];
        for (int y = 0; y < order; y++)
        {
            for (int x = 0; x < order; x++)
            {
                values[(y * order) + x] = k[y, x];
            }
        }

        var matrix = new ConvolveMatrix((uint)order, values);
        yield return Make("Magick.NET Convolve", m => m.Convolve(matrix));
    }

    private static IEnumerable<Contestant> ImageSharpPeers(BenchInput input, string workload, int threads)
    {
        if (workload != "K4")
        {
            yield break;
        }

        var configuration = SixLabors.ImageSharp.Configuration.Default.Clone();
        configuration.MaxDegreeOfParallelism = threads;
        using Image<Rgb24> loaded = SixLabors.ImageSharp.Image.LoadPixelData<Rgb24>(configuration, input.Rgb, input.Width, input.Height);
        Image<Rgb24> source = loaded.Clone(configuration);
        byte[]? last = null;
        void Run()
        {
            using Image<Rgb24> blurred = source.Clone(c => c.GaussianBlur(5));
            last ??= new byte[input.Rgb.Length];
            blurred.CopyPixelDataTo(last);
        }

        yield return new Contestant(workload, threads, "ImageSharp GaussianBlur", () => { }, Run, () => { Run(); return (byte[])last!.Clone(); });
    }
}
