using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using SharpFuzz;

namespace PSConvolution.Fuzz;

/// <summary>
/// Usage:
///   PSConvolution.Fuzz                     the afl-fuzz target (run by build.ps1 -Task Fuzz under afl-fuzz)
///   PSConvolution.Fuzz --replay FILE...    runs the target on files and prints each outcome; exit 1 on a failure
///   PSConvolution.Fuzz --make-seeds DIR    writes the seed files, one folder per format family
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--make-seeds")
        {
            Seeds.Write(args[1]);
            return 0;
        }

        if (args.Length >= 1 && args[0] == "--replay")
        {
            return Replay(args.AsSpan(1));
        }

        Fuzzer.OutOfProcess.Run(stream => FileTarget.Run(stream));
        return 0;
    }

    // Each file on a worker with a time limit, so one that hangs is reported and the rest still run; for a hang, the
    // header probe alone is timed too, to tell a hang in identification from one in decoding or later.
    private static int Replay(ReadOnlySpan<string> files)
    {
        int failures = 0;
        foreach (string file in files)
        {
            var watch = Stopwatch.StartNew();
            string outcome;
            Task<string> run = Task.Run(() =>
            {
                using FileStream stream = File.OpenRead(file);
                return FileTarget.Run(stream);
            });
            try
            {
                outcome = run.Wait(HangLimit) ? run.Result : "HANG (over " + HangLimit.TotalSeconds + " s); the header probe alone " + ProbeOnly(file);
                failures += outcome.StartsWith("HANG", StringComparison.Ordinal) ? 1 : 0;
            }
            catch (AggregateException e)
            {
                failures++;
                outcome = "FAILURE " + e.InnerException;
            }

            Console.WriteLine($"{file}\t{watch.Elapsed.TotalMilliseconds:F0} ms\t{outcome}");
        }

        // A hung worker never finishes; leave without waiting for it.
        Console.Out.Flush();
        Environment.Exit(failures == 0 ? 0 : 1);
        return 0;
    }

    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(15);

    private static string ProbeOnly(string file)
    {
        Task<string> probe = Task.Run(() =>
        {
            using var stream = new MemoryStream(File.ReadAllBytes(file));
            var (info, format) = PSConvolution.Engine.Imaging.SourceProbe.Identify(stream, file, FileTarget.MaxPixels);
            return $"returned {format.Name} {info.Width}x{info.Height}";
        });
        try
        {
            return probe.Wait(HangLimit) ? probe.Result : "hangs too";
        }
        catch (AggregateException e)
        {
            return "threw " + e.InnerException?.GetType().Name;
        }
    }
}
