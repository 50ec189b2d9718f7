using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>
/// A small ring of rows (floats, or 16-bit integers on the integer path) keyed by source row index, stored one after
/// another in a single buffer, so each source row is converted (and, for separable kernels, filtered horizontally) once per band, and every tap of a
/// 2-D kernel is an offset into one span. Oldest rows are evicted first; a miss only costs recomputation.
/// </summary>
internal sealed class RowCache<T> : IDisposable
    where T : unmanaged
{
    private readonly T[] buffer;
    private readonly int[] keys;
    private int next;

    public RowCache(int slots, int rowLength)
    {
        RowLength = Math.Max(1, rowLength);
        buffer = ArrayPool<T>.Shared.Rent(checked(slots * RowLength));
        keys = new int[slots];
        keys.AsSpan().Fill(int.MinValue);
    }

    /// <summary>Samples per row, of whatever type the path caches.</summary>
    public int RowLength { get; }

    /// <summary>Every row, one after another: slot s starts at s * <see cref="RowLength"/>.</summary>
    public ReadOnlySpan<T> All => buffer.AsSpan(0, keys.Length * RowLength);

    /// <summary>The slot holding a key, or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Find(int key)
    {
        for (int i = 0; i < keys.Length; i++)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Takes the oldest slot for a new key, skipping the slots in <paramref name="inUse"/> (rows the current
    /// output row still reads); the caller fills <see cref="Row"/> of it.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public int Claim(int key, ReadOnlySpan<int> inUse)
    {
        int slot = next;
        while (inUse.Contains(slot))
        {
            slot = (slot + 1) % keys.Length;
        }

        next = (slot + 1) % keys.Length;
        keys[slot] = key;
        return slot;
    }

    /// <summary>
    /// The slot holding <paramref name="key"/>; when it is not cached, a newly claimed slot (never one of
    /// <paramref name="inUse"/>) with <paramref name="fresh"/> set, for the caller to fill.
    /// </summary>
    public int Acquire(int key, ReadOnlySpan<int> inUse, out bool fresh)
    {
        int slot = Find(key);
        fresh = slot < 0;
        return fresh ? Claim(key, inUse) : slot;
    }

    /// <summary>The row in a slot.</summary>
    public Span<T> Row(int slot) => buffer.AsSpan(slot * RowLength, RowLength);

    public void Dispose() => ArrayPool<T>.Shared.Return(buffer);
}
