using System;
using System.IO;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// A write-only stream that passes everything to another and inserts a block of bytes at one position of the
/// output, however the writes are split: how a chunk an encoder leaves out goes into a file that may be too
/// large to hold in memory.
/// </summary>
internal sealed class InsertingStream : Stream
{
    private readonly Stream inner;
    private readonly long offset;
    private byte[]? insert;
    private long written;

    public InsertingStream(Stream inner, long offset, byte[]? insert)
    {
        this.inner = inner;
        this.offset = offset;
        this.insert = insert;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (insert is not null && written + buffer.Length >= offset)
        {
            int before = (int)(offset - written);
            inner.Write(buffer.Slice(0, before));
            inner.Write(insert);
            insert = null;
            inner.Write(buffer.Slice(before));
        }
        else
        {
            inner.Write(buffer);
        }

        written += buffer.Length;
    }

    public override void WriteByte(byte value)
    {
        Span<byte> one = stackalloc byte[1];
        one[0] = value;
        Write(one);
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
