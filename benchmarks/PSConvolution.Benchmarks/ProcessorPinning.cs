using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace PSConvolution.Benchmarks;

/// <summary>
/// Times one-thread runs on a thread held on one of the processors the process may run on (Linux and Windows;
/// elsewhere <see cref="Processors"/> is empty). On a virtual machine two processors need not be alike:
/// here one ran an FFT blur (K5) 1.43x and AES-GCM 1.63x slower than the other at the same time (a neighbour on its
/// physical core, by all appearances), while scalar hashing ran alike on both. A one-thread figure then depends on
/// which processor the thread happened to run on, and a speed-up against it swings between two values; timed on each
/// processor, the speed-up can be taken against what the two would give. The runs go on a thread of their own, which
/// ends with them, so the thread that times the other cases is never held: held on one processor and let go, it had
/// slowed the two-thread runs after it (K5's two threads at 172-210 Mpx/s in three runs of --scaling, against 205-221
/// with the one-thread runs on a thread of their own, the one-thread rates alike).
/// </summary>
internal static class ProcessorPinning
{
    // The processors the process may run on (of the first 64), as the process started, and that mask.
    private static readonly ulong Allowed = AllowedMask();

    /// <summary>The numbers of the processors the process may run on, in order; empty where a thread cannot be held here.</summary>
    public static IReadOnlyList<int> Processors { get; } = Bits(Allowed);

    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="repeats"/> times on a new thread held on
    /// <paramref name="processor"/>, and returns the seconds the runs took (the thread's start and end not counted).
    /// </summary>
    public static double Time(int processor, Action action, int repeats)
    {
        double seconds = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Set(1UL << processor);
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < repeats; i++)
                {
                    action();
                }

                seconds = watch.Elapsed.TotalSeconds;
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? seconds : throw new InvalidOperationException($"A run held on processor {processor} failed.", failure);
    }

    private static ulong AllowedMask()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // Thread 0: the calling thread. The mask is a cpu_set_t's first word (processors 0-63).
                ulong mask = 0;
                return SchedGetAffinity(0, sizeof(ulong), ref mask) == 0 ? mask : 0;
            }

            if (OperatingSystem.IsWindows())
            {
                return GetProcessAffinityMask(GetCurrentProcess(), out nuint process, out _) ? process : 0;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }

        return 0;
    }

    private static List<int> Bits(ulong mask)
    {
        var bits = new List<int>();
        for (int i = 0; i < 64; i++)
        {
            if ((mask & (1UL << i)) != 0)
            {
                bits.Add(i);
            }
        }

        return bits;
    }

    private static void Set(ulong mask)
    {
        if (OperatingSystem.IsLinux())
        {
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

    [DllImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static extern int SchedGetAffinity(int pid, nint size, ref ulong mask);

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);

    [DllImport("kernel32")]
    private static extern nint GetCurrentProcess();

    [DllImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetProcessAffinityMask(nint process, out nuint processMask, out nuint systemMask);

    [DllImport("kernel32")]
    private static extern nint GetCurrentThread();

    [DllImport("kernel32", SetLastError = true)]
    private static extern nuint SetThreadAffinityMask(nint thread, nuint mask);
}
