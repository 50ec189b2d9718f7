using System;
using System.Buffers;
using System.IO;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// A seekable memory stream over arrays rented from the shared pool. An encoded image is gathered here so its
/// header can be mended before it is written out; a <see cref="MemoryStream"/> would allocate a fresh array at
/// every doubling and again for <c>ToArray</c>, and each fresh array of a few megabytes is faulted in page by page.
/// </summary>
internal sealed class PooledBufferStream : Stream
{
    private byte[] buffer;
    private int length;
    private int position;

    public PooledBufferStream(int capacity) => buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 4096));

    /// <summary>The bytes written so far (valid until the stream is disposed or written to again).</summary>
    public ArraySegment<byte> Written => new(buffer, 0, length);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = value is >= 0 and <= int.MaxValue ? (int)value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] destination, int offset, int count)
    {
        int n = Math.Max(0, Math.Min(count, length - position));
        Buffer.BlockCopy(buffer, position, destination, offset, n);
        position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };
        return position;
    }

    public override void SetLength(long value)
    {
        if (value is < 0 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value));
        }

        Reserve((int)value);
        if (value > length)
        {
            Array.Clear(buffer, length, (int)value - length);
        }

        length = (int)value;
        position = Math.Min(position, length);
    }

    public override void Write(byte[] source, int offset, int count) => Write(new ReadOnlySpan<byte>(source, offset, count));

#if NET8_0_OR_GREATER
    public override void Write(ReadOnlySpan<byte> source)
#else
    public void Write(ReadOnlySpan<byte> source)
#endif
    {
        source.CopyTo(Extend(source.Length));
    }

    public override void WriteByte(byte value) => Extend(1)[0] = value;

    protected override void Dispose(bool disposing)
    {
        byte[] rented = buffer;
        buffer = Array.Empty<byte>();
        length = position = 0;
        if (rented.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        base.Dispose(disposing);
    }

    /// <summary>Makes room for <paramref name="count"/> bytes at the position and moves past them.</summary>
    private Span<byte> Extend(int count)
    {
        if (buffer.Length == 0)
        {
            throw new ObjectDisposedException(nameof(PooledBufferStream));
        }

        int start = position;
        int end = checked(start + count);
        Reserve(end);
        if (start > length)
        {
            // Written past the end after a seek: the gap reads as zeros, as in a MemoryStream.
            Array.Clear(buffer, length, start - length);
        }

        position = end;
        length = Math.Max(length, end);
        return buffer.AsSpan(start, count);
    }

    private void Reserve(int size)
    {
        if (size <= buffer.Length)
        {
            return;
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(size, (int)Math.Min(int.MaxValue, 2L * buffer.Length)));
        Buffer.BlockCopy(buffer, 0, larger, 0, length);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }
}
