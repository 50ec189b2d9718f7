using System;
using System.Runtime.InteropServices;

namespace PSConvolution.Benchmarks;

/// <summary>
/// Holds the calling thread on one logical processor while a one-thread run is timed (Linux and Windows; elsewhere
/// <see cref="Supported"/> is false). On a virtual machine the two processors need not be alike: here one ran an FFT
/// blur (K5) 1.43x and AES-GCM 1.63x slower than the other at the same time (a neighbour on its physical core, by all
/// appearances), while scalar hashing ran alike on both. A one-thread figure then depends on which processor the
/// thread happened to run on, and a speed-up against it swings between two values; timed on each processor, the
/// speed-up can be taken against what the two would give.
/// </summary>
internal static class ProcessorPinning
{
    /// <summary>True where a thread can be held on one processor here.</summary>
    public static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows();

    /// <summary>Runs <paramref name="action"/> on the calling thread held on <paramref name="processor"/>, then lets it run anywhere again.</summary>
    public static void Run(int processor, Action action)
    {
        ulong all = Environment.ProcessorCount >= 64 ? ulong.MaxValue : (1UL << Environment.ProcessorCount) - 1;
        Set(1UL << processor);
        try
        {
            action();
        }
        finally
        {
            Set(all);
        }
    }

    private static void Set(ulong mask)
    {
        if (OperatingSystem.IsLinux())
        {
            // Thread 0: the calling thread. The mask is a cpu_set_t's first word (processors 0-63).
            if (SchedSetAffinity(0, sizeof(ulong), ref mask) != 0)
            {
                throw new InvalidOperationException($"sched_setaffinity failed: errno {Marshal.GetLastPInvokeError()}.");
            }
        }
        else if (OperatingSystem.IsWindows())
        {
            if (SetThreadAffinityMask(GetCurrentThread(), (nuint)mask) == 0)
            {
                throw new InvalidOperationException($"SetThreadAffinityMask failed: error {Marshal.GetLastPInvokeError()}.");
            }
        }
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);

    [DllImport("kernel32", SetLastError = true)]
    private static extern nint GetCurrentThread();

    [DllImport("kernel32", SetLastError = true)]
    private static extern nuint SetThreadAffinityMask(nint thread, nuint mask);
}
