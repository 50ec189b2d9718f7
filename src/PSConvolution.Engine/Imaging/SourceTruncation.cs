using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Webp;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Finds a file cut short: a download that stopped, a copy off a full disk. ImageSharp 2.1 decodes what is there and
/// fills the rest (grey for JPEG, black rows for PNG, GIF, BMP, TGA and Netpbm, smeared blocks for WebP) without a
/// word, so the output would be silently wrong and, with -InPlace, the damage made permanent. Each format's structure
/// says where the file must end: JPEG's end-of-image marker after whole segments and scans, PNG's IEND chunk after
/// whole chunks, GIF's trailer after whole blocks, WebP's RIFF size, and for BMP, TGA and Netpbm the pixel data their
/// headers declare (for run-length TGA, the packets that cover every pixel). Whatever follows that end (a phone's
/// motion photo appends its video to the JPEG) is not the image's. TIFF's strips and tiles are checked where the
/// rest of its directories are read (<see cref="HeaderChecks"/>).
/// </summary>
internal static class SourceTruncation
{
    /// <summary>
    /// The name of the format and what is missing, when a file of <paramref name="format"/> ends before its structure
    /// does; null for a whole file, a format not checked here, or a structure this does not know (left to the
    /// decoder). The stream is left at its start.
    /// </summary>
    public static (string Format, string Missing)? Find(Stream stream, IImageFormat format)
    {
        using var reader = new ForwardReader(stream);
        try
        {
            return format switch
            {
                JpegFormat => Named("JPEG", Jpeg(reader)),
                PngFormat => Named("PNG", Png(reader)),
                GifFormat => Named("GIF", Gif(reader)),
                WebpFormat => Named("WebP", Webp(reader)),
                BmpFormat => Named("BMP", Bmp(reader)),
                TgaFormat => Named("TGA", Tga(reader)),
                PbmFormat => Named("Netpbm", Netpbm(reader)),
                _ => null,
            };
        }
        finally
        {
            stream.Position = 0;
        }
    }

    private static (string, string)? Named(string format, string? missing) => missing is null ? null : (format, missing);

    // After SOI, segments of a marker and a length, up to EOI; each scan's header (SOS) is followed by entropy-coded
    // data, in which 0xFF is always followed by 0x00 (a stuffed byte) or a restart marker, to the next marker.
    private static string? Jpeg(ForwardReader file)
    {
        const string Missing = "its image data ends before the end-of-image marker";
        if (file.Byte() != 0xFF || file.Byte() != 0xD8)
        {
            return null;
        }

        while (true)
        {
            int b = file.Byte();
            if (b != 0xFF)
            {
                // The end, or a byte where a marker belongs: damage the decoder judges as it does.
                return b < 0 ? Missing : null;
            }

            int marker = file.Byte();
            while (marker == 0xFF)
            {
                marker = file.Byte();
            }

            if (marker < 0)
            {
                return Missing;
            }

            if (marker == 0xD9)
            {
                return null;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            int high = file.Byte(), low = file.Byte();
            if (low < 0)
            {
                return Missing;
            }

            int length = (high << 8) | low;
            if (length < 2)
            {
                return null;
            }

            file.Position += length - 2;
            if (file.Position > file.Length || (marker == 0xDA && !file.ToNextMarker()))
            {
                return Missing;
            }
        }
    }

    // After the 8-byte signature, chunks of a length, a type, the data and a CRC, up to IEND.
    private static string? Png(ForwardReader file)
    {
        Span<byte> head = stackalloc byte[8];
        file.Position = 8;
        while (true)
        {
            if (file.Position >= file.Length)
            {
                return "the file ends without the IEND chunk that closes a PNG";
            }

            if (!file.Read(head))
            {
                return "the file ends inside a chunk's header";
            }

            long length = BinaryPrimitives.ReadUInt32BigEndian(head);
            ReadOnlySpan<byte> type = head.Slice(4);
            if (file.Position + length + 4 > file.Length)
            {
                // The type's text only for the message: a large PNG has thousands of IDAT chunks.
                return type.SequenceEqual("IDAT"u8) ? "the file ends inside its image data (an IDAT chunk)" : $"the file ends inside its {System.Text.Encoding.ASCII.GetString(type.ToArray())} chunk";
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return null;
            }

            file.Position += length + 4;
        }
    }

    /// <summary>
    /// The frames a GIF's image blocks make, by walking its blocks as <see cref="Find"/> does (1 at least): what its
    /// decoding holds in memory at once. The stream is left at its start.
    /// </summary>
    public static int GifFrames(Stream stream)
    {
        using var reader = new ForwardReader(stream);
        try
        {
            return Math.Max(1, GifBlocks(reader).Frames);
        }
        finally
        {
            stream.Position = 0;
        }
    }

    private static string? Gif(ForwardReader file) => GifBlocks(file).Missing;

    // After the header and the logical screen descriptor (and its colour table), extension and image blocks, each
    // ending in a chain of sub-blocks closed by an empty one, up to the trailer (0x3B): what is missing, if the file
    // ends first, and the image blocks read whole.
    private static (string? Missing, int Frames) GifBlocks(ForwardReader file)
    {
        file.Position = 10;
        int screen = file.Byte();
        file.Position = 13 + ColourTable(screen);
        for (int frame = 1; ; )
        {
            switch (file.Byte())
            {
                case 0x3B:
                    return (null, frame - 1);
                case -1:
                    return ("the file ends without the trailer that closes a GIF", frame - 1);
                case 0x21:
                    file.Position += 1;
                    if (!SkipSubBlocks(file))
                    {
                        return ("the file ends inside an extension block", frame - 1);
                    }

                    break;
                case 0x2C:
                    file.Position += 8;
                    int flags = file.Byte();
                    file.Position += ColourTable(flags) + 1;
                    if (!SkipSubBlocks(file))
                    {
                        return (frame == 1 ? "the file ends inside its image data" : string.Format(CultureInfo.InvariantCulture, "the file ends inside the image data of frame {0}", frame), frame - 1);
                    }

                    frame++;
                    break;
                default:
                    // Not a block GIF defines: damage, which the decoder reports or reads past as it does.
                    return (null, frame - 1);
            }
        }
    }

    // The bytes of the colour table a GIF screen or image descriptor's flags declare.
    private static int ColourTable(int flags) => flags >= 0 && (flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0;

    // Sub-blocks of a size byte and that many bytes, to the empty one; false where the file ends first.
    private static bool SkipSubBlocks(ForwardReader file)
    {
        while (true)
        {
            int size = file.Byte();
            if (size < 0)
            {
                return false;
            }

            if (size == 0)
            {
                return file.Position <= file.Length;
            }

            file.Position += size;
            if (file.Position > file.Length)
            {
                return false;
            }
        }
    }

    // "RIFF", the size of what follows it, "WEBP".
    private static string? Webp(ForwardReader file)
    {
        Span<byte> head = stackalloc byte[8];
        if (!file.Read(head))
        {
            return null;
        }

        long declared = 8L + BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(4));
        return declared > file.Length ? Short("its RIFF header declares", declared, file.Length) : null;
    }

    // The file header (pixel data offset at 10) and the information header after it: the 12-byte OS/2 one (16-bit
    // sizes) or the Windows ones of 40 bytes and more. Uncompressed rows are padded to 4 bytes, the last one perhaps
    // not; run-length data is as long as the header's image size, where it gives one.
    private static string? Bmp(ForwardReader file)
    {
        Span<byte> head = stackalloc byte[38];
        if (!file.Read(head) || head[0] != (byte)'B' || head[1] != (byte)'M')
        {
            return null;
        }

        long offset = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(10));
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(14));
        long width, height;
        int bits;
        uint compression = 0, imageSize = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(18));
            height = BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(20));
            bits = BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(24));
        }
        else if (headerSize >= 40)
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(head.Slice(18));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(head.Slice(22)));
            bits = BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(28));
            compression = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(30));
            imageSize = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(34));
        }
        else
        {
            return null;
        }

        if (width <= 0 || height <= 0 || bits is not (1 or 2 or 4 or 8 or 16 or 24 or 32 or 48 or 64))
        {
            return null;
        }

        long needed;
        if (compression is 0 or 3 or 6)
        {
            // Rows of whole 32-bit words, but the last row's bytes only: some writers leave its padding out.
            long row = (width * bits) + 7 >> 3;
            long stride = ((width * bits) + 31 >> 5) * 4;
            needed = offset + (stride * (height - 1)) + row;
        }
        else if (compression is 1 or 2 && imageSize > 0)
        {
            needed = offset + imageSize;
        }
        else
        {
            return null;
        }

        return needed > file.Length ? Short("its pixel data needs", needed, file.Length) : null;
    }

    // An 18-byte header (an image ID's length, a colour map's type and size, the image type, width, height and bits a
    // pixel), the ID, the colour map, then the pixels: raw (types 1-3) or in run-length packets (9-11), each a count
    // byte and then one pixel repeated (top bit set) or that many pixels.
    private static string? Tga(ForwardReader file)
    {
        Span<byte> head = stackalloc byte[18];
        if (!file.Read(head))
        {
            return "the file ends inside its header";
        }

        int type = head[2];
        long colourMap = head[1] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(5)) * (long)((head[7] + 7) / 8) : 0;
        long pixels = BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(12)) * (long)BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(14));
        int size = (head[16] + 7) / 8;
        long start = 18 + head[0] + colourMap;
        if (size == 0)
        {
            return null;
        }

        if (type is 1 or 2 or 3)
        {
            long needed = start + (pixels * size);
            return needed > file.Length ? Short("its pixel data needs", needed, file.Length) : null;
        }

        if (type is not (9 or 10 or 11))
        {
            return null;
        }

        file.Position = start;
        for (long left = pixels; left > 0;)
        {
            int packet = file.Byte();
            if (packet < 0)
            {
                break;
            }

            int count = (packet & 0x7F) + 1;
            file.Position += (packet & 0x80) != 0 ? size : (long)count * size;
            left -= count;
            if (left <= 0 && file.Position <= file.Length)
            {
                return null;
            }
        }

        return "the file ends inside its run-length encoded pixel data";
    }

    // "P1" to "P6", then the width, the height and (but for bitmaps) the largest value, as decimal text between white
    // space and comments; after the last of them one white-space byte and binary samples (P4-P6), or samples as text
    // (P1-P3: digits 0 and 1, or decimal numbers).
    private static string? Netpbm(ForwardReader file)
    {
        if (file.Byte() != 'P')
        {
            return null;
        }

        int kind = file.Byte() - '0';
        if (kind is < 1 or > 6)
        {
            return null;
        }

        bool bitmap = kind is 1 or 4;
        long width = Number(file), height = Number(file), max = bitmap ? 1 : Number(file);
        if (width <= 0 || height <= 0 || max <= 0)
        {
            return null;
        }

        long samples = width * height * (kind is 3 or 6 ? 3 : 1);
        if (kind >= 4)
        {
            // The one white-space byte after the header was read with the last number.
            long needed = file.Position + (kind == 4 ? ((width + 7) / 8) * height : samples * (max > 255 ? 2 : 1));
            return needed > file.Length ? Short("its pixel data needs", needed, file.Length) : null;
        }

        long found = 0;
        while (found < samples)
        {
            if (kind == 1 ? !Digit(file) : Number(file) < 0)
            {
                return string.Format(CultureInfo.InvariantCulture, "the file holds {0:N0} of the {1:N0} samples its header declares", found, samples);
            }

            found++;
        }

        return null;
    }

    // The next decimal number after white space and comments, or -1 where the file ends first.
    private static long Number(ForwardReader file)
    {
        int c = SkipSpace(file);
        if (c is < '0' or > '9')
        {
            return -1;
        }

        long value = 0;
        for (; c is >= '0' and <= '9'; c = file.Byte())
        {
            value = Math.Min((value * 10) + (c - '0'), int.MaxValue);
        }

        return value;
    }

    // The next 0 or 1 of a plain bitmap, which needs no white space between samples.
    private static bool Digit(ForwardReader file) => SkipSpace(file) is '0' or '1';

    // The first byte after white space and comments (# to the end of the line), or -1.
    private static int SkipSpace(ForwardReader file)
    {
        while (true)
        {
            int c = file.Byte();
            if (c == '#')
            {
                while (c is not ('\n' or '\r' or -1))
                {
                    c = file.Byte();
                }
            }

            if (c is not (' ' or '\t' or '\n' or '\r' or '\v' or '\f'))
            {
                return c;
            }
        }
    }

    private static string Short(string what, long needed, long length)
        => string.Format(CultureInfo.InvariantCulture, "{0} {1:N0} bytes, and the file holds {2:N0}", what, needed, length);

    /// <summary>
    /// Reads a stream forward a byte or a few at a time through a buffer (rented, as every source is walked), and
    /// skips by moving its position.
    /// </summary>
    private sealed class ForwardReader : IDisposable
    {
        private readonly Stream stream;
        private readonly byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        private long bufferStart;
        private int buffered;

        public ForwardReader(Stream stream)
        {
            this.stream = stream;
            Length = stream.Length;
        }

        public void Dispose() => System.Buffers.ArrayPool<byte>.Shared.Return(buffer);

        public long Length { get; }

        /// <summary>The next byte's position; may be set past the end, where reads give nothing.</summary>
        public long Position { get; set; }

        /// <summary>The byte at <see cref="Position"/>, which moves past it; -1 at or past the end.</summary>
        public int Byte()
        {
            if (Position < 0 || Position >= Length)
            {
                return -1;
            }

            if (Position < bufferStart || Position >= bufferStart + buffered)
            {
                bufferStart = Position;
                stream.Position = Position;
                buffered = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (buffered == 0)
                {
                    return -1;
                }
            }

            return buffer[Position++ - bufferStart];
        }

        /// <summary>
        /// Moves through JPEG entropy-coded data to the 0xFF of the next marker: past stuffed bytes (0xFF 0x00), restart
        /// markers (0xFF 0xD0-0xD7) and fill bytes; false where the file ends first. Searched a buffer at a time.
        /// </summary>
        public bool ToNextMarker()
        {
            while (true)
            {
                if (Byte() < 0)
                {
                    return false;
                }

                Position--;
                int found = buffer.AsSpan((int)(Position - bufferStart), buffered - (int)(Position - bufferStart)).IndexOf((byte)0xFF);
                if (found < 0)
                {
                    Position = bufferStart + buffered;
                    continue;
                }

                Position += found + 1;
                int next = Byte();
                while (next == 0xFF)
                {
                    next = Byte();
                }

                if (next < 0)
                {
                    return false;
                }

                if (next != 0x00 && next is not (>= 0xD0 and <= 0xD7))
                {
                    // Back to the 0xFF just before the marker.
                    Position -= 2;
                    return true;
                }
            }
        }

        /// <summary>Fills <paramref name="target"/> from <see cref="Position"/> on; false where the file ends first.</summary>
        public bool Read(Span<byte> target)
        {
            for (int i = 0; i < target.Length; i++)
            {
                int b = Byte();
                if (b < 0)
                {
                    return false;
                }

                target[i] = (byte)b;
            }

            return true;
        }
    }
}
