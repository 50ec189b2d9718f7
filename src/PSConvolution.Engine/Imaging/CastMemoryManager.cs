using System;
using System.Buffers;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Views a <see cref="Memory{T}"/> of pixels as memory of their samples (bytes or 16-bit words), so the engine
/// reads and writes a decoded image where it lies, without a copy.
/// </summary>
internal sealed class CastMemoryManager<TFrom, TTo> : MemoryManager<TTo>
    where TFrom : unmanaged
    where TTo : unmanaged
{
    private readonly Memory<TFrom> source;

    public CastMemoryManager(Memory<TFrom> source) => this.source = source;

    public override Span<TTo> GetSpan() => MemoryMarshal.Cast<TFrom, TTo>(source.Span);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if (elementIndex != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(elementIndex), "Only the start of the memory can be pinned.");
        }

        return source.Pin();
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
