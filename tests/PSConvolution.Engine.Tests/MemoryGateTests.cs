using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using PSConvolution.Engine.Imaging;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

public sealed class MemoryGateTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("psconv-gate-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void OneImageAlwaysPassesHoweverLargeAndImagesThatFitPassTogether()
    {
        var gate = new MemoryGate(100);
        using (gate.Enter(1000, CancellationToken.None))
        {
            Assert.Equal(1000, gate.InFlight);
        }

        using (gate.Enter(40, CancellationToken.None))
        using (gate.Enter(60, CancellationToken.None))
        {
            Assert.Equal(100, gate.InFlight);
        }

        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task AnImageWaitsUntilTheImagesInFlightLeaveRoomAndIsCountedOnce()
    {
        var gate = new MemoryGate(100);
        IDisposable first = gate.Enter(60, CancellationToken.None);
        Task<IDisposable> second = Task.Run(() => gate.Enter(60, CancellationToken.None));
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(300)));

        first.Dispose();
        first.Dispose();
        Assert.Same(second, await Task.WhenAny(second, Task.Delay(10_000)));
        Assert.Equal(60, gate.InFlight);
        (await second).Dispose();
        Assert.Equal(0, gate.InFlight);
        Assert.Equal(60, gate.Peak);
    }

    [Fact]
    public async Task AStoppedBatchStopsWaiting()
    {
        var gate = new MemoryGate(100);
        using IDisposable first = gate.Enter(60, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        Task waiting = Task.Run(() => gate.Enter(60, stop.Token));
        Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(200)));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(60, gate.InFlight);
    }

    [Fact]
    public void ImagesConvertedAtOnceTakeTurnsWhereTheirEstimatesDoNotFitTogether()
    {
        // Four 64x48 RGB images on four threads, through a gate that holds one image's estimate and a byte less
        // than two: they pass one at a time, and every one is converted.
        long estimate = MemoryGate.Estimate(64, 48, 3);
        var gate = new MemoryGate((2 * estimate) - 1);
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Gaussian5") }, ConvolutionOptions.Default) { Memory = gate };
        var sources = new string[4];
        for (int i = 0; i < sources.Length; i++)
        {
            using var image = new Image<Rgb24>(64, 48, new Rgb24((byte)(40 * i), 100, 200));
            sources[i] = Path.Combine(folder, $"s{i}.png");
            image.SaveAsPng(sources[i]);
        }

        Parallel.For(0, sources.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using PreparedOutput output = ImageFileConvolver.Prepare(sources[i], Path.Combine(folder, $"o{i}.png"), request, overwrite: false);
            output.Commit();
        });

        Assert.Equal(estimate, gate.Peak);
        Assert.Equal(0, gate.InFlight);
        for (int i = 0; i < sources.Length; i++)
        {
            using var result = Image.Load<Rgb24>(Path.Combine(folder, $"o{i}.png"));
            Assert.Equal(new Rgb24((byte)(40 * i), 100, 200), result[10, 10]);
        }
    }

    [Theory]
    [InlineData("gif", "gif", 3)]
    [InlineData("gif", "png", 3)]
    [InlineData("tif", "tif", 3)]
    [InlineData("tif", "png", 1)]
    public void AnAnimationWaitsForRoomForEveryFrameItsDecodingHolds(string from, string to, int framesDecoded)
    {
        // Every frame of a GIF is decoded, whatever is written; of a TIFF, only the first page for a format of one
        // picture (TiffPageSelection).
        var gate = new MemoryGate(1);
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Memory = gate, Format = to == "png" ? OutputFormat.Png : OutputFormat.Auto };
        string source = Path.Combine(folder, "anim." + from);
        int bytesPerPixel;
        if (from == "gif")
        {
            using var image = new Image<Rgba32>(40, 30, new Rgba32(200, 0, 0, 255));
            for (int f = 1; f < 3; f++)
            {
                using var frame = new Image<Rgba32>(40, 30, new Rgba32(0, (byte)(100 * f), 0, 255));
                image.Frames.AddFrame(frame.Frames.RootFrame);
            }

            image.SaveAsGif(source);
            bytesPerPixel = 4;
        }
        else
        {
            File.WriteAllBytes(source, ImageFileConvolverTests.MultiPageGreyTiff(new[] { (40, 30, (byte)10, false), (40, 30, (byte)20, false), (40, 30, (byte)30, false) }, little: true, backwards: false));
            // A TIFF is decoded as RGBA (a grey one is written grey again).
            bytesPerPixel = 4;
        }

        using (PreparedOutput output = ImageFileConvolver.Prepare(source, Path.Combine(folder, "out." + to), request, overwrite: false))
        {
            output.Commit();
        }

        Assert.Equal(MemoryGate.Estimate(40, 30, bytesPerPixel, framesDecoded), gate.Peak);
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public void AnImageThatFailsLeavesTheGate()
    {
        var gate = new MemoryGate(1);
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Gaussian5") }, ConvolutionOptions.Default) { Memory = gate };
        string source = Path.Combine(folder, "cut.png");
        using (var image = new Image<Rgb24>(64, 48))
        {
            image.SaveAsPng(source);
        }

        byte[] bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(source, bytes.AsSpan(0, bytes.Length - 20).ToArray());
        Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Prepare(source, Path.Combine(folder, "out.png"), request, overwrite: false).Dispose());
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task ALargeArrayReturnedOnOneThreadIsTheNextRentOnAnother()
    {
        // LargeArrays<long> serves only this class's tests, which run one after another, and LargeArrays<short> the
        // last; the engine's samples are bytes and 16-bit words (ushort), and it pools no longs.
        const int Length = 2 << 20;
        long[] rented = await Task.Run(() => LargeArrays<long>.Rent(Length));
        await Task.Run(() => LargeArrays<long>.Return(rented));
        long[] again = await Task.Run(() => LargeArrays<long>.Rent(Length - 1000));
        Assert.Same(rented, again);

        // An idle array more than twice the length asked for is not handed out for it.
        LargeArrays<long>.Return(again);
        long[] smaller = LargeArrays<long>.Rent(Length / 3);
        Assert.NotSame(rented, smaller);
        LargeArrays<long>.Return(smaller);
        LargeArrays<long>.ReleaseAll();
    }

    [Theory]
    [InlineData(1000)]
    [InlineData((1 << 20) / sizeof(long))]
    [InlineData(((1 << 20) / sizeof(long)) + 1)]
    [InlineData((3 << 20) / sizeof(long))]
    [InlineData((6 << 20) / sizeof(long))]
    [InlineData(((4 << 20) / sizeof(long)) + 1)]
    public void AnArrayGoesBackWhereItCameFromAndIsTheNextRentOfItsSize(int length)
    {
        // A result of 4 to 8 MB (a 1.4 to 2.8 MP RGB image) once came from the shared pool rounded up to 8 MB, went
        // back to the idle list (8 MB and more), and was never rented again: every such image took a new array and
        // faulted it in, and the idle list filled with them up to its limit. Longs: nothing else pools them, so no
        // test running beside this one can take the array between the return and the next rent.
        LargeArrays<long>.ReleaseAll();
        try
        {
            long[] first = LargeArrays<long>.Rent(length);
            Assert.True(first.Length >= length);
            LargeArrays<long>.Return(first);
            long[] again = LargeArrays<long>.Rent(length);
            Assert.Same(first, again);
            LargeArrays<long>.Return(again);
            long idle = LargeArrays<long>.Retained.Bytes;
            Expect.True(idle == 0 || idle == (long)first.Length * sizeof(long), $"idle {idle} bytes");
            Assert.True(idle == 0 || first.Length == length, "an array of the idle list is of the length asked for");
        }
        finally
        {
            LargeArrays<long>.ReleaseAll();
        }
    }

    [Fact]
    public void TheSharedPoolIsAskedOnlyForArraysEveryBuildsPoolKeeps()
    {
        // The netstandard2.0 build's pool on .NET Framework (System.Buffers) keeps arrays of at most 1,048,576
        // elements and makes a new one for every longer request; with the line at 4 MB, a 2 or 3 MB byte result
        // came back new every time on Mono. Bytes are the engine's smallest samples, so the most elements per byte.
        Expect.True(LargeArrays<byte>.PoolMaxBytes <= 1024 * 1024, $"{LargeArrays<byte>.PoolMaxBytes} bytes");
    }

    [Fact]
    public void IdleLargeArraysAreKeptUpToTheLimitAndSmallOnesGoToTheSharedPool()
    {
        long saved = LargeArrays<short>.MaxRetainedBytes;
        try
        {
            // Three arrays of 16 MB under a limit of 40 MB: the oldest goes.
            LargeArrays<short>.MaxRetainedBytes = 40 << 20;
            short[][] arrays = { LargeArrays<short>.Rent(8 << 20), LargeArrays<short>.Rent(8 << 20), LargeArrays<short>.Rent(8 << 20) };
            foreach (short[] array in arrays)
            {
                LargeArrays<short>.Return(array);
            }

            Assert.Equal((2, 2L * arrays[0].Length * sizeof(short)), LargeArrays<short>.Retained);
            short[] small = LargeArrays<short>.Rent(1000);
            LargeArrays<short>.Return(small);
            Assert.Equal(2, LargeArrays<short>.Retained.Arrays);
        }
        finally
        {
            LargeArrays<short>.ReleaseAll();
            LargeArrays<short>.MaxRetainedBytes = saved;
        }
    }
}
