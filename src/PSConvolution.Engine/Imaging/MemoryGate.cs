using System;
using System.Threading;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Holds an image of a batch back until the memory of the images being converted at once, estimated from their
/// headers, leaves room for it in a budget: a folder of large scans on a machine of many cores (or in a container
/// with a memory limit) would otherwise decode as many at once as there are workers, and run out of memory where
/// each fits alone. One image is always let through, however large, so a batch never stalls; the pixel limit
/// (MaxPixels) is what bounds that one.
/// </summary>
public sealed class MemoryGate
{
    private readonly object gate = new();
    private long inFlight;
    private long peak;

    /// <summary>Creates a gate of <paramref name="budget"/> bytes.</summary>
    public MemoryGate(long budget) => Budget = budget;

    /// <summary>The bytes the images in flight may take together.</summary>
    public long Budget { get; }

    /// <summary>The bytes the images now let through take, by their estimates.</summary>
    public long InFlight
    {
        get
        {
            lock (gate)
            {
                return inFlight;
            }
        }
    }

    /// <summary>The most bytes in flight at once so far (for tests).</summary>
    internal long Peak
    {
        get
        {
            lock (gate)
            {
                return peak;
            }
        }
    }

    /// <summary>
    /// The process's gate, which every call shares, since they share the memory: half of what the process may use
    /// (the machine's, or its container's limit, as the garbage collector reports it); without a limit where the
    /// runtime reports none (.NET Framework).
    /// </summary>
    public static MemoryGate Shared { get; } = new(AvailableMemory() is long total and > 0 ? Math.Max(total / 2, 256L << 20) : long.MaxValue);

    /// <summary>
    /// The estimate for an image of <paramref name="frames"/> frames of <paramref name="width"/> x
    /// <paramref name="height"/> pixels of <paramref name="bytesPerPixel"/> bytes as decoded: every decoded frame, one
    /// convolution result beside them, and half a frame again for the decoder's and encoder's buffers (for one frame,
    /// 2.5 times its pixels; measured: 6 to 7 bytes a pixel for an 8-bit RGB JPEG).
    /// </summary>
    public static long Estimate(int width, int height, int bytesPerPixel, int frames = 1) => ((2L * frames) + 3) * width * height * bytesPerPixel / 2;

    /// <summary>Waits until <paramref name="bytes"/> fit beside the images in flight, or none is in flight; then counts them in.</summary>
    /// <exception cref="OperationCanceledException">The batch was stopped while it waited.</exception>
    public IDisposable Enter(long bytes, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            while (inFlight > 0 && inFlight + bytes > Budget)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Woken when an image leaves; the timeout only bounds how late a stop is noticed.
                Monitor.Wait(gate, 100);
            }

            inFlight += bytes;
            peak = Math.Max(peak, inFlight);
        }

        return new Pass(this, bytes);
    }

    private void Leave(long bytes)
    {
        lock (gate)
        {
            inFlight -= bytes;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>
    /// How many bytes of idle buffers a cache may keep for the next image: an eighth of the memory the process may use,
    /// and no more than 1 GB (1 GB where the runtime reports no limit).
    /// </summary>
    internal static long RetainedLimit()
    {
        long total = AvailableMemory();
        return total > 0 ? Math.Min(1L << 30, total / 8) : 1L << 30;
    }

    // The memory the process may use, as the garbage collector reports it (the machine's, or its container's limit);
    // 0 where the runtime reports none. GC.GetGCMemoryInfo is .NET Core 3.0's; the netstandard2.0 build finds it where
    // the runtime has it.
    internal static long AvailableMemory()
    {
#if NET8_0_OR_GREATER
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
#else
        object? info = typeof(GC).GetMethod("GetGCMemoryInfo", Type.EmptyTypes)?.Invoke(null, null);
        return info?.GetType().GetProperty("TotalAvailableMemoryBytes")?.GetValue(info) is long bytes ? bytes : 0;
#endif
    }

    private sealed class Pass : IDisposable
    {
        private MemoryGate? owner;
        private readonly long bytes;

        public Pass(MemoryGate owner, long bytes)
        {
            this.owner = owner;
            this.bytes = bytes;
        }

        public void Dispose() => Interlocked.Exchange(ref owner, null)?.Leave(bytes);
    }
}
