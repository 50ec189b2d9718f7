using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace PSConvolution.Benchmarks;

/// <summary>
/// What the machine gives a second thread at the moment: a fixed amount of arithmetic held in registers (no memory
/// traffic, nothing shared), cut into bands as the engine cuts rows, run on one thread and on two. On two idle cores
/// its speed-up is 2. On a virtual machine whose second processor the host also lends elsewhere it is less, and it
/// moves from minute to minute. Timed in the same rounds as a workload (<c>--scaling</c>), it says how much of the
/// workload's shortfall from 2 was the machine's at that time.
/// </summary>
internal static class MachineCeiling
{
    // Bands of a call: what the engine makes for two threads (four a thread), so both counts split the work alike.
    private const int Bands = 8;

    // Steps a band: about 1.5 ms at 4 GHz (four chains of a multiply and an add, 6 cycles a step each).
    private const int StepsPerBand = 1_000_000;

    // Where each band's result goes, so that no compiler drops the loop as unused.
    private static double sink;

    /// <summary>The reference as a case of the given thread count.</summary>
    public static Contestant Create(int threads)
        => new("machine", threads, "arithmetic", () => { }, () => Run(threads), () => Array.Empty<byte>());

    private static void Run(int threads)
    {
        if (threads == 1)
        {
            for (int b = 0; b < Bands; b++)
            {
                Band(b);
            }

            return;
        }

        Parallel.For(0, Bands, new ParallelOptions { MaxDegreeOfParallelism = threads }, Band);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Band(int band)
    {
        // Four independent chains, so a core runs them side by side; each step depends on the last of its chain, so
        // no compiler can fold or vectorise the loop away.
        double a = 1 + band, b = 2 + band, c = 3 + band, d = 4 + band;
        for (int i = 0; i < StepsPerBand; i++)
        {
            a = (a * 0.999999) + 1e-7;
            b = (b * 0.999998) + 2e-7;
            c = (c * 0.999997) + 3e-7;
            d = (d * 0.999996) + 4e-7;
        }

        sink = a + b + c + d;
    }
}
