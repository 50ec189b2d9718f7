using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace PSConvolution.Benchmarks;

/// <summary>One BenchmarkDotNet case per contestant; the contestants are built once, in process.</summary>
public class ConvolutionBenchmark
{
    internal static List<Contestant> All { get; set; } = new();

    [ParamsSource(nameof(Cases))]
    public Contestant Case { get; set; } = null!;

    public static IEnumerable<Contestant> Cases() => All;

    [GlobalSetup]
    public void Setup()
    {
        // Every library keeps its own worker threads, and some spin for a while after a parallel region; put all
        // of them back to one thread and let them park before the case, so no case competes with the previous one.
        OpenCvSharp.Cv2.SetNumThreads(1);
        NetVips.NetVips.Concurrency = 1;
        ImageMagick.ResourceLimits.Thread = 1;
        System.Threading.Thread.Sleep(200);
        Case.SetThreads();

        // Every contestant gets the same treatment: as many back-to-back runs per invocation as fill ~60 ms.
        // Slow peers (seconds a run) are timed once here, fast cases twice so the first run's warm-up is not counted.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Case.Run();
        if (watch.Elapsed.TotalSeconds < 0.06)
        {
            watch.Restart();
            Case.Run();
        }

        Case.Repeat = (int)Math.Clamp(Math.Ceiling(0.06 / Math.Max(watch.Elapsed.TotalSeconds, 1e-6)), 1, 50);
    }

    [Benchmark]
    public void Convolve()
    {
        for (int i = 0; i < Case.Repeat; i++)
        {
            Case.Run();
        }
    }
}
