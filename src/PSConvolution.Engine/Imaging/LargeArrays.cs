using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Arrays of several megabytes (a frame's convolved samples), rented and returned as from
/// <see cref="ArrayPool{T}.Shared"/> but kept in one list for every thread: the shared pool keeps a returned array
/// with the thread that returned it, so four workers taking turns at 48 MP images kept four 144 MB results between
/// them, and in a container of 1 GB the next image ran out of memory. Here an array returned by one worker is the
/// next worker's; at most <see cref="MaxRetainedBytes"/> are kept, and arrays unused for 10 seconds go back to the
/// garbage collector. Requests of up to <see cref="PoolMaxBytes"/> go to the shared pool.
/// </summary>
internal static class LargeArrays<T>
    where T : unmanaged
{
    /// <summary>
    /// Requests of up to this many bytes go to the shared pool, and larger ones are served here. The pool rounds a
    /// request up to a power of two, so its arrays are at most this long (for the engine's samples, whose sizes are
    /// powers of two) and every array kept here is longer: <see cref="Return"/> tells them apart by length. With the
    /// line at 8 MB for both, a request of 4 to 8 MB (a 1.4 to 2.8 MP RGB result) came from the pool as 8 MB, was
    /// kept here on return and never rented again, so each such image took a new array and faulted it in. 1 MB,
    /// because the pool of the netstandard2.0 build on .NET Framework (System.Buffers) keeps no array of over
    /// 1,048,576 elements: above that it hands out a new one every time, and a byte result of 1 to 4 MB (a 0.35 to
    /// 1.4 MP RGB image, in Windows PowerShell) was never reused.
    /// </summary>
    internal const int PoolMaxBytes = 1 << 20;

    private static readonly object Gate = new();
    private static readonly List<(T[] Array, long ReleasedAt)> Idle = new();
    private static readonly Timer TrimTimer = new(_ => Trim(), null, Timeout.Infinite, Timeout.Infinite);
    private static long idleBytes;
    private static bool timerRunning;

    private static readonly long IdleMilliseconds = 10_000;

    /// <summary>
    /// The bytes of idle arrays kept at most: an eighth of the memory the process may use (the machine's, or its
    /// container's limit), and no more than 1 GB.
    /// </summary>
    internal static long MaxRetainedBytes { get; set; } = MemoryGate.RetainedLimit();

    /// <summary>Idle arrays kept now, and their bytes (for tests).</summary>
    internal static (int Arrays, long Bytes) Retained
    {
        get
        {
            lock (Gate)
            {
                return (Idle.Count, idleBytes);
            }
        }
    }

    /// <summary>An array of at least <paramref name="length"/> elements, its content undefined.</summary>
    public static T[] Rent(int length)
    {
        if ((long)length * Unsafe.SizeOf<T>() <= PoolMaxBytes)
        {
            return ArrayPool<T>.Shared.Rent(length);
        }

        lock (Gate)
        {
            // The smallest idle array that holds the length and wastes no more than it.
            int best = -1;
            for (int i = 0; i < Idle.Count; i++)
            {
                int size = Idle[i].Array.Length;
                if (size >= length && size / 2 <= length && (best < 0 || size < Idle[best].Array.Length))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                T[] array = Idle[best].Array;
                Idle.RemoveAt(best);
                idleBytes -= Bytes(array);
                return array;
            }
        }

#if NET8_0_OR_GREATER
        return System.GC.AllocateUninitializedArray<T>(length);
#else
        return new T[length];
#endif
    }

    /// <summary>Gives back an array from <see cref="Rent"/>.</summary>
    public static void Return(T[] array)
    {
        if (Bytes(array) <= PoolMaxBytes)
        {
            ArrayPool<T>.Shared.Return(array);
            return;
        }

        lock (Gate)
        {
            Idle.Add((array, Stopwatch.GetTimestamp()));
            idleBytes += Bytes(array);
            // Over the limit, the oldest goes first.
            while (idleBytes > MaxRetainedBytes && Idle.Count > 0)
            {
                idleBytes -= Bytes(Idle[0].Array);
                Idle.RemoveAt(0);
            }

            if (!timerRunning && Idle.Count > 0)
            {
                timerRunning = true;
                TrimTimer.Change(IdleMilliseconds, IdleMilliseconds);
            }
        }
    }

    /// <summary>Lets go of every idle array.</summary>
    internal static void ReleaseAll()
    {
        lock (Gate)
        {
            Idle.Clear();
            idleBytes = 0;
        }
    }

    private static long Bytes(T[] array) => (long)array.Length * Unsafe.SizeOf<T>();

    private static void Trim()
    {
        lock (Gate)
        {
            long now = Stopwatch.GetTimestamp();
            for (int i = Idle.Count - 1; i >= 0; i--)
            {
                if ((now - Idle[i].ReleasedAt) * 1000 / Stopwatch.Frequency >= IdleMilliseconds)
                {
                    idleBytes -= Bytes(Idle[i].Array);
                    Idle.RemoveAt(i);
                }
            }

            if (Idle.Count == 0 && timerRunning)
            {
                timerRunning = false;
                TrimTimer.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }
    }
}
