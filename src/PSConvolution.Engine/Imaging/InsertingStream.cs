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

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (insert is not null && written + count >= this.offset)
        {
            int before = (int)(this.offset - written);
            inner.Write(buffer, offset, before);
            inner.Write(insert, 0, insert.Length);
            insert = null;
            inner.Write(buffer, offset + before, count - before);
        }
        else
        {
            inner.Write(buffer, offset, count);
        }

        written += count;
    }

    public override void WriteByte(byte value) => Write(new[] { value }, 0, 1);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
