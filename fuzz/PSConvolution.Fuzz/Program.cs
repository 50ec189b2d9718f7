using System;
using System.Diagnostics;
using System.IO;
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

    private static int Replay(ReadOnlySpan<string> files)
    {
        int failures = 0;
        foreach (string file in files)
        {
            var watch = Stopwatch.StartNew();
            string outcome;
            try
            {
                using FileStream stream = File.OpenRead(file);
                outcome = FileTarget.Run(stream);
            }
            catch (Exception e)
            {
                failures++;
                outcome = "FAILURE " + e;
            }

            Console.WriteLine($"{file}\t{watch.Elapsed.TotalMilliseconds:F0} ms\t{outcome}");
        }

        return failures == 0 ? 0 : 1;
    }
}
