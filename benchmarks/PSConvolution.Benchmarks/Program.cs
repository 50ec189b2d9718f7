using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OpenCvSharp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PSConvolution.Benchmarks;

/// <summary>
/// Usage:
///   bench --samples DIR --out DIR [--quick] [--workload K1,K2,...] [--engine-only] [--threads 1,2] [--tier NAME]
///                                               the K1-K6 table against the peers (or some workloads' rows), results.json;
///                                               --engine-only: the engine alone, one thread unless --threads names
///                                               others (to compare builds and tiers, or one thread with two);
///                                               --threads: only these thread counts' rows (default 1 and 2);
///                                               --tier: the label of the rows (default: avx512, avx2 or portable, as detected)
///   bench --scaling --samples DIR --out DIR [--quick] [--workload K2,...] [--tier NAME]
///                                               the engine with one thread (held on each processor in turn, on a
///                                               two-processor machine) and with two, alternating, and the same for a
///                                               copy of the photo's bytes and for arithmetic alone (scaling.md);
///   bench --alpha-cost --samples DIR --out DIR [--quick] [--tier NAME]
///                                               K2a, K2h, K2o and K2a unweighted against K2, one thread, alternating (alpha-cost.md);
///   bench --memory-floor --samples DIR --out DIR [--quick] [--tier NAME]
///                                               K1 and K2 against a copy of the same bytes, one thread, alternating
///                                               (memory-floor.md);
///   bench --options --samples DIR --out DIR [--quick] [--tier NAME]
///                                               K2 with one option or input changed at a time (-Channel, -Stride,
///                                               -Grayscale, -LinearLight, 16 bits, cut-outs) and two edge operators,
///                                               against K2, one thread, alternating (options.md);
///   bench --against ENGINE.dll --samples DIR --out DIR [--quick] [--workload K2,...] [--tier NAME]
///                                               this build's engine against another build's, one thread,
///                                               alternating in one process (against.md): K1-K6, K2a, K2o, and K2u
///                                               (K2a with independent channels);
///   bench --make-batch SAMPLES OUT [COUNT]      writes COUNT (40) JPEGs of 2-6 MP made from the sample photos
///   bench --opencv-batch IN OUT THREADS         decode, GaussianBlur 5x5, encode (quality 90, the source's chroma
///                                               subsampling kept as the module keeps it) every JPEG with OpenCV
///   bench --make-large PATH SIZE                writes a SIZE x SIZE RGB JPEG for the large-image measurement
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length >= 3 && args[0] == "--make-batch")
        {
            MakeBatch(args[1], args[2], args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 40);
            return 0;
        }

        if (args.Length >= 3 && args[0] == "--make-large")
        {
            MakeLarge(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
            return 0;
        }

        if (args.Length >= 4 && args[0] == "--opencv-batch")
        {
            OpenCvBatch(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
            return 0;
        }

        string samples = Option(args, "--samples") ?? "samples";
        string output = Option(args, "--out") ?? Path.Combine("out", "bench");
        bool quick = args.Contains("--quick");
        Directory.CreateDirectory(output);

        var input = new BenchInput(Path.Combine(samples, "hubble.jpg"));
        Console.WriteLine($"Input: {input.Source} scaled to {input.Width}x{input.Height} RGB, 8-bit ({input.Megapixels:F1} MP), decoded once, in memory.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical processors, {RuntimeInformationText()}");
        string tier = Option(args, "--tier") ?? DetectTier();
        Console.WriteLine($"Tier: {tier}");
        string? only = Option(args, "--workload");
        // The modes that time two things in alternating pairs, each writing one table.
        int pairs = quick ? 20 : 40;
        if (args.Contains("--scaling"))
        {
            return Report(Scaling(input, (only ?? "K2,K3,K4,K5,K6").Split(','), tier, pairs), output, "scaling.md");
        }

        if (args.Contains("--alpha-cost"))
        {
            return Report(AlphaCostPaired(input, tier, pairs), output, "alpha-cost.md");
        }

        if (Option(args, "--against") is string otherBuild)
        {
            return Report(Against(input, new OtherEngine(otherBuild), (only ?? "K1,K2,K2a,K2o,K3,K4,K5,K6").Split(','), tier, pairs), output, "against.md");
        }

        if (args.Contains("--memory-floor"))
        {
            return Report(MemoryFloorPaired(input, tier, pairs), output, "memory-floor.md");
        }

        if (args.Contains("--options"))
        {
            return Report(OptionsPaired(input, tier, pairs), output, "options.md");
        }

        bool engineOnly = args.Contains("--engine-only");
        int[] threadCounts = Option(args, "--threads")?.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray()
            ?? (engineOnly ? new[] { 1 } : new[] { 1, 2 });
        List<Contestant> contestants = Contestants.Create(input, quick)
            .Where(c => only is null || only.Split(',').Contains(c.Workload))
            .Where(c => threadCounts.Contains(c.Threads))
            .Where(c => !engineOnly || c.IsEngine)
            .ToList();
        ConvolutionBenchmark.All = contestants;

        Job job = Job.Dry
            // In process, with an hour for each case: the default five minutes end the whole run once a slow peer's
            // case takes longer (NetVips convolves K6 in float at under 1 Mpx/s, up to a minute an iteration here).
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true))
            .WithLaunchCount(1)
            .WithWarmupCount(quick ? 1 : 3)
            .WithIterationCount(quick ? 3 : 10)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithStrategy(BenchmarkDotNet.Engines.RunStrategy.Monitoring);
        IConfig config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(NullLogger.Instance)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.DisableLogFile)
            .WithArtifactsPath(Path.Combine(output, "artifacts"));
        Console.WriteLine($"Running {contestants.Count} cases ({(quick ? "quick: 1 warm-up, 3 iterations" : "1 launch, 3 warm-ups, 10 iterations")})...");
        Summary summary = BenchmarkRunner.Run<ConvolutionBenchmark>(config);

        var results = new List<Result>();
        var references = new Dictionary<string, byte[]>();
        // The engine's result is the same for any number of threads: the reference is its row with the fewest; for the
        // six kernels it is their exact result, which the engine's own row may differ from within its error bound.
        foreach (Contestant engine in contestants.Where(c => c.IsEngine).GroupBy(c => c.Workload).Select(g => g.OrderBy(c => c.Threads).First()))
        {
            references[engine.Workload] = Workloads.Names.Contains(engine.Workload) ? Contestants.ExactResult(input, engine.Workload) : engine.Result();
        }

        foreach (BenchmarkReport report in summary.Reports)
        {
            var contestant = (Contestant)report.BenchmarkCase.Parameters["Case"];
            BenchmarkDotNet.Mathematics.Statistics? statistics = report.ResultStatistics;
            if (statistics is null)
            {
                Console.WriteLine($"{contestant}: no result");
                continue;
            }

            // Megapixels a second from the median iteration, and from the slowest and fastest: the spread.
            double Rate(double nanoseconds) => Math.Round(input.Megapixels / (nanoseconds / contestant.Repeat / 1e9), 1);
            contestant.SetThreads();
            (int error, double differing) = references.TryGetValue(contestant.Workload, out byte[]? reference) ? Difference(reference, contestant.Result()) : (0, 0);
            results.Add(new Result(contestant.Workload, tier, contestant.Threads, contestant.Tool, Rate(statistics.Median), Rate(statistics.Max), Rate(statistics.Min), statistics.N, error, differing));
        }

        string table = Table(results.Where(r => r.Workload != Workloads.MemoryFloor).ToList()) + AlphaCost(results) + MemoryFloor(results);
        Console.WriteLine();
        Console.WriteLine(table);
        File.WriteAllText(Path.Combine(output, "results.md"), table);
        File.WriteAllText(Path.Combine(output, "results.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Wrote {Path.Combine(output, "results.json")}");
        return 0;
    }

    /// <summary>
    /// One contestant's figure, as written to results.json: the median of its iterations, with the slowest and
    /// fastest iteration's rate as the spread.
    /// </summary>
    public sealed record Result(
        [property: System.Text.Json.Serialization.JsonPropertyName("workload")] string Workload,
        [property: System.Text.Json.Serialization.JsonPropertyName("tier")] string Tier,
        [property: System.Text.Json.Serialization.JsonPropertyName("threads")] int Threads,
        [property: System.Text.Json.Serialization.JsonPropertyName("tool")] string Tool,
        [property: System.Text.Json.Serialization.JsonPropertyName("mpx_s")] double MpxPerSecond,
        [property: System.Text.Json.Serialization.JsonPropertyName("mpx_s_min")] double MinimumMpxPerSecond,
        [property: System.Text.Json.Serialization.JsonPropertyName("mpx_s_max")] double MaximumMpxPerSecond,
        [property: System.Text.Json.Serialization.JsonPropertyName("iterations")] int Iterations,
        [property: System.Text.Json.Serialization.JsonPropertyName("max_error")] int MaxError,
        [property: System.Text.Json.Serialization.JsonPropertyName("differing")] double Differing);

    // The instruction sets the engine's loops use in this process: AVX-512, AVX2 (with DOTNET_EnableAVX512=0 on an
    // AVX-512 machine, as most users' CPUs are), or the portable Vector<T> loops.
    private static string DetectTier()
        => System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "avx512"
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "avx2"
            : "portable";

    private static string Table(List<Result> results)
    {
        var text = new StringBuilder();
        string tier = results.Count > 0 ? results[0].Tier : "-";
        int iterations = results.Count > 0 ? results[0].Iterations : 0;
        text.AppendLine(CultureInfo.InvariantCulture, $"Tier {tier}. Mpx/s (higher is better): the median of {iterations} iterations, and in brackets the slowest and fastest.");
        text.AppendLine("The best peer is the fastest other tool whose result agrees within 1 level; every other row is listed with its largest difference in levels.");
        text.AppendLine();
        text.AppendLine("| workload | threads | PSConvolution | best peer | PSConvolution / best peer | all others (max error) |");
        text.AppendLine("| --- | ---: | ---: | --- | ---: | --- |");
        foreach (IGrouping<(string, int), Result> group in results.GroupBy(r => (r.Workload, r.Threads)).OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Item2))
        {
            Result? engine = group.FirstOrDefault(r => r.Tool == "PSConvolution");
            List<Result> others = group.Where(r => r != engine).OrderByDescending(r => r.MpxPerSecond).ToList();
            Result? best = others.FirstOrDefault(p => p.MaxError <= 1 && !p.Tool.StartsWith("PSConvolution", StringComparison.Ordinal));
            string ratio = engine is not null && best is not null ? (engine.MpxPerSecond / best.MpxPerSecond).ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";
            string all = string.Join("; ", others.Select(p => $"{p.Tool} {p.MpxPerSecond:F0} ({p.MaxError})"));
            text.AppendLine($"| {group.Key.Item1} {Workloads.Describe(group.Key.Item1)} | {group.Key.Item2} | {Spread(engine)} | {best?.Tool} {Spread(best)} | {ratio} | {all} |");
        }

        return text.ToString();
    }

    // Prints a paired mode's table and writes it to the output folder.
    private static int Report(string table, string output, string file)
    {
        Console.WriteLine(table);
        File.WriteAllText(Path.Combine(output, file), table);
        return 0;
    }

    private static string Spread(Result? r)
        => r is null ? string.Empty : string.Format(CultureInfo.InvariantCulture, "{0:F0} ({1:F0}-{2:F0})", r.MpxPerSecond, r.MinimumMpxPerSecond, r.MaximumMpxPerSecond);

    // K1 and K2 against a copy of the same bytes, from the table's rows: how far they are from the memory floor.
    private static string MemoryFloor(List<Result> results)
    {
        var text = new StringBuilder();
        foreach (Result copy in results.Where(r => r.Workload == Workloads.MemoryFloor).OrderBy(r => r.Threads))
        {
            foreach (string workload in new[] { "K1", "K2" })
            {
                Result? engine = results.FirstOrDefault(r => r.Workload == workload && r.Threads == copy.Threads && r.Tool == "PSConvolution");
                if (engine is not null)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"{workload}, {copy.Threads} thread(s): {engine.MpxPerSecond:F0} Mpx/s against a copy of the same bytes at {Spread(copy)} Mpx/s: {copy.MpxPerSecond / engine.MpxPerSecond:F2}x the copy's time.");
                }
            }
        }

        return text.Length == 0 ? string.Empty : Environment.NewLine + "From the table's rows, separate cases timed apart (--memory-floor times them in alternating pairs):" + Environment.NewLine + text.ToString();
    }

    // The cost of an alpha-weighted RGBA blur against the RGB blur of the same photo, from the table's rows.
    private static string AlphaCost(List<Result> results)
    {
        var text = new StringBuilder();
        foreach (int threads in results.Select(r => r.Threads).Distinct().OrderBy(t => t))
        {
            Result? rgb = results.FirstOrDefault(r => r.Workload == "K2" && r.Threads == threads && r.Tool == "PSConvolution");
            foreach ((string workload, string what) in new[] { ("K2a", "an alpha-weighted RGBA blur"), ("K2h", "the same at half opacity"), ("K2o", "the same with full alpha everywhere") })
            {
                Result? rgba = results.FirstOrDefault(r => r.Workload == workload && r.Threads == threads && r.Tool == "PSConvolution");
                if (rgb is not null && rgba is not null)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"{workload} / K2, {threads} thread(s): {what} costs {rgb.MpxPerSecond / rgba.MpxPerSecond:F2}x the RGB blur of the same photo.");
                }
            }
        }

        return text.Length == 0 ? string.Empty : Environment.NewLine + "From the table's rows, separate cases timed apart (--alpha-cost times them in alternating pairs):" + Environment.NewLine + text.ToString();
    }

    /// <summary>
    /// What a second thread gives: for each workload, <paramref name="pairs"/> rounds of runs with one thread and with
    /// two, taking turns, so all see the same state of a shared machine (the full run times them minutes apart, as
    /// separate cases). Each run repeats the call to fill about 60 ms, as the cases do. Where the process may run on two
    /// processors and a thread can be held on one (<see cref="ProcessorPinning"/>), the one-thread run is timed on each
    /// of them, and the speed-up is taken against each and against their mean (what two threads would give at each
    /// one's own speed, halved: 2 is perfect, as on two alike). Prints the medians of the rounds' speed-ups with the
    /// middle half of them, and each run's median rate. Two more rows show what the machine allows in the same
    /// minute: a copy of the photo's bytes (what two threads gain where memory is all the work) and arithmetic alone,
    /// split into bands and run as the engine runs rows, each call as long as K2's (what they gain where nothing is
    /// shared).
    /// </summary>
    private static string Scaling(BenchInput input, string[] workloads, string tier, int pairs)
    {
        var text = new StringBuilder();
        IReadOnlyList<int> processors = ProcessorPinning.Processors;
        bool pinned = processors.Count == 2;
        List<Contestant> engine = Contestants.Create(input, quick: true).Where(c => c.IsEngine).ToList();
        text.AppendLine(pinned
            ? string.Create(CultureInfo.InvariantCulture, $"Tier {tier}. Two threads against one, the engine alone, {pairs} rounds of three runs: one thread held on processor {processors[0]}, one thread held on processor {processors[1]}, two threads. Each run's median Mpx/s, and the medians of the rounds' speed-ups (the middle half of the rounds) against each processor and against their mean, which two threads would double on processors that kept their one-thread speeds.")
            : string.Create(CultureInfo.InvariantCulture, $"Tier {tier}. Two threads against one, the engine alone, {pairs} alternating pairs of runs: the median speed-up (the middle half of the pairs), and each count's median Mpx/s."));
        text.AppendLine();
        text.AppendLine(pinned
            ? string.Create(CultureInfo.InvariantCulture, $"| workload | one thread, processor {processors[0]} | one thread, processor {processors[1]} | two threads | over processor {processors[0]} | over processor {processors[1]} | over their mean |{Environment.NewLine}| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            : "| workload | one thread | two threads | speed-up |" + Environment.NewLine + "| --- | ---: | ---: | ---: |");
        void Row(string label, Contestant one, Contestant two, bool rates)
        {
            // A sorted list's median rate (Alternate sorts its lists; the pinned rounds are sorted here).
            string Rate(List<double> sorted) => rates ? (input.Megapixels / Median(sorted)).ToString("F0", CultureInfo.InvariantCulture) : "-";
            text.Append(CultureInfo.InvariantCulture, $"| {label} | ");
            if (!pinned)
            {
                (List<double> single, List<double> both, List<double> ratios) = Alternate(one, two, pairs);
                text.AppendLine(CultureInfo.InvariantCulture, $"{Rate(single)} | {Rate(both)} | {Spread(ratios)} |");
                return;
            }

            List<double>[] times = Rounds(new[] { Pinned(one, processors[0]), Pinned(one, processors[1]), Timer(two) }, pairs);
            List<double> overFirst = Ratios(times[0], times[2]);
            List<double> overSecond = Ratios(times[1], times[2]);

            // Two threads' rate over the mean of the one-thread rates: (1 / t2) / ((1 / t0 + 1 / t1) / 2).
            List<double> overMean = times[2].Select((t2, r) => 2 / ((t2 / times[0][r]) + (t2 / times[1][r]))).ToList();
            overMean.Sort();
            text.AppendLine(CultureInfo.InvariantCulture, $"{Rate(Sorted(times[0]))} | {Rate(Sorted(times[1]))} | {Rate(Sorted(times[2]))} | {Spread(overFirst)} | {Spread(overSecond)} | {Spread(overMean)} |");
        }

        foreach (string workload in workloads)
        {
            Row($"{workload} {Workloads.Describe(workload)}", engine.First(c => c.Workload == workload && c.Threads == 1), engine.First(c => c.Workload == workload && c.Threads == 2), rates: true);
        }

        // What the machine allows: the same rounds for a copy of the photo's bytes (memory alone) and for arithmetic
        // alone, split as the engine splits rows, each call as long as K2's on one thread.
        Row("the memory floor: a copy of the same bytes", Contestants.Copy(input, 1), Contestants.Copy(input, 2), rates: true);
        Func<int, double> k2 = Timer(engine.First(c => c.Workload == "K2" && c.Threads == 1));
        k2(1);
        long steps = (long)(Contestants.ArithmeticRate() * k2(5) / 5);
        Row("arithmetic alone: dependent multiply-adds in four bands a thread, a call as long as K2's on one thread", Contestants.Arithmetic(1, steps), Contestants.Arithmetic(2, steps), rates: false);

        return text.ToString();
    }

    // A one-thread case's runs, timed on a thread held on one processor: the seconds n runs take.
    private static Func<int, double> Pinned(Contestant one, int processor) => n => ProcessorPinning.Time(processor, one.Run, n);

    // A case's runs, timed on the calling thread: the seconds n runs take.
    private static Func<int, double> Timer(Contestant c) => n =>
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            c.Run();
        }

        return watch.Elapsed.TotalSeconds;
    };

    // The median of sorted ratios, with the middle half of them, to as many decimals as asked.
    private static string Spread(List<double> ratios, int decimals = 2)
    {
        string format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        string At(int index) => ratios[index].ToString(format, CultureInfo.InvariantCulture);
        return $"{Median(ratios).ToString(format, CultureInfo.InvariantCulture)}x ({At(ratios.Count / 4)}-{At((3 * ratios.Count) / 4)})";
    }

    /// <summary>
    /// What alpha weighting costs: K2a (the cut-out), K2h (at half opacity), K2o (full alpha everywhere) and the
    /// cut-out with independent channels against K2, the RGB blur of the same photo, one thread, in <paramref name="pairs"/> alternating pairs of runs, as
    /// <see cref="Scaling"/> times one thread against two. The table's K2 and K2a rows are separate cases timed seconds apart on a shared machine,
    /// whose load changes between them more than the code does. Prints the median of the pairs' time ratios with the
    /// middle half of them, and each workload's median rate.
    /// </summary>
    private static string AlphaCostPaired(BenchInput input, string tier, int pairs)
    {
        List<Contestant> single = Contestants.Create(input, quick: true).Where(c => c.Threads == 1).ToList();
        List<Contestant> engine = single.Where(c => c.IsEngine).ToList();

        // The cut-out with independent channels splits K2a's cost: the fourth channel's, and the weighting's.
        Contestant independent = single.First(c => c.Workload == "K2a" && c.Tool != "PSConvolution");
        return AgainstOne(
            input,
            $"Tier {tier}. The alpha-weighted RGBA blur against the RGB blur of the same photo, the engine alone, one thread, {pairs} alternating pairs of runs: the median ratio of their times (the middle half of the pairs), and each one's median Mpx/s.",
            "K2",
            engine.First(c => c.Workload == "K2"),
            new[] { "K2a", "K2h", "K2o" }.Select(w => engine.First(c => c.Workload == w)).Append(independent),
            pairs);
    }

    /// <summary>
    /// How far K1 and K2 are from the memory floor: each against a copy of the same bytes, one thread, in
    /// <paramref name="pairs"/> alternating pairs of runs, as <see cref="AlphaCostPaired"/> times RGBA against RGB. In
    /// the full run the copy and the two kernels are separate cases, timed minutes apart; a shared machine's speed
    /// moves between spells lasting runs of calls, within one process, and a ratio of cases timed in different spells
    /// measures the spells. Prints the median of the pairs' time ratios with the middle half of them, and each one's
    /// median rate.
    /// </summary>
    private static string MemoryFloorPaired(BenchInput input, string tier, int pairs)
    {
        List<Contestant> single = Contestants.Create(input, quick: true).Where(c => c.Threads == 1).ToList();
        return AgainstOne(
            input,
            $"Tier {tier}. K1 and K2 against a copy of the same bytes (the memory floor), one thread, {pairs} alternating pairs of runs: the median ratio of their times (the middle half of the pairs), and each one's median Mpx/s.",
            "copy",
            single.First(c => c.Workload == Workloads.MemoryFloor),
            new[] { "K1", "K2" }.Select(w => single.First(c => c.IsEngine && c.Workload == w)),
            pairs);
    }

    /// <summary>
    /// What each option costs beside the plain blur (<see cref="Contestants.Options"/>), one thread, in
    /// <paramref name="pairs"/> alternating pairs of runs against K2, as <see cref="AlphaCostPaired"/> times RGBA: a
    /// ratio far above the work an option adds shows a path that has fallen off the fast loops.
    /// </summary>
    private static string OptionsPaired(BenchInput input, string tier, int pairs)
    {
        Contestant k2 = Contestants.Create(input, quick: true).First(c => c.IsEngine && c.Threads == 1 && c.Workload == "K2");
        return AgainstOne(
            input,
            $"Tier {tier}. K2 (Gaussian5 on the RGB photo) with one option or input changed, and two edge operators, against K2 itself, the engine alone, one thread, {pairs} alternating pairs of runs: the median ratio of their times (the middle half of the pairs), and each one's median Mpx/s of input.",
            "K2",
            k2,
            Contestants.Options(input),
            pairs);
    }

    // Each case against one reference in alternating pairs: a row of each case's median rate, the reference's, and the
    // median of the pairs' time ratios with the middle half of them.
    private static string AgainstOne(BenchInput input, string intro, string referenceName, Contestant reference, IEnumerable<Contestant> cases, int pairs)
    {
        var text = new StringBuilder();
        text.AppendLine(intro);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| workload | Mpx/s | {referenceName} Mpx/s | time / {referenceName}'s time |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (Contestant measured in cases)
        {
            (List<double> times, List<double> referenceTimes, List<double> ratios) = Alternate(measured, reference, pairs);
            string what = measured.IsEngine ? Workloads.Describe(measured.Workload) : $"the same image with {measured.Tool}";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {measured.Workload} {what} | {input.Megapixels / Median(times):F0} | {input.Megapixels / Median(referenceTimes):F0} | {Spread(ratios)} |");
        }

        return text.ToString();
    }

    /// <summary>
    /// This build's engine against another build's, one thread, in <paramref name="pairs"/> alternating pairs of runs
    /// in this process (<see cref="OtherEngine"/>): a change's effect, where new processes of one build differ by more
    /// than the change. Prints each one's median rate, the median of the pairs' time ratios (this build's over the
    /// other's) with the middle half of them, and whether the two wrote the same bytes.
    /// </summary>
    private static string Against(BenchInput input, OtherEngine other, string[] workloads, string tier, int pairs)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Tier {tier}. This build's engine against the one at {other.Location}, one thread, {pairs} alternating pairs of runs in one process: each one's median Mpx/s, the median ratio of their times (this build's over the other's; the middle half of the pairs), and the largest difference between their outputs.");
        text.AppendLine();
        text.AppendLine("| workload | this build Mpx/s | other build Mpx/s | time / other's time | largest difference |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        List<Contestant> single = Contestants.Create(input, quick: true).Where(c => c.Threads == 1).ToList();
        foreach (string workload in workloads)
        {
            // K2u is the table's K2a row with independent channels.
            Contestant mine = workload == "K2u"
                ? single.First(c => c.Workload == "K2a" && c.Tool != "PSConvolution")
                : single.First(c => c.IsEngine && c.Workload == workload);
            Contestant theirs = other.Create(input, workload);
            (int difference, _) = Difference(mine.Result(), theirs.Result());
            (List<double> first, List<double> second, List<double> ratios) = Alternate(mine, theirs, pairs);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {workload} {Workloads.Describe(workload)} | {input.Megapixels / Median(first):F0} | {input.Megapixels / Median(second):F0} | {Spread(ratios, 3)} | {difference} |");
        }

        return text.ToString();
    }

    // Runs a and b in turns, each repeated to fill about 60 ms, pairs times: each one's seconds a call, and each pair's
    // a's time over b's, all sorted.
    private static (List<double> A, List<double> B, List<double> Ratios) Alternate(Contestant a, Contestant b, int pairs)
    {
        List<double>[] times = Rounds(new[] { Timer(a), Timer(b) }, pairs);
        return (Sorted(times[0]), Sorted(times[1]), Ratios(times[0], times[1]));
    }

    // Runs the cases in turns, in order, each repeated to fill about 60 ms, rounds times: each case's seconds a call,
    // round by round.
    private static List<double>[] Rounds(IReadOnlyList<Func<int, double>> cases, int rounds)
    {
        int[] repeats = new int[cases.Count];
        for (int k = 0; k < cases.Count; k++)
        {
            cases[k](1);
            repeats[k] = (int)Math.Clamp(Math.Ceiling(0.06 / Math.Max(cases[k](1), 1e-6)), 1, 50);
        }

        var times = cases.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < cases.Count; k++)
            {
                times[k].Add(cases[k](repeats[k]) / repeats[k]);
            }
        }

        return times;
    }

    // Round by round, a's time over b's, sorted.
    private static List<double> Ratios(List<double> a, List<double> b)
    {
        List<double> ratios = a.Zip(b, (x, y) => x / y).ToList();
        ratios.Sort();
        return ratios;
    }

    private static List<double> Sorted(List<double> values)
    {
        var copy = new List<double>(values);
        copy.Sort();
        return copy;
    }

    private static double Median(List<double> v) => v.Count % 2 == 1 ? v[v.Count / 2] : (v[(v.Count / 2) - 1] + v[v.Count / 2]) / 2;

    // The largest difference from the reference in levels, and the share of samples that differ at all.
    private static (int Max, double Share) Difference(byte[] expected, byte[] actual)
    {
        if (expected.Length != actual.Length)
        {
            return (255, 1);
        }

        int max = 0;
        long differing = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - actual[i]);
            max = Math.Max(max, d);
            differing += d == 0 ? 0 : 1;
        }

        return (max, (double)differing / expected.Length);
    }

    private static void MakeBatch(string samples, string output, int count)
    {
        Directory.CreateDirectory(output);
        string[] photos = Directory.GetFiles(samples, "*.jpg").OrderBy(p => p, StringComparer.Ordinal).ToArray();
        (int W, int H)[] sizes = { (1632, 1224), (2048, 1536), (2400, 1800), (2828, 2121), (1920, 1280) };
        double megapixels = 0;
        for (int i = 0; i < count; i++)
        {
            (int w, int h) = sizes[i % sizes.Length];
            megapixels += w * (double)h / 1e6;
            using Image<Rgb24> image = SixLabors.ImageSharp.Image.Load<Rgb24>(photos[i % photos.Length]);
            image.Mutate(c => c.Resize(w, h, KnownResamplers.Bicubic));
            image.SaveAsJpeg(Path.Combine(output, $"batch{i:D2}.jpg"), new JpegEncoder { Quality = 90 });
        }

        File.WriteAllText(Path.Combine(output, "megapixels.txt"), megapixels.ToString("F3", CultureInfo.InvariantCulture));
    }

    // A size x size RGB JPEG with smooth gradients and some texture, written row by row.
    private static void MakeLarge(string path, int size)
    {
        using var image = new Image<Rgb24>(size, size);
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<Rgb24> row = accessor.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24((byte)(x * 255 / size), (byte)(y * 255 / size), (byte)((x ^ y) & 0xFF));
                }
            }
        });
        image.SaveAsJpeg(path, new JpegEncoder { Quality = 85 });
    }

    private static void OpenCvBatch(string input, string output, int threads)
    {
        Directory.CreateDirectory(output);
        string[] files = Directory.GetFiles(input, "*.jpg");
        Cv2.SetNumThreads(1);
        var watch = Stopwatch.StartNew();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = threads }, file =>
        {
            using Mat image = Cv2.ImRead(file, ImreadModes.Color);
            using var blurred = new Mat();
            Cv2.GaussianBlur(image, blurred, new OpenCvSharp.Size(5, 5), 0, 0, BorderTypes.Replicate);

            // The same job as the module's: a 4:2:0 source written 4:2:0 again, a finer one 4:4:4
            // (IMWRITE_JPEG_SAMPLING_FACTOR, 7, which OpenCvSharp's enum does not name; OpenCV's default is 4:2:0).
            bool halved;
            using (FileStream source = File.OpenRead(file))
            {
                halved = PSConvolution.Engine.Imaging.SourceProbe.JpegChromaHalved(source);
            }

            Cv2.ImWrite(Path.Combine(output, Path.GetFileName(file)), blurred, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90), new ImageEncodingParam((ImwriteFlags)7, halved ? 0x221111 : 0x111111));
        });
        watch.Stop();
        Console.WriteLine(watch.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture));
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string RuntimeInformationText()
        => $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, AVX-512F {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}, "
            + $"engine built for {typeof(PSConvolution.Engine.PixelBuffer).Assembly.GetCustomAttributes(typeof(System.Runtime.Versioning.TargetFrameworkAttribute), false).OfType<System.Runtime.Versioning.TargetFrameworkAttribute>().FirstOrDefault()?.FrameworkName}";
}
