using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using SixLabors.ImageSharp.Memory;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// ImageSharp's allocator for frames decoded into one contiguous buffer. ImageSharp's own allocator pools buffers
/// of up to 4 MB; a larger one (a decoded frame of over 1.4 MP in RGB) it takes from the system and gives back when
/// the image is disposed, so every image faults its frame in afresh, page by page, and clears it. This allocator
/// keeps such blocks when they are released and hands them to the next frame that fits. Blocks unused for
/// <see cref="IdleRelease"/> go back to the system, as do all of them on <see cref="ReleaseRetainedResources"/>; at
/// most <see cref="MaxRetainedBlocks"/> blocks and <see cref="MaxRetainedBytes"/> are kept. Smaller buffers go to
/// ImageSharp's allocator.
/// </summary>
internal sealed class RetainingMemoryAllocator : MemoryAllocator
{
    /// <summary>ImageSharp's pool block: buffers up to this size are pooled by ImageSharp itself.</summary>
    internal const int SmallLimitBytes = 4 << 20;

    private readonly MemoryAllocator small;
    private readonly object gate = new();
    private readonly List<Block> idle = new();
    private readonly Timer trimTimer;
    private long idleBytes;
    private bool timerRunning;

    /// <param name="small">ImageSharp's allocator, for buffers of up to 4 MB.</param>
    /// <param name="idleRelease">How long a released block is kept for a next frame; 10 seconds by default.</param>
    public RetainingMemoryAllocator(MemoryAllocator small, TimeSpan? idleRelease = null)
    {
        this.small = small ?? throw new ArgumentNullException(nameof(small));
        IdleRelease = idleRelease ?? TimeSpan.FromSeconds(10);
        trimTimer = new Timer(_ => Trim(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>How long a released block is kept for a next frame.</summary>
    public TimeSpan IdleRelease { get; }

    /// <summary>Two blocks per processor: the frames the module converts at once, with room for a -ThrottleLimit above it.</summary>
    public static int MaxRetainedBlocks { get; } = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>Released blocks kept at most, in bytes, all together: an eighth of the memory the process may use, at most 1 GB.</summary>
    public static long MaxRetainedBytes { get; } = MemoryGate.RetainedLimit();

    /// <summary>Blocks kept now, and their bytes (for tests).</summary>
    internal (int Blocks, long Bytes) Retained
    {
        get
        {
            lock (gate)
            {
                return (idle.Count, idleBytes);
            }
        }
    }

    public override IMemoryOwner<T> Allocate<T>(int length, AllocationOptions options = AllocationOptions.None)
    {
        if (length < 0)
        {
            throw new InvalidMemoryOperationException($"Attempted to allocate a buffer of negative length={length}.");
        }

        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (bytes <= SmallLimitBytes)
        {
            return small.Allocate<T>(length, options);
        }

        if (bytes > int.MaxValue)
        {
            throw new InvalidMemoryOperationException($"Attempted to allocate a buffer of {bytes} bytes, over the limit of {int.MaxValue}.");
        }

        Block block = Take(bytes) ?? Block.Allocate(bytes);
        var owner = new Owner<T>(this, block, length);
        if ((options & AllocationOptions.Clean) != 0)
        {
            owner.GetSpan().Clear();
        }

        return owner;
    }

    public override void ReleaseRetainedResources()
    {
        List<Block> released;
        lock (gate)
        {
            released = new List<Block>(idle);
            idle.Clear();
            idleBytes = 0;
        }

        foreach (Block block in released)
        {
            block.Free();
        }

        small.ReleaseRetainedResources();
    }

    protected override int GetBufferCapacityInBytes() => SmallLimitBytes;

    /// <summary>The smallest idle block that holds <paramref name="bytes"/>, or null.</summary>
    private Block? Take(long bytes)
    {
        lock (gate)
        {
            int best = -1;
            for (int i = 0; i < idle.Count; i++)
            {
                if (idle[i].Bytes >= bytes && (best < 0 || idle[i].Bytes < idle[best].Bytes))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                return null;
            }

            Block block = idle[best];
            idle.RemoveAt(best);
            idleBytes -= block.Bytes;
            return block;
        }
    }

    private void Return(Block block)
    {
        lock (gate)
        {
            block.ReleasedAt = Milliseconds();
            idle.Add(block);
            idleBytes += block.Bytes;

            // Over either limit, the smallest block goes first: a large frame is the costlier one to fault in again.
            while (idle.Count > MaxRetainedBlocks || idleBytes > MaxRetainedBytes)
            {
                int smallest = 0;
                for (int i = 1; i < idle.Count; i++)
                {
                    if (idle[i].Bytes < idle[smallest].Bytes)
                    {
                        smallest = i;
                    }
                }

                Block evicted = idle[smallest];
                idle.RemoveAt(smallest);
                idleBytes -= evicted.Bytes;
                evicted.Free();
            }

            if (!timerRunning && idle.Count > 0)
            {
                timerRunning = true;
                trimTimer.Change(IdleRelease, IdleRelease);
            }
        }
    }

    /// <summary>Frees the blocks released over <see cref="IdleRelease"/> ago; stops the timer when none is left.</summary>
    private void Trim()
    {
        var expired = new List<Block>();
        lock (gate)
        {
            long now = Milliseconds();
            for (int i = idle.Count - 1; i >= 0; i--)
            {
                if (now - idle[i].ReleasedAt >= (long)IdleRelease.TotalMilliseconds)
                {
                    expired.Add(idle[i]);
                    idleBytes -= idle[i].Bytes;
                    idle.RemoveAt(i);
                }
            }

            if (idle.Count == 0 && timerRunning)
            {
                timerRunning = false;
                trimTimer.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }

        foreach (Block block in expired)
        {
            block.Free();
        }
    }

    private static long Milliseconds() => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;

    /// <summary>Native memory outside the managed heap, as ImageSharp's own large buffers are.</summary>
    private sealed class Block
    {
        private IntPtr pointer;

        private Block(IntPtr pointer, long bytes)
        {
            this.pointer = pointer;
            Bytes = bytes;
        }

        ~Block() => Free();

        public long Bytes { get; }

        public IntPtr Pointer => pointer;

        public long ReleasedAt { get; set; }

        /// <summary>
        /// A block of the next power of two, so it fits the next frames of a batch whose images differ in size. The
        /// system commits a page when it is first written, so the part no frame has used costs address space only.
        /// </summary>
        public static Block Allocate(long bytes)
        {
            long capacity = Math.Min(int.MaxValue, RoundUpToPowerOfTwo(bytes));
            var block = new Block(Marshal.AllocHGlobal(new IntPtr(capacity)), capacity);
            GC.AddMemoryPressure(capacity);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                // A 12 MP frame is 9,000 pages of 4 KB, each faulted in when first written (ImageSharp clears a
                // frame before decoding into it); in 2 MB pages, 18.
                Libc.PreferHugePages(block.Pointer, capacity);
            }

            return block;
        }

        private static long RoundUpToPowerOfTwo(long value)
        {
            long power = 1;
            while (power < value)
            {
                power <<= 1;
            }

            return power;
        }

        public void Free()
        {
            IntPtr p = Interlocked.Exchange(ref pointer, IntPtr.Zero);
            if (p != IntPtr.Zero)
            {
                Marshal.FreeHGlobal(p);
                GC.RemoveMemoryPressure(Bytes);
                GC.SuppressFinalize(this);
            }
        }
    }

    /// <summary>One allocation's view of a block; disposing it hands the block back (once).</summary>
    private sealed unsafe class Owner<T> : MemoryManager<T>
        where T : struct
    {
        private readonly RetainingMemoryAllocator allocator;
        private readonly int length;
        private readonly Memory<T> memory;
        private Block? block;

        public Owner(RetainingMemoryAllocator allocator, Block block, int length)
        {
            this.allocator = allocator;
            this.block = block;
            this.length = length;
            memory = CreateMemory(length);
        }

        // ImageSharp asks for a frame's memory, and then its span, for every row it reads or writes: hundreds of thousands
        // of times for a 12 MP JPEG. Both are optimised from the first call (Jit.HotLoop), and the memory is made once:
        // at tier 0, as the first images of a session ran them, the base class's Memory (a new Memory<T> and a span each
        // time) and this GetSpan took about 30 ms of each 12 MP call.
        public override Memory<T> Memory
        {
            [MethodImpl(Jit.HotLoop)]
            get => block is null ? throw new ObjectDisposedException(nameof(RetainingMemoryAllocator)) : memory;
        }

        [MethodImpl(Jit.HotLoop)]
        public override Span<T> GetSpan()
        {
            Block current = block ?? throw new ObjectDisposedException(nameof(RetainingMemoryAllocator));
            return new Span<T>(current.Pointer.ToPointer(), length);
        }

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            if ((uint)elementIndex > (uint)length)
            {
                throw new ArgumentOutOfRangeException(nameof(elementIndex));
            }

            Block current = block ?? throw new ObjectDisposedException(nameof(RetainingMemoryAllocator));
            return new MemoryHandle((byte*)current.Pointer.ToPointer() + ((long)elementIndex * Unsafe.SizeOf<T>()));
        }

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
            Block? released = Interlocked.Exchange(ref block, null);
            if (released is not null)
            {
                allocator.Return(released);
            }
        }
    }
}
