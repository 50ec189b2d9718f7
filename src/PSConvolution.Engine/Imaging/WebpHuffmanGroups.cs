using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Whether a lossless WebP bitstream (a VP8L chunk, or an ALPH chunk compressed losslessly) is sound as far as its
/// Huffman-code groups. ImageSharp 2.1.13 sizes one table for all of them, 8 bytes × up to 5,000 entries a group,
/// from the largest group index in the stream's entropy image, before it reads a single code, and it reads past
/// damage and past the end of the data as if zeros followed: 263-byte files declared 65,025 groups and committed
/// 2.6 GB. Every group is five codes of at least four bits each, so a stream with fewer than 20 bits left per
/// declared group is damaged. This reads the stream as libwebp does (strictly: a code must be complete, a length
/// must fit its alphabet, the data must not end) as far as the entropy image and no further.
/// </summary>
internal static class WebpHuffmanGroups
{
    private const int ColorCacheLengthCodes = 24;
    private const int LiteralCodes = 256;
    private const int DistanceCodes = 40;
    private const int CodeLengthCodes = 19;

    private static readonly byte[] CodeLengthOrder = { 17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

    // Distance codes 1-120 as (y, 8 - x) offsets in nibbles, from the VP8L specification.
    private static readonly byte[] CodeToPlane =
    {
        0x18, 0x07, 0x17, 0x19, 0x28, 0x06, 0x27, 0x29, 0x16, 0x1a, 0x26, 0x2a, 0x38, 0x05, 0x37, 0x39, 0x15, 0x1b, 0x36, 0x3a,
        0x25, 0x2b, 0x48, 0x04, 0x47, 0x49, 0x14, 0x1c, 0x35, 0x3b, 0x46, 0x4a, 0x24, 0x2c, 0x58, 0x45, 0x4b, 0x34, 0x3c, 0x03,
        0x57, 0x59, 0x13, 0x1d, 0x56, 0x5a, 0x23, 0x2d, 0x44, 0x4c, 0x55, 0x5b, 0x33, 0x3d, 0x68, 0x02, 0x67, 0x69, 0x12, 0x1e,
        0x66, 0x6a, 0x22, 0x2e, 0x54, 0x5c, 0x43, 0x4d, 0x65, 0x6b, 0x32, 0x3e, 0x78, 0x01, 0x77, 0x79, 0x53, 0x5d, 0x11, 0x1f,
        0x64, 0x6c, 0x42, 0x4e, 0x76, 0x7a, 0x21, 0x2f, 0x75, 0x7b, 0x31, 0x3f, 0x63, 0x6d, 0x52, 0x5e, 0x00, 0x74, 0x7c, 0x41,
        0x4f, 0x10, 0x20, 0x62, 0x6e, 0x30, 0x73, 0x7d, 0x51, 0x5f, 0x40, 0x72, 0x7e, 0x61, 0x6f, 0x50, 0x71, 0x7f, 0x60, 0x70,
    };

    /// <summary>The fewest bits a group of five Huffman codes can take: five one-symbol simple codes.</summary>
    public const int MinimumGroupBits = 5 * 4;

    /// <summary>
    /// What is wrong with a lossless bitstream of the WebP file in <paramref name="stream"/>, up to its Huffman
    /// groups, or null when nothing is (or the file has none). The stream is read from the start; its position is
    /// not restored.
    /// </summary>
    public static string? Damage(Stream stream) => Damage(stream, out _);

    /// <summary>The same, with the most Huffman groups a sound stream of the file declares (0 when none is read).</summary>
    public static string? Damage(Stream stream, out int groups)
    {
        groups = 0;
        var header = new byte[12];
        stream.Position = 0;
        if (Read(stream, header) < 12 || !Is(header, 0, "RIFF") || !Is(header, 8, "WEBP"))
        {
            return null;
        }

        int canvasWidth = 0, canvasHeight = 0;
        var chunkHeader = new byte[8];
        while (Read(stream, chunkHeader) == 8)
        {
            // A chunk cut short is read as far as the file goes, as ImageSharp reads it.
            long declared = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader.AsSpan(4));
            long size = Math.Min(declared, stream.Length - stream.Position);
            long next = stream.Position + declared + (declared & 1);

            string? damage = null;
            if (Is(chunkHeader, 0, "VP8X") && size >= 10)
            {
                var extended = new byte[10];
                Read(stream, extended);
                canvasWidth = 1 + (extended[4] | (extended[5] << 8) | (extended[6] << 16));
                canvasHeight = 1 + (extended[7] | (extended[8] << 8) | (extended[9] << 16));
            }
            else if (Is(chunkHeader, 0, "VP8L") && size >= 5)
            {
                damage = Groups(new BitReader(stream, size), withHeader: true, 0, 0, ref groups);
            }
            else if (Is(chunkHeader, 0, "ALPH") && size >= 1 && canvasWidth > 0 && (stream.ReadByte() & 3) == 1)
            {
                // An alpha chunk's first byte says how it is compressed; 1 is a VP8L stream without its header.
                damage = Groups(new BitReader(stream, size - 1), withHeader: false, canvasWidth, canvasHeight, ref groups);
            }

            if (damage is not null)
            {
                return damage;
            }

            // A chunk that claims to run past the end ends the walk (a memory stream cannot be placed there).
            if (next >= stream.Length)
            {
                break;
            }

            stream.Position = next;
        }

        return null;
    }

    // What is wrong with one stream, read as far as its groups; null when nothing is.
    private static string? Groups(BitReader bits, bool withHeader, int width, int height, ref int most)
    {
        try
        {
            if (withHeader)
            {
                if (bits.Read(8) != 0x2f)
                {
                    return null;
                }

                width = bits.Read(14) + 1;
                height = bits.Read(14) + 1;
                bits.Read(4); // alpha hint and version
            }

            // The transforms, each at most once; their sub-images are read only to get past them.
            int xSize = width;
            int seen = 0;
            while (bits.Read(1) == 1)
            {
                int type = bits.Read(2);
                if ((seen & (1 << type)) != 0)
                {
                    throw new InvalidDataException();
                }

                seen |= 1 << type;
                if (type is 0 or 1)
                {
                    int sizeBits = bits.Read(3) + 2;
                    SubImage(ref bits, Shrink(xSize, sizeBits), Shrink(height, sizeBits));
                }
                else if (type == 3)
                {
                    int colours = bits.Read(8) + 1;
                    SubImage(ref bits, colours, 1);
                    xSize = Shrink(xSize, colours > 16 ? 0 : colours > 4 ? 1 : colours > 2 ? 2 : 3);
                }
            }

            // The main image: a colour cache, then (level 0 only) the meta prefix codes and their entropy image,
            // whose green and red bytes are each tile's group.
            if (bits.Read(1) == 1 && bits.Read(4) is < 1 or > 11)
            {
                throw new InvalidDataException();
            }

            if (bits.Read(1) == 0)
            {
                most = Math.Max(most, 1); // one group for the whole image
                return null;
            }

            int huffmanBits = bits.Read(3) + 2;
            uint[] entropy = SubImage(ref bits, Shrink(xSize, huffmanBits), Shrink(height, huffmanBits));
            int largest = 0;
            foreach (uint pixel in entropy)
            {
                largest = Math.Max(largest, (int)((pixel >> 8) & 0xffff));
            }

            long groups = largest + 1L;
            most = (int)Math.Max(most, groups);
            return groups * MinimumGroupBits <= bits.Remaining ? null
                : "its lossless data declares " + groups.ToString("N0", CultureInfo.InvariantCulture) + " Huffman code groups, more than the rest of the file can hold";
        }
        catch (EndOfStreamException)
        {
            return "its lossless image data ends early";
        }
        catch (InvalidDataException)
        {
            return "its lossless image data breaks the VP8L format";
        }
    }

    private static int Shrink(int size, int bits) => (size + (1 << bits) - 1) >> bits;

    // An entropy-coded image without meta prefix codes: a colour cache, five Huffman codes, then the pixels as
    // literals, backward references and colour-cache entries.
    private static uint[] SubImage(ref BitReader bits, int width, int height)
    {
        long count = (long)width * height;
        int cacheBits = 0;
        if (bits.Read(1) == 1)
        {
            cacheBits = bits.Read(4);
            if (cacheBits is < 1 or > 11)
            {
                throw new InvalidDataException();
            }
        }

        var green = new Huffman(ref bits, LiteralCodes + ColorCacheLengthCodes + (cacheBits > 0 ? 1 << cacheBits : 0));
        var red = new Huffman(ref bits, LiteralCodes);
        var blue = new Huffman(ref bits, LiteralCodes);
        var alpha = new Huffman(ref bits, LiteralCodes);
        var distance = new Huffman(ref bits, DistanceCodes);
        uint[] cache = cacheBits > 0 ? new uint[1 << cacheBits] : Array.Empty<uint>();
        var pixels = new uint[count];
        int done = 0;
        int cached = 0;
        while (done < pixels.Length)
        {
            int code = green.Decode(ref bits);
            if (code < LiteralCodes)
            {
                int r = red.Decode(ref bits), b = blue.Decode(ref bits), a = alpha.Decode(ref bits);
                pixels[done++] = ((uint)a << 24) | ((uint)r << 16) | ((uint)code << 8) | (uint)b;
            }
            else if (code < LiteralCodes + ColorCacheLengthCodes)
            {
                int length = PrefixValue(ref bits, code - LiteralCodes);
                int plane = PrefixValue(ref bits, distance.Decode(ref bits));
                int back = PlaneToDistance(width, plane);
                if (back > done || length > pixels.Length - done)
                {
                    throw new InvalidDataException();
                }

                for (int i = 0; i < length; i++, done++)
                {
                    pixels[done] = pixels[done - back];
                }
            }
            else
            {
                int index = code - LiteralCodes - ColorCacheLengthCodes;
                if (index >= cache.Length)
                {
                    throw new InvalidDataException();
                }

                pixels[done++] = cache[index];
            }

            for (; cache.Length > 0 && cached < done; cached++)
            {
                cache[(int)((0x1e35a7bdu * pixels[cached]) >> (32 - cacheBits))] = pixels[cached];
            }
        }

        return pixels;
    }

    private static int PrefixValue(ref BitReader bits, int prefix)
    {
        if (prefix < 4)
        {
            return prefix + 1;
        }

        int extra = (prefix - 2) >> 1;
        int offset = (2 + (prefix & 1)) << extra;
        return offset + bits.Read(extra) + 1;
    }

    private static int PlaneToDistance(int width, int plane)
    {
        if (plane > 120)
        {
            return plane - 120;
        }

        int code = CodeToPlane[plane - 1];
        int distance = ((code >> 4) * width) + (8 - (code & 0xf));
        return Math.Max(distance, 1);
    }

    private static int Read(Stream stream, byte[] buffer)
    {
        int total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static bool Is(byte[] data, int at, string tag)
        => data[at] == tag[0] && data[at + 1] == tag[1] && data[at + 2] == tag[2] && data[at + 3] == tag[3];

    /// <summary>
    /// The bits of a VP8L stream of <c>bytes</c> bytes from the stream's position, least significant first, read a
    /// byte at a time as they are needed (the check stops long before a large image's pixels); reading past the end
    /// breaks the format.
    /// </summary>
    private struct BitReader
    {
        private readonly Stream stream;
        private readonly long length;
        private long position;
        private int current;

        public BitReader(Stream stream, long bytes)
        {
            this.stream = stream;
            length = bytes * 8;
            position = 0;
            current = 0;
        }

        public readonly long Remaining => length - position;

        public int Read(int count)
        {
            if (count > Remaining)
            {
                throw new EndOfStreamException();
            }

            int value = 0;
            for (int i = 0; i < count; i++, position++)
            {
                if ((position & 7) == 0)
                {
                    current = stream.ReadByte();
                    if (current < 0)
                    {
                        throw new EndOfStreamException();
                    }
                }

                value |= ((current >> (int)(position & 7)) & 1) << i;
            }

            return value;
        }
    }

    /// <summary>A canonical Huffman code read as VP8L writes it, decoded a bit at a time.</summary>
    private readonly struct Huffman
    {
        private readonly int[] counts;   // codes of each length, 0-15
        private readonly int[] symbols;  // symbols ordered by code length, then value
        private readonly int single;     // the symbol of a code with one symbol (no bits), else -1

        public Huffman(ref BitReader bits, int alphabet)
        {
            var lengths = new int[alphabet];
            if (bits.Read(1) == 1)
            {
                // A simple code: one or two symbols.
                // Symbols past the alphabet are left out of the code, as libwebp leaves them.
                int count = bits.Read(1) + 1;
                int first = bits.Read(bits.Read(1) == 1 ? 8 : 1);
                if (first < alphabet)
                {
                    lengths[first] = 1;
                }

                int second = count == 2 ? bits.Read(8) : alphabet;
                if (second < alphabet)
                {
                    lengths[second] = 1;
                }
            }
            else
            {
                var codeLengthLengths = new int[CodeLengthCodes];
                int n = bits.Read(4) + 4;
                for (int i = 0; i < n; i++)
                {
                    codeLengthLengths[CodeLengthOrder[i]] = bits.Read(3);
                }

                var lengthCode = new Huffman(codeLengthLengths);
                int maxSymbol = alphabet;
                if (bits.Read(1) == 1)
                {
                    int lengthBits = 2 + (2 * bits.Read(3));
                    maxSymbol = 2 + bits.Read(lengthBits);
                    if (maxSymbol > alphabet)
                    {
                        throw new InvalidDataException();
                    }
                }

                int previous = 8;
                for (int symbol = 0; symbol < alphabet && maxSymbol-- > 0;)
                {
                    int code = lengthCode.Decode(ref bits);
                    if (code < 16)
                    {
                        lengths[symbol++] = code;
                        previous = code != 0 ? code : previous;
                        continue;
                    }

                    int repeat = code switch { 16 => 3 + bits.Read(2), 17 => 3 + bits.Read(3), _ => 11 + bits.Read(7) };
                    if (symbol + repeat > alphabet)
                    {
                        throw new InvalidDataException();
                    }

                    for (int i = 0; i < repeat; i++)
                    {
                        lengths[symbol++] = code == 16 ? previous : 0;
                    }
                }
            }

            this = new Huffman(lengths);
        }

        private Huffman(int[] lengths)
        {
            counts = new int[16];
            int used = 0;
            int last = -1;
            foreach (int length in lengths)
            {
                counts[length]++;
            }

            symbols = new int[lengths.Length];
            var next = new int[16];
            for (int length = 1; length < 16; length++)
            {
                next[length] = next[length - 1] + (length > 1 ? counts[length - 1] : 0);
            }

            for (int symbol = 0; symbol < lengths.Length; symbol++)
            {
                if (lengths[symbol] != 0)
                {
                    symbols[next[lengths[symbol]]++] = symbol;
                    used++;
                    last = symbol;
                }
            }

            counts[0] = 0;
            single = used == 1 ? last : -1;

            // A code of two or more symbols must be complete (Kraft sum 1), as libwebp requires.
            long kraft = 0;
            for (int length = 1; length < 16; length++)
            {
                kraft += (long)counts[length] << (15 - length);
            }

            if (used == 0 || (used > 1 && kraft != 1L << 15))
            {
                throw new InvalidDataException();
            }
        }

        public int Decode(ref BitReader bits)
        {
            if (single >= 0)
            {
                return single;
            }

            // Canonical decoding: codes of each length follow those of the length before, read a bit at a time.
            int code = 0, first = 0, index = 0;
            for (int length = 1; length < 16; length++)
            {
                code |= bits.Read(1);
                int count = counts[length];
                if (code - first < count)
                {
                    return symbols[index + (code - first)];
                }

                index += count;
                first = (first + count) << 1;
                code <<= 1;
            }

            throw new InvalidDataException();
        }
    }
}
