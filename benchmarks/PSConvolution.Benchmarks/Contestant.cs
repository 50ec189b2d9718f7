using System;

namespace PSConvolution.Benchmarks;

/// <summary>One tool running one workload with a number of threads: a benchmark case.</summary>
public sealed class Contestant
{
    public Contestant(string workload, int threads, string tool, Action setThreads, Action run, Func<byte[]> result)
    {
        Workload = workload;
        Threads = threads;
        Tool = tool;
        SetThreads = setThreads;
        Run = run;
        Result = result;
    }

    public string Workload { get; }

    public int Threads { get; }

    public string Tool { get; }

    public Action SetThreads { get; }

    public Action Run { get; }

    /// <summary>Runs once more and returns the output as interleaved 8-bit RGB, to measure its error.</summary>
    public Func<byte[]> Result { get; }

    /// <summary>
    /// Runs per measured invocation, set when the case starts so that one invocation lasts about 60 ms:
    /// a 5 ms run timed alone mostly measures how fast an idle core wakes up.
    /// </summary>
    public int Repeat { get; set; } = 1;

    public bool IsEngine => Tool == "PSConvolution";

    public override string ToString() => $"{Workload}-{Threads}t-{Tool}";
}
