using System;
using System.Threading.Tasks;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>Splits the output rows of an image into bands, a few per thread, and runs them in parallel.</summary>
internal static class RowBands
{
    /// <summary>Runs <paramref name="body"/> over [start, end) bands of <paramref name="count"/> rows.</summary>
    public static void Run(int count, ParallelOptions parallel, Action<int, int> body) => Run(0, count, parallel, body);

    /// <summary>Runs <paramref name="body"/> over bands of the rows [<paramref name="first"/>, <paramref name="end"/>).</summary>
    public static void Run(int first, int end, ParallelOptions parallel, Action<int, int> body)
    {
        int count = end - first;
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int bands = Math.Clamp(threads * 4, 1, count);
        if (bands == 1 || threads == 1)
        {
            // One band: a band's row cache is warmed once, so splitting it would only repeat that work.
            parallel.CancellationToken.ThrowIfCancellationRequested();
            body(first, end);
            return;
        }

        Parallel.For(0, bands, parallel, b =>
        {
            body(first + (int)((long)count * b / bands), first + (int)((long)count * (b + 1) / bands));
        });
    }
}
