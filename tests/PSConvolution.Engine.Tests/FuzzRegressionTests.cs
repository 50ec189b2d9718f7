using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PSConvolution.Engine.Imaging;
using PSConvolution.Engine.Kernels;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// Every input the fuzzer found (tests/corpus/fuzz) gets the outcome recorded for it, through the fuzzer's own path.
/// The cases run on their own, after the rest of the suite (<see cref="AloneCollection"/>): on Mono the bound on what a
/// file makes the path allocate is read from the whole heap, and the exhaustive tests' 100 MB images, running at the
/// same time, once pushed a 21-byte file over it.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class FuzzRegressionTests
{
    public static IEnumerable<object[]> Cases()
    {
        string folder = CorpusFolder();
        foreach (string line in File.ReadAllLines(Path.Combine(folder, "expected.tsv")).Where(l => l.Length > 0))
        {
            string[] parts = line.Split('\t');
            yield return new object[] { parts[0], parts[1] };
        }
    }

    // Some inputs hung the path for good; a regression must fail the test, not stall the run.
    [Theory]
    [MemberData(nameof(Cases))]
    public async System.Threading.Tasks.Task GetsItsRecordedOutcome(string file, string expected)
    {
        var run = System.Threading.Tasks.Task.Run(() => Check(file, expected));
        System.Threading.Tasks.Task first = await System.Threading.Tasks.Task.WhenAny(run, System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(30)));
        Expect.True(first == run, $"{file} is still being processed after 30 s.");
        await run;
    }

    private static void Check(string file, string expected)
    {
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Gaussian3") }, ConvolutionOptions.Default with { MaxDegreeOfParallelism = 1 }) { MaxPixels = 4_000_000 };
        using FileStream source = File.OpenRead(Path.Combine(CorpusFolder(), file));
        using var output = new MemoryStream();
        string outcome;
        long before = AllocatedBytes();
        try
        {
            ImageFileConvolver.Convert(source, file, output, request);
            outcome = "ok";
        }
        catch (ConvolutionException e)
        {
            outcome = e.Kind.ToString();
            Assert.Contains(file, e.Message);
        }

        Assert.Equal(expected, outcome);

        // A file of a few hundred bytes under a 4 MP limit has no business allocating more than the pixels need.
        long allocated = AllocatedBytes() - before;
        Expect.True(allocated < 64L << 20, $"{file} made the path allocate {allocated:N0} bytes.");
    }

    // Mono (the net472 run) counts no allocations per thread; there the bound is checked on the process's heap
    // growth instead, a rougher measure: tests running at the same time add to it, and a collection can hide some.
#if NETFRAMEWORK
    private static long AllocatedBytes() => GC.GetTotalMemory(forceFullCollection: false);
#else
    private static long AllocatedBytes() => GC.GetAllocatedBytesForCurrentThread();
#endif

    [Fact]
    public void EveryCorpusFileIsListed()
    {
        string folder = CorpusFolder();
        var listed = Cases().Select(c => (string)c[0]).ToHashSet();
        string[] files = Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n is not ("expected.tsv" or "README.md")).ToArray()!;
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Contains(f, listed));
    }

    private static string CorpusFolder() => RepositoryPaths.Find("tests", "corpus", "fuzz");
}

/// <summary>Test classes that run with no other test running: xunit runs a collection that disables parallelisation after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}
