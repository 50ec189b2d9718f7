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
    public void Setup() => Case.SetThreads();

    [Benchmark]
    public void Convolve() => Case.Run();
}
