using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Header fields that ImageSharp 2.1.13 turns into allocations or loops before it checks them against the file, found
/// by fuzzing. A file whose header breaks its format in one of these ways is refused as
/// <see cref="ConvolutionErrorKind.CorruptImage"/> before ImageSharp reads it, so a few dozen bytes cannot make the
/// module allocate gigabytes or spin for good.
/// </summary>
internal static class HeaderChecks
{
    /// <summary>Most TIFF directories (pages) looked at; a chain longer than this is left to the decoder.</summary>
    private const int MaxDirectories = 1024;

    public static void Check(Stream stream, string path)
    {
        Span<byte> header = stackalloc byte[16];
        stream.Position = 0;
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= 14 && IsBitmapMarker(header[0], header[1]))
        {
            CheckBitmapOffset(header, stream.Length, path);
        }
        else if (read >= 8 && (header[0], header[1]) is ((byte)'I', (byte)'I') or ((byte)'M', (byte)'M'))
        {
            try
            {
                CheckTiffDirectories(stream, header[0] == (byte)'I', path);
            }
            finally
            {
                stream.Position = 0;
            }
        }
    }

    // The colour table of a BMP is sized from the pixel-data offset in its file header, before ImageSharp knows the
    // file is that long: 53 bytes whose offset says 1.8 GB made Identify allocate 1.3 GB. The pixel data starts
    // inside the file, or the file is damaged.
    private static void CheckBitmapOffset(ReadOnlySpan<byte> header, long length, string path)
    {
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(10));
        if (offset > length)
        {
            throw Damaged(path, "BMP", string.Format(CultureInfo.InvariantCulture, "its header puts the pixel data at byte {0:N0}, past the end of the file ({1:N0} bytes)", offset, length));
        }
    }

    // The two-letter markers a BMP-family file begins with: BM (Windows), and BA, CI, CP, IC, PT (OS/2).
    private static bool IsBitmapMarker(byte first, byte second) => (char)first switch
    {
        'B' => second is (byte)'M' or (byte)'A',
        'C' => second is (byte)'I' or (byte)'P',
        'I' => second == (byte)'C',
        'P' => second == (byte)'T',
        _ => false,
    };

    // A palette TIFF's colour table has 2^BitsPerSample entries, and ImageSharp allocates that many colours before it
    // compares them with the ColorMap tag: 32 bits per sample in a 2 KB file ran out of a 1 GB heap. TIFF 6.0 says the
    // ColorMap holds exactly 3 x 2^BitsPerSample values, which bounds the table by the file's own size; a palette
    // directory that breaks that rule is damaged. A directory whose strips or tiles run past the end of the file is
    // truncated. Classic TIFF and BigTIFF, every directory of the chain.
    private static void CheckTiffDirectories(Stream stream, bool little, string path)
    {
        if (OpenTiff(stream, little) is not (TiffReader reader, bool big, long next))
        {
            return;
        }

        var visited = new HashSet<long>();
        for (int page = 0; page < MaxDirectories && next > 0; page++)
        {
            // A directory is at most a few hundred bytes and often written last: a file cut short loses it first.
            if (next + (big ? 8 : 2) > stream.Length)
            {
                string which = page == 0 ? "its first directory" : string.Format(CultureInfo.InvariantCulture, "the directory of page {0}", page + 1);
                throw new ConvolutionException(ConvolutionErrorKind.CorruptImage, path, string.Format(CultureInfo.InvariantCulture, "'{0}' is a truncated TIFF: {1} is at byte {2:N0}, and the file holds {3:N0}.", path, which, next, stream.Length));
            }

            // ImageSharp 2.1.13 follows the directory chain without noticing a loop, and reads as many entries as a
            // directory declares: a 17-byte BigTIFF whose directory claims 2^56 entries kept Identify busy for good.
            if (!visited.Add(next))
            {
                throw Damaged(path, "TIFF", string.Format(CultureInfo.InvariantCulture, "its directories form a loop back to byte {0:N0}", next));
            }

            long count = big ? (long)reader.U64(next) : reader.U16(next);
            int entrySize = big ? 20 : 12;
            long first = next + (big ? 8 : 2);

            // Compared by division: a BigTIFF count near 2^63 times the entry size would wrap past a product.
            if (count <= 0 || count > (stream.Length - first) / entrySize)
            {
                throw Damaged(path, "TIFF", string.Format(CultureInfo.InvariantCulture, "the directory at byte {0:N0} declares {1:N0} entries, which the file ({2:N0} bytes) cannot hold", next, (ulong)count, stream.Length));
            }

            int photometric = -1;
            long bits = 1;
            long colorMapCount = -1;
            (ushort Type, long Values, long Value) offsets = default, counts = default;
            foreach ((ushort tag, ushort type, long values, long value) in Entries(reader, big, first, count))
            {
                switch (tag)
                {
                    case 273 or 324:
                        offsets = (type, values, value);
                        break;
                    case 279 or 325:
                        counts = (type, values, value);
                        break;
                    case 262:
                        photometric = reader.U16(value);
                        break;
                    case 258 when type == 3 && values > 0:
                        // The first sample's bits, stored in the entry when they fit, else at the offset it holds.
                        long position = values * 2 <= (big ? 8 : 4) ? value : (big ? (long)reader.U64(value) : reader.U32(value));
                        bits = position + 2 <= stream.Length ? reader.U16(position) : bits;
                        break;
                    case 320:
                        colorMapCount = values;
                        break;
                }
            }

            if (photometric == 3 && (bits > 16 || colorMapCount != 3L << (int)bits))
            {
                throw Damaged(path, "TIFF", string.Format(CultureInfo.InvariantCulture, "a palette page of {0} bits per sample needs a colour map of {1:N0} values and has {2:N0}", bits, bits > 16 ? "3 x 2^" + bits.ToString(CultureInfo.InvariantCulture) : (3L << (int)bits).ToString("N0", CultureInfo.InvariantCulture), Math.Max(colorMapCount, 0)));
            }

            // ImageSharp reads a strip or tile that runs past the end of the file as far as it goes and leaves the rest
            // of the page black: a file cut short (a download that stopped) would give a silently wrong output.
            if (DataEnd(reader, big, offsets, counts) is long end && end > stream.Length)
            {
                string where = page == 0 ? "its image data" : string.Format(CultureInfo.InvariantCulture, "the image data of page {0}", page + 1);
                string runs = end == long.MaxValue ? "is listed past the end of the file" : string.Format(CultureInfo.InvariantCulture, "runs to byte {0:N0}, and the file holds {1:N0}", end, stream.Length);
                throw new ConvolutionException(ConvolutionErrorKind.CorruptImage, path, string.Format(CultureInfo.InvariantCulture, "'{0}' is a truncated TIFF: {1} {2}.", path, where, runs));
            }

            long pointer = first + (count * entrySize);
            next = pointer + (big ? 8 : 4) <= stream.Length ? (big ? (long)reader.U64(pointer) : reader.U32(pointer)) : 0;
        }
    }

    /// <summary>
    /// The Orientation tag (274) of a TIFF's first directory, or 0 without one. ImageSharp 2.1 keeps a TIFF's tags
    /// with each frame, not with the image, so its header read does not show it.
    /// </summary>
    public static ushort TiffOrientation(Stream stream)
        => TiffShortTag(stream, 274, out ushort value) ? value : (ushort)0;

    /// <summary>True when a TIFF's first directory holds <paramref name="tag"/>, of any type.</summary>
    public static bool TiffHasTag(Stream stream, ushort tag) => TiffShortTag(stream, tag, out _);

    /// <summary>
    /// A TIFF's samples as its first directory states them: bits of the first sample (BitsPerSample), samples a pixel
    /// (SamplesPerPixel) and their kind (SampleFormat: 1 unsigned integer, 2 signed, 3 floating point), each as TIFF
    /// defaults it where absent (1, 1, 1). Null where the stream is no TIFF. The stream is left at 0.
    /// </summary>
    public static (int Bits, int Samples, int Format)? TiffSamples(Stream stream)
    {
        if (FirstDirectory(stream) is not { } entries)
        {
            return null;
        }

        int Short(ushort tag) => entries.Find(e => e.Tag == tag && e.Type == 3) is { Tag: > 0 } entry ? (int)entry.First : 1;
        return (Short(258), Short(277), Short(339));
    }

    /// <summary>
    /// True when a TIFF is a camera's raw file, whose first image is not the picture: a DNG (DNGVersion), a Canon CR2
    /// ("CR", version 2.0, after the header), or a first image marked reduced-resolution (NewSubfileType bit 0) with the picture in
    /// sub-images (SubIFDs), as NEF, PEF and most DNGs are laid out. ImageSharp 2.1 would decode that preview, a few
    /// hundred pixels wide, as if it were the photo. The stream is left at 0.
    /// </summary>
    public static bool TiffIsCameraRaw(Stream stream)
    {
        if (FirstDirectory(stream) is not { } entries)
        {
            return false;
        }

        // A CR2 is little-endian, with its first directory at 16 after "CR", version 2.0.
        Span<byte> header = stackalloc byte[12];
        stream.Position = 0;
        bool canon = stream.ReadAtLeast(header, 12, throwOnEndOfStream: false) == 12 && header[0] == (byte)'I' && header[4] == 16 && header[5] == 0 && header[6] == 0 && header[7] == 0
            && header[8] == (byte)'C' && header[9] == (byte)'R' && header[10] == 2 && header[11] == 0;
        stream.Position = 0;
        bool reduced = entries.Find(e => e.Tag == 254 && e.Type is 3 or 4) is { Tag: > 0 } subfile && (subfile.First & 1) != 0;
        return canon || entries.Exists(e => e.Tag == 50706) || (reduced && entries.Exists(e => e.Tag == 330));
    }

    /// <summary>
    /// The bytes of a tag of bytes (BYTE or UNDEFINED, as Photoshop's image resources, 34377, are stored) in a TIFF's
    /// first directory; LONG values are read as their bytes too, as some writers type such tags. Null where the stream
    /// is no TIFF, has no such tag, or its values run past the end. The stream is left at 0.
    /// </summary>
    public static byte[]? TiffTagBytes(Stream stream, ushort wanted)
    {
        try
        {
            if (OpenFromStart(stream) is not (TiffReader reader, bool big, long directory))
            {
                return null;
            }

            long count = big ? (long)reader.U64(directory) : reader.U16(directory);
            foreach ((ushort tag, ushort type, long values, long at) in Entries(reader, big, directory + (big ? 8 : 2), count))
            {
                if (tag != wanted || type is not (1 or 4 or 7))
                {
                    continue;
                }

                long length = values * (type == 4 ? 4 : 1);
                long start = length <= (big ? 8 : 4) ? at : big ? (long)reader.U64(at) : reader.U32(at);
                if (length <= 0 || start + length > stream.Length || length > int.MaxValue)
                {
                    return null;
                }

                stream.Position = start;
                byte[] bytes = JpegHeader.Read(stream, (int)length);
                return bytes.Length == length ? bytes : null;
            }

            return null;
        }
        finally
        {
            stream.Position = 0;
        }
    }

    /// <summary>
    /// The pages of a TIFF's directory chain, at most 1,024 and each once: where its directory is, where that directory's
    /// pointer to the next one lies, its width and height (ImageWidth and ImageLength), and whether it is marked
    /// reduced-resolution (NewSubfileType bit 0: a thumbnail or preview of another page). Null where the stream is no
    /// TIFF. The stream is left at 0.
    /// </summary>
    public static (bool Little, bool Big, List<TiffPage> Pages)? TiffPages(Stream stream)
    {
        try
        {
            if (OpenFromStart(stream) is not (TiffReader reader, bool big, long next))
            {
                return null;
            }

            var pages = new List<TiffPage>();
            var visited = new HashSet<long>();
            int entrySize = big ? 20 : 12;
            while (pages.Count < MaxDirectories && next > 0 && next + (big ? 8 : 2) <= stream.Length && visited.Add(next))
            {
                long count = big ? (long)reader.U64(next) : reader.U16(next);
                long first = next + (big ? 8 : 2);
                if (count <= 0 || count > (stream.Length - first) / entrySize)
                {
                    break;
                }

                long width = 0, height = 0;
                bool reduced = false;
                foreach ((ushort tag, ushort type, long values, long at) in Entries(reader, big, first, count))
                {
                    // Held in the entry (one SHORT or LONG), so read where the entry holds it.
                    long value = values < 1 ? 0 : type == 3 ? reader.U16(at) : type == 4 ? reader.U32(at) : type == 16 ? (long)Math.Min(reader.U64(at), long.MaxValue) : 0;
                    switch (tag)
                    {
                        case 256:
                            width = value;
                            break;
                        case 257:
                            height = value;
                            break;
                        case 254:
                            reduced = (value & 1) != 0;
                            break;
                    }
                }

                long pointer = first + (count * entrySize);
                pages.Add(new TiffPage(next, pointer, width, height, reduced));
                next = pointer + (big ? 8 : 4) <= stream.Length ? (big ? (long)reader.U64(pointer) : reader.U32(pointer)) : 0;
            }

            return (reader.Little, big, pages);
        }
        finally
        {
            stream.Position = 0;
        }
    }

    /// <summary>One page of a TIFF (<see cref="TiffPages"/>).</summary>
    internal readonly record struct TiffPage(long Directory, long NextPointer, long Width, long Height, bool Reduced);

    // Whether the first directory holds the tag, and its value where it is SHORT (type 3); the stream is left at 0.
    private static bool TiffShortTag(Stream stream, ushort wanted, out ushort value)
    {
        value = 0;
        if (FirstDirectory(stream)?.Find(e => e.Tag == wanted) is not { Tag: > 0 } entry)
        {
            return false;
        }

        value = entry.Type == 3 ? (ushort)entry.First : (ushort)0;
        return true;
    }

    // The entries of a TIFF's first directory: tag, type, and the first value where they are SHORTs or LONGs
    // (following the offset where they do not fit in the entry), else 0. Null where the stream is no TIFF; the stream
    // is left at 0.
    private static List<(ushort Tag, ushort Type, uint First)>? FirstDirectory(Stream stream)
    {
        try
        {
            if (OpenFromStart(stream) is not (TiffReader reader, bool big, long directory))
            {
                return null;
            }

            var entries = new List<(ushort, ushort, uint)>();
            long count = big ? (long)reader.U64(directory) : reader.U16(directory);
            foreach ((ushort tag, ushort type, long values, long at) in Entries(reader, big, directory + (big ? 8 : 2), count))
            {
                int size = type == 3 ? 2 : 4;
                long first = values * size <= (big ? 8 : 4) ? at : big ? (long)reader.U64(at) : reader.U32(at);
                entries.Add((tag, type, values < 1 ? 0 : type == 3 ? reader.U16(first) : type == 4 ? reader.U32(first) : 0));
            }

            return entries;
        }
        finally
        {
            stream.Position = 0;
        }
    }

    // Where a directory's strips or tiles end: the largest offset plus byte count of its StripOffsets and
    // StripByteCounts (or TileOffsets and TileByteCounts), SHORT, LONG or LONG8 values held in the entry where they
    // fit, else at the offset it holds; long.MaxValue where those lists themselves lie past the file's end. Null
    // without them.
    private static long? DataEnd(TiffReader reader, bool big, (ushort Type, long Values, long Value) offsets, (ushort Type, long Values, long Value) counts)
    {
        long n = Math.Min(offsets.Values, counts.Values);
        if (n <= 0 || TiffArray(reader, big, offsets) is not (long offsetsAt, int offsetSize) || TiffArray(reader, big, counts) is not (long countsAt, int countSize))
        {
            return null;
        }

        if (offsetsAt + (n * offsetSize) > reader.Length || countsAt + (n * countSize) > reader.Length)
        {
            return long.MaxValue;
        }

        long end = 0;
        for (long i = 0; i < n; i++)
        {
            long start = TiffValue(reader, offsetsAt + (i * offsetSize), offsetSize);
            long length = TiffValue(reader, countsAt + (i * countSize), countSize);
            end = Math.Max(end, start + length);
        }

        return end;
    }

    // Where an entry's values lie and the size of each: SHORT (3), LONG (4) or LONG8 (16); null for other types.
    private static (long At, int Size)? TiffArray(TiffReader reader, bool big, (ushort Type, long Values, long Value) entry)
    {
        int size = entry.Type switch { 3 => 2, 4 => 4, 16 => 8, _ => 0 };
        if (size == 0 || entry.Values > reader.Length)
        {
            return null;
        }

        long at = entry.Values * size <= (big ? 8 : 4) ? entry.Value : big ? (long)reader.U64(entry.Value) : reader.U32(entry.Value);
        return (at, size);
    }

    private static long TiffValue(TiffReader reader, long at, int size) => size switch
    {
        2 => reader.U16(at),
        4 => reader.U32(at),
        _ => (long)Math.Min(reader.U64(at), long.MaxValue / 2),
    };

    // The reader, kind (BigTIFF or classic) and first directory of a TIFF stream in the given byte order; null when
    // its magic number is neither TIFF's nor BigTIFF's.
    // OpenTiff in the byte order the stream's first two bytes name ("II" or "MM"); null where they name none.
    private static (TiffReader Reader, bool Big, long Directory)? OpenFromStart(Stream stream)
    {
        Span<byte> header = stackalloc byte[2];
        stream.Position = 0;
        int read = stream.ReadAtLeast(header, 2, throwOnEndOfStream: false);
        return read < 2 || (header[0], header[1]) is not (((byte)'I', (byte)'I') or ((byte)'M', (byte)'M')) ? null : OpenTiff(stream, header[0] == (byte)'I');
    }

    private static (TiffReader Reader, bool Big, long Directory)? OpenTiff(Stream stream, bool little)
    {
        var reader = new TiffReader(stream, little);
        ushort magic = reader.U16(2);
        bool big = magic == 43;
        if (magic != 42 && !(big && reader.U16(4) == 8))
        {
            return null;
        }

        return (reader, big, big ? (long)reader.U64(8) : reader.U32(4));
    }

    // A directory's entries from its first (at `first`): tag, type, number of values, and where the value is held (or
    // the offset of the values, when they do not fit). Stops at the end of the stream.
    private static IEnumerable<(ushort Tag, ushort Type, long Values, long Value)> Entries(TiffReader reader, bool big, long first, long count)
    {
        int entrySize = big ? 20 : 12;
        for (long e = 0; e < count && first + ((e + 1) * entrySize) <= reader.Length; e++)
        {
            long at = first + (e * entrySize);
            yield return (reader.U16(at), reader.U16(at + 2), big ? (long)reader.U64(at + 4) : reader.U32(at + 4), at + (big ? 12 : 8));
        }
    }

    private static ConvolutionException Damaged(string path, string format, string what)
        => new(ConvolutionErrorKind.CorruptImage, path, string.Format(CultureInfo.InvariantCulture, "'{0}' is a damaged {1}: {2}.", path, format, what));

    /// <summary>Reads numbers at absolute positions of a TIFF stream in its byte order; past the end reads 0.</summary>
    private sealed class TiffReader
    {
        private readonly Stream stream;
        private readonly bool little;
        private readonly byte[] buffer = new byte[8];

        public TiffReader(Stream stream, bool little)
        {
            this.stream = stream;
            this.little = little;
        }

        public long Length => stream.Length;

        /// <summary>True for "II" (little-endian) order.</summary>
        public bool Little => little;

        public ushort U16(long at) => Read(at, 2) ? (little ? BinaryPrimitives.ReadUInt16LittleEndian(buffer) : BinaryPrimitives.ReadUInt16BigEndian(buffer)) : (ushort)0;

        public uint U32(long at) => Read(at, 4) ? (little ? BinaryPrimitives.ReadUInt32LittleEndian(buffer) : BinaryPrimitives.ReadUInt32BigEndian(buffer)) : 0;

        public ulong U64(long at) => Read(at, 8) ? (little ? BinaryPrimitives.ReadUInt64LittleEndian(buffer) : BinaryPrimitives.ReadUInt64BigEndian(buffer)) : 0;

        private bool Read(long at, int count)
        {
            if (at < 0 || at + count > stream.Length)
            {
                return false;
            }

            stream.Position = at;
            return stream.ReadAtLeast(buffer.AsSpan(0, count), count, throwOnEndOfStream: false) == count;
        }
    }
}
