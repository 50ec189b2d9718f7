using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using PSConvolution.Engine.Imaging;

namespace PSConvolution.Engine.Tests;

public sealed class RetainingMemoryAllocatorTests
{
    // Over ImageSharp's 4 MB pool block, so the allocator keeps it, in a block of 8 MB (the next power of two).
    private const int Large = 6 << 20;
    private const long LargeBlock = 8 << 20;

    [Fact]
    public void AReleasedFrameBufferIsHandedToTheNextFrameThatFits()
    {
        var allocator = new RetainingMemoryAllocator(MemoryAllocator.Default);
        IntPtr first;
        using (IMemoryOwner<byte> a = allocator.Allocate<byte>(Large))
        {
            first = Address(a);
        }

        Assert.Equal((1, LargeBlock), allocator.Retained);
        using (IMemoryOwner<byte> b = allocator.Allocate<byte>(Large + 12345))
        {
            // A somewhat larger frame still fits the block.
            Assert.Equal(first, Address(b));
            Assert.Equal(Large + 12345, b.Memory.Length);
            Assert.Equal(0, allocator.Retained.Blocks);

            // Nothing idle fits a frame over the block's size: it gets a block of its own.
            using IMemoryOwner<byte> c = allocator.Allocate<byte>((int)LargeBlock + 1);
            Assert.NotEqual(first, Address(c));
        }

        Assert.Equal((2, LargeBlock + (2 * LargeBlock)), allocator.Retained);
        allocator.ReleaseRetainedResources();
        Assert.Equal((0, 0L), allocator.Retained);
    }

    [Fact]
    public void ACleanAllocationIsZeroEvenInAReusedBlock()
    {
        var allocator = new RetainingMemoryAllocator(MemoryAllocator.Default);
        using (IMemoryOwner<Rgb24> dirty = allocator.Allocate<Rgb24>(Large / 3))
        {
            dirty.Memory.Span.Fill(new Rgb24(1, 2, 3));
        }

        using IMemoryOwner<Rgb24> clean = allocator.Allocate<Rgb24>(Large / 3, AllocationOptions.Clean);
        Assert.Equal(0, allocator.Retained.Blocks);
        Assert.True(clean.Memory.Span.ToArray().All(p => p.R == 0 && p.G == 0 && p.B == 0));
    }

    [Fact]
    public void SmallBuffersAreImageSharpsAndNotKept()
    {
        var allocator = new RetainingMemoryAllocator(MemoryAllocator.Default);
        using (allocator.Allocate<byte>(RetainingMemoryAllocator.SmallLimitBytes))
        {
        }

        Assert.Equal(0, allocator.Retained.Blocks);
    }

    [Fact]
    public void AtMostTwoBlocksPerProcessorAreKeptAndTheLargestStay()
    {
        var allocator = new RetainingMemoryAllocator(MemoryAllocator.Default);
        int kept = RetainingMemoryAllocator.MaxRetainedBlocks;

        // One block of 16 MB among ones of 8 MB, released first: the 8 MB ones over the limit go, not it.
        IMemoryOwner<byte>[] owners = Enumerable.Range(0, kept + 2).Select(i => allocator.Allocate<byte>(i == 0 ? 3 * Large / 2 : Large)).ToArray();
        foreach (IMemoryOwner<byte> owner in owners)
        {
            owner.Dispose();
        }

        Assert.Equal((kept, (2 * LargeBlock) + ((kept - 1) * LargeBlock)), allocator.Retained);
        allocator.ReleaseRetainedResources();
    }

    [Fact]
    public void DisposingTwiceReturnsTheBlockOnceAndADisposedBufferCannotBeRead()
    {
        var allocator = new RetainingMemoryAllocator(MemoryAllocator.Default);
        IMemoryOwner<byte> owner = allocator.Allocate<byte>(Large);
        Memory<byte> memory = owner.Memory;

        // The owner hands out one Memory, made once, over its whole block.
        Assert.True(owner.Memory.Equals(memory));
        Assert.Equal(Large, memory.Length);
        memory.Span[Large - 1] = 42;
        Assert.Equal(42, ((MemoryManager<byte>)owner).GetSpan()[Large - 1]);

        owner.Dispose();
        owner.Dispose();
        Assert.Equal(1, allocator.Retained.Blocks);
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => owner.Memory);
        allocator.ReleaseRetainedResources();
    }

    [Fact]
    public void IdleBlocksGoBackToTheSystem()
    {
        var allocator = new RetainingMemoryAllocator(MemoryAllocator.Default, TimeSpan.FromMilliseconds(50));
        allocator.Allocate<byte>(Large).Dispose();
        Assert.Equal(1, allocator.Retained.Blocks);
        var clock = Stopwatch.StartNew();
        while (allocator.Retained.Blocks > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(20);
        }

        Assert.Equal((0, 0L), allocator.Retained);
    }

    [Fact]
    public void FramesDecodedIntoAReusedBlockMatchFreshOnes()
    {
        // A large frame leaves its pixels in the block; a smaller image decoded next into the same block must not
        // show any of them, whatever the decoder leaves unwritten.
        byte[] large = Png(1700, 1000, seed: 1);
        byte[] small = Png(1500, 1000, seed: 2);
        var allocator = new RetainingMemoryAllocator(MemoryAllocator.Default);
        Configuration contiguous = Configuration.Default.Clone();
        contiguous.PreferContiguousImageBuffers = true;
        contiguous.MemoryAllocator = allocator;

        using (Image<Rgb24> first = Image.Load<Rgb24>(contiguous, large))
        {
            Assert.Equal(0, allocator.Retained.Blocks);
        }

        Assert.Equal(1, allocator.Retained.Blocks);
        using Image<Rgb24> reused = Image.Load<Rgb24>(contiguous, small);
        Assert.Equal(0, allocator.Retained.Blocks);
        using Image<Rgb24> fresh = Image.Load<Rgb24>(small);
        Assert.True(reused.DangerousTryGetSinglePixelMemory(out Memory<Rgb24> pixels));
        var expected = new Rgb24[fresh.Width * fresh.Height];
        fresh.CopyPixelDataTo(expected);
        Assert.True(pixels.Span.SequenceEqual(expected));

        allocator.ReleaseRetainedResources();
    }

    private static unsafe IntPtr Address<T>(IMemoryOwner<T> owner)
    {
        using MemoryHandle handle = owner.Memory.Pin();
        return new IntPtr(handle.Pointer);
    }

    private static byte[] Png(int width, int height, int seed)
    {
        var random = new Random(seed);
        byte[] samples = new byte[width * height * 3];
        random.NextBytes(samples);
        using var image = Image.LoadPixelData<Rgb24>(samples, width, height);
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder { CompressionLevel = PngCompressionLevel.BestSpeed });
        return stream.ToArray();
    }
}
