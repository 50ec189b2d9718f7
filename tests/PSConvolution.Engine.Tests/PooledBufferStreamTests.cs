using System;
using System.IO;
using System.Linq;
using Xunit;
using PSConvolution.Engine.Imaging;

namespace PSConvolution.Engine.Tests;

public sealed class PooledBufferStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void WritesSeeksAndLengthsEndAsAMemoryStreamsDo(int seed)
    {
        // Encoders write forward, seek back to patch sizes, and write past the end: the same operations on a
        // MemoryStream give the bytes the pooled stream must hold, across several growths of its array.
        // Pooled arrays come back holding what their last user left: leave garbage in them first.
        for (int size = 16; size <= 1 << 21; size *= 2)
        {
            byte[] used = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
            used.AsSpan().Fill(0xCD);
            System.Buffers.ArrayPool<byte>.Shared.Return(used);
        }

        var random = new Random(seed);
        using var expected = new MemoryStream();
        using var pooled = new PooledBufferStream(16);
        for (int step = 0; step < 400; step++)
        {
            switch (random.Next(6))
            {
                case 0:
                case 1:
                    byte[] chunk = new byte[random.Next(1, 3000)];
                    random.NextBytes(chunk);
                    int offset = random.Next(chunk.Length);
                    expected.Write(chunk, offset, chunk.Length - offset);
                    pooled.Write(chunk, offset, chunk.Length - offset);
                    break;
                case 2:
                    byte value = (byte)random.Next(256);
                    expected.WriteByte(value);
                    pooled.WriteByte(value);
                    break;
                case 3:
                    // Half the seeks go past the end, so the next write leaves a gap.
                    long target = random.Next(2) == 0 ? random.Next((int)expected.Length + 1) : expected.Length + random.Next(1, 50);
                    Assert.Equal(expected.Seek(target, SeekOrigin.Begin), pooled.Seek(target, SeekOrigin.Begin));
                    break;
                case 4:
                    long backwards = -random.Next((int)expected.Position + 1);
                    Assert.Equal(expected.Seek(backwards, SeekOrigin.Current), pooled.Seek(backwards, SeekOrigin.Current));
                    break;
                default:
                    if (random.Next(8) == 0)
                    {
                        long size = random.Next((int)expected.Length + 100);
                        expected.SetLength(size);
                        pooled.SetLength(size);
                    }

                    break;
            }

            Assert.Equal(expected.Length, pooled.Length);
            Assert.Equal(expected.Position, pooled.Position);
        }

        ArraySegment<byte> written = pooled.Written;
        Assert.True(expected.ToArray().SequenceEqual(written));

        byte[] back = new byte[expected.Length];
        pooled.Position = 0;
        Assert.Equal(back.Length, pooled.Read(back, 0, back.Length + 10));
        Assert.True(expected.ToArray().SequenceEqual(back));

        // Its array is back in the pool once disposed: writing then must fail, not write into someone else's array.
        pooled.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pooled.WriteByte(1));
    }
}
