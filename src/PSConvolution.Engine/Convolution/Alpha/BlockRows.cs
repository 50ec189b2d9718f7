using System;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>The padded alpha rows an output row's windows cover, with their chunk values.</summary>
internal readonly ref struct BlockRows
{
    public BlockRows(byte[] padded, int paddedLength, int[] chunkAlpha, int chunks, int first, int count)
    {
        Padded = padded;
        PaddedLength = paddedLength;
        ChunkAlpha = chunkAlpha;
        Chunks = chunks;
        First = first;
        Count = count;
    }

    public byte[] Padded { get; }

    public int PaddedLength { get; }

    public int[] ChunkAlpha { get; }

    public int Chunks { get; }

    public int First { get; }

    public int Count { get; }

    public ReadOnlySpan<byte> Row(int i) => Padded.AsSpan((First + i) * PaddedLength, PaddedLength);

    public int ChunkValue(int i, int k) => ChunkAlpha[((First + i) * Chunks) + k];
}
