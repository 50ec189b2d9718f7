using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Entry = (ushort Tag, ushort Type, uint Count, byte[] Value);
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Writes baseline TIFF (TIFF 6.0, little-endian) in the image's own depth and colour type: 8 or 16 bits per
/// sample, grey or RGB, with unassociated alpha as an extra sample, Deflate-compressed with the horizontal
/// predictor, one page per frame, the ICC profile (tag 34675), XMP packet (tag 700), IPTC record (tag 33723),
/// Photoshop's image resources (tag 34377) and
/// EXIF (its first-directory tags, and its EXIF and GPS directories) kept. ImageSharp 2.1's encoder writes 8-bit RGB or grey only and no
/// EXIF, which would drop 16-bit depth, alpha and the camera's metadata.
/// </summary>
internal static class TiffWriter
{
    private const ushort Byte = 1;
    private const ushort Short = 3;
    private const ushort Long = 4;
    private const ushort Rational = 5;
    private const ushort Undefined = 7;

    /// <summary>Writes every frame of <paramref name="image"/> as <paramref name="layout"/> at the image's sample depth.</summary>
    /// <typeparam name="TPixel">The decoded pixel type: interleaved 8- or 16-bit samples, alpha last.</typeparam>
    /// <typeparam name="TSample">byte or ushort.</typeparam>
    public static void Write<TPixel, TSample>(Stream stream, Image<TPixel> image, PixelLayout layout, byte[]? photoshop = null)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        int frameChannels = System.Runtime.CompilerServices.Unsafe.SizeOf<TPixel>() / System.Runtime.CompilerServices.Unsafe.SizeOf<TSample>();
        int[] pick = layout switch
        {
            PixelLayout.Gray => new[] { 0 },
            PixelLayout.GrayAlpha => new[] { 0, frameChannels - 1 },
            PixelLayout.Rgb => new[] { 0, 1, 2 },
            _ => new[] { 0, 1, 2, 3 },
        };
        int bits = System.Runtime.CompilerServices.Unsafe.SizeOf<TSample>() * 8;
        int channels = pick.Length;
        int width = image.Width;
        int height = image.Height;
        int rowBytes = width * channels * (bits / 8);

        // Strips of about 64 KB, as readers expect, rather than one strip for the whole image.
        int rowsPerStrip = Math.Clamp(65536 / Math.Max(1, rowBytes), 1, height);
        int strips = (height + rowsPerStrip - 1) / rowsPerStrip;

        var header = new byte[8];
        header[0] = (byte)'I';
        header[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 42);
        long start = stream.Position;
        stream.Write(header);
        long nextPointer = start + 4;
        byte[] row = new byte[rowBytes];
        for (int f = 0; f < image.Frames.Count; f++)
        {
            ImageFrame<TPixel> frame = image.Frames[f];
            var offsets = new uint[strips];
            var counts = new uint[strips];
            frame.ProcessPixelRows(accessor =>
            {
                for (int s = 0; s < strips; s++)
                {
                    offsets[s] = checked((uint)(stream.Position - start));
                    using (var z = new ZLibStream(stream, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        for (int y = s * rowsPerStrip; y < Math.Min(height, (s + 1) * rowsPerStrip); y++)
                        {
                            PackRow<TPixel, TSample>(accessor.GetRowSpan(y), pick, frameChannels, row);
                            z.Write(row);
                        }
                    }

                    counts[s] = checked((uint)(stream.Position - start - offsets[s]));
                }
            });

            // Word-align the directory, then point the previous one (or the header) at it.
            if (((stream.Position - start) & 1) != 0)
            {
                stream.WriteByte(0);
            }

            long directory = stream.Position;
            Patch(stream, nextPointer, checked((uint)(directory - start)));
            nextPointer = WriteDirectory(stream, start, f == 0 ? image.Metadata : null, f == 0 ? photoshop : null, image.Metadata, width, height, bits, channels, layout, rowsPerStrip, offsets, counts);
        }
    }

    // Interleaved samples of the written channels, little-endian, with the horizontal predictor applied.
    private static void PackRow<TPixel, TSample>(Span<TPixel> pixels, int[] pick, int frameChannels, byte[] row)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        int channels = pick.Length;
        int width = pixels.Length;
        if (typeof(TSample) == typeof(byte))
        {
            ReadOnlySpan<byte> src = MemoryMarshal.AsBytes(pixels);
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    row[(x * channels) + c] = src[(x * frameChannels) + pick[c]];
                }
            }

            for (int i = row.Length - 1; i >= channels; i--)
            {
                row[i] -= row[i - channels];
            }
        }
        else
        {
            ReadOnlySpan<ushort> src = MemoryMarshal.Cast<TPixel, ushort>(pixels);
            Span<ushort> dst = MemoryMarshal.Cast<byte, ushort>(row.AsSpan());
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    dst[(x * channels) + c] = src[(x * frameChannels) + pick[c]];
                }
            }

            for (int i = dst.Length - 1; i >= channels; i--)
            {
                dst[i] -= dst[i - channels];
            }

            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(dst, dst);
            }
        }
    }

    // Writes one image file directory; returns the position of its next-directory pointer.
    private static long WriteDirectory(Stream stream, long start, ImageMetadata? profiles, byte[]? photoshop, ImageMetadata metadata, int width, int height, int bits, int channels, PixelLayout layout, int rowsPerStrip, uint[] offsets, uint[] counts)
    {
        bool alpha = layout.HasAlpha();
        (uint xNumerator, uint yNumerator, uint denominator, ushort unit) = Resolution(metadata);
        var entries = new List<Entry>
        {
            (256, Long, 1, U32(width)),
            (257, Long, 1, U32(height)),
            (258, Short, (uint)channels, U16s(channels, bits)),
            (259, Short, 1, U16s(1, 8)), // Deflate (Adobe)
            (262, Short, 1, U16s(1, layout.IsGray() ? 1 : 2)),
            (273, Long, (uint)offsets.Length, U32s(offsets)),
            (277, Short, 1, U16s(1, channels)),
            (278, Long, 1, U32(rowsPerStrip)),
            (279, Long, (uint)counts.Length, U32s(counts)),
            (282, Rational, 1, Rationals(xNumerator, denominator)),
            (283, Rational, 1, Rationals(yNumerator, denominator)),
            (284, Short, 1, U16s(1, 1)), // chunky
            (296, Short, 1, U16s(1, unit)),
            (317, Short, 1, U16s(1, 2)), // horizontal differencing
        };
        if (alpha)
        {
            entries.Add((338, Short, 1, U16s(1, 2))); // unassociated alpha
        }

        if (profiles?.XmpProfile?.ToByteArray() is { Length: > 0 } xmp)
        {
            entries.Add((700, Byte, (uint)xmp.Length, xmp));
        }

        if (profiles?.IccProfile?.ToByteArray() is { Length: > 0 } icc)
        {
            entries.Add((34675, Undefined, (uint)icc.Length, icc));
        }

        // The IPTC-NAA record (captions, keywords, copyright), where TIFF keeps it: tag 33723, as Photoshop and
        // libtiff write it.
        if (profiles?.IptcProfile?.Data is { Length: > 0 } iptc)
        {
            entries.Add((33723, Undefined, (uint)iptc.Length, iptc));
        }

        // Photoshop's image resources (paths, a clipping path among them), as Photoshop and libtiff keep them: tag 34377.
        if (photoshop is { Length: > 0 })
        {
            entries.Add((34377, Byte, (uint)photoshop.Length, photoshop));
        }

        // EXIF: the profile's first-directory tags (Orientation, Artist, ...) beside the image's own, and its EXIF
        // and GPS directories after this one, with pointers to them.
        List<Entry>? exifDirectory = null;
        List<Entry>? gpsDirectory = null;
        if (profiles?.ExifProfile?.ToByteArray() is { Length: > 8 } exif && exif[0] == 'I' && exif[1] == 'I')
        {
            var own = new HashSet<ushort>(entries.ConvertAll(e => e.Tag));
            foreach (Entry entry in ReadDirectory(exif, BinaryPrimitives.ReadInt32LittleEndian(exif.AsSpan(4)), out exifDirectory, out gpsDirectory))
            {
                if (!own.Contains(entry.Tag) && !Owned.Contains(entry.Tag))
                {
                    entries.Add(entry);
                }
            }

            if (exifDirectory is not null)
            {
                entries.Add((ExifPointer, Long, 1, U32(0)));
            }

            if (gpsDirectory is not null)
            {
                entries.Add((GpsPointer, Long, 1, U32(0)));
            }
        }

        entries.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        long directory = stream.Position;

        // Sizes do not depend on the pointers' values, so the sub-directories' places are known before writing.
        long next = directory + Build(entries, directory, start).Length;
        var subDirectories = new List<byte[]>();
        foreach ((ushort pointer, List<Entry>? sub) in new[] { (ExifPointer, exifDirectory), (GpsPointer, gpsDirectory) })
        {
            if (sub is null)
            {
                continue;
            }

            next += next & 1;
            int index = entries.FindIndex(e => e.Tag == pointer);
            entries[index] = (pointer, Long, 1, U32(checked((int)(next - start))));
            byte[] built = Build(sub, next, start);
            subDirectories.Add(built);
            next += built.Length;
        }

        byte[] main = Build(entries, directory, start);
        stream.Write(main);
        foreach (byte[] sub in subDirectories)
        {
            if (((stream.Position - start) & 1) != 0)
            {
                stream.WriteByte(0);
            }

            stream.Write(sub);
        }

        // The main directory's next-directory pointer follows its entries.
        return directory + 2 + (12 * entries.Count);
    }

    // Tags the writer sets itself, and thumbnail pointers into data that is not carried over.
    private static readonly HashSet<ushort> Owned = new() { 254, 255, 256, 257, 258, 259, 262, 273, 277, 278, 279, 282, 283, 284, 296, 317, 338, 339, 513, 514, 700, 33723, 34377, 34675, ExifPointer, GpsPointer, 40965 };

    private const ushort ExifPointer = 34665;
    private const ushort GpsPointer = 34853;

    /// <summary>An image file directory: entries sorted by tag, then values over four bytes, word-aligned.</summary>
    private static byte[] Build(List<Entry> entries, long at, long start)
    {
        long values = at + 2 + (12 * entries.Count) + 4;
        var table = new byte[2 + (12 * entries.Count) + 4];
        BinaryPrimitives.WriteUInt16LittleEndian(table, (ushort)entries.Count);
        using var overflow = new MemoryStream();
        for (int e = 0; e < entries.Count; e++)
        {
            (ushort tag, ushort type, uint count, byte[] value) = entries[e];
            Span<byte> slot = table.AsSpan(2 + (12 * e), 12);
            BinaryPrimitives.WriteUInt16LittleEndian(slot, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(slot.Slice(2), type);
            BinaryPrimitives.WriteUInt32LittleEndian(slot.Slice(4), count);
            if (value.Length <= 4)
            {
                value.CopyTo(slot.Slice(8));
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(slot.Slice(8), checked((uint)(values + overflow.Length - start)));
                overflow.Write(value);
                if ((overflow.Length & 1) != 0)
                {
                    overflow.WriteByte(0);
                }
            }
        }

        var result = new byte[table.Length + overflow.Length];
        table.CopyTo(result, 0);
        overflow.ToArray().CopyTo(result, table.Length);
        return result;
    }

    // The entries of a little-endian directory in a TIFF-structured blob, each with its value bytes; the EXIF and
    // GPS sub-directories it points to are read too (their own sub-directories, such as interoperability, are not).
    private static List<Entry> ReadDirectory(byte[] blob, int at, out List<Entry>? exif, out List<Entry>? gps)
    {
        exif = null;
        gps = null;
        var entries = new List<Entry>();
        if (at < 0 || at + 2 > blob.Length)
        {
            return entries;
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(at));
        for (int e = 0; e < count && at + 2 + (12 * (e + 1)) <= blob.Length; e++)
        {
            ReadOnlySpan<byte> slot = blob.AsSpan(at + 2 + (12 * e), 12);
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(slot);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(slot.Slice(2));
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(slot.Slice(4));
            long size = n * (long)TypeSize(type);
            if (size <= 0 || size > blob.Length)
            {
                continue;
            }

            int offset = size <= 4 ? 0 : BinaryPrimitives.ReadInt32LittleEndian(slot.Slice(8));
            if (size > 4 && (offset < 0 || offset + size > blob.Length))
            {
                continue;
            }

            byte[] value = size <= 4 ? slot.Slice(8, (int)size).ToArray() : blob.AsSpan(offset, (int)size).ToArray();
            if (tag is 40962 or 40963 && type == Short && n == 1)
            {
                // EXIF allows the pixel dimensions as SHORT or LONG; libtiff reads only LONG, so write LONG.
                (type, value) = (Long, U32(BinaryPrimitives.ReadUInt16LittleEndian(value)));
            }

            if (tag is ExifPointer or GpsPointer)
            {
                List<Entry> sub = ReadDirectory(blob, BinaryPrimitives.ReadInt32LittleEndian(value), out _, out _);
                sub.RemoveAll(s => Owned.Contains(s.Tag) && s.Tag is ExifPointer or GpsPointer or 40965);
                sub.Sort((a, b) => a.Tag.CompareTo(b.Tag));
                if (tag == ExifPointer)
                {
                    exif = sub;
                }
                else
                {
                    gps = sub;
                }

                continue;
            }

            entries.Add((tag, type, n, value));
        }

        return entries;
    }

    private static int TypeSize(ushort type) => type switch
    {
        1 or 2 or 6 or 7 => 1,
        3 or 8 => 2,
        4 or 9 or 11 => 4,
        5 or 10 or 12 => 8,
        _ => 0,
    };

    private static (uint X, uint Y, uint Denominator, ushort Unit) Resolution(ImageMetadata metadata)
    {
        double x = metadata.HorizontalResolution > 0 ? metadata.HorizontalResolution : 72;
        double y = metadata.VerticalResolution > 0 ? metadata.VerticalResolution : 72;
        switch (metadata.ResolutionUnits)
        {
            case PixelResolutionUnit.PixelsPerCentimeter:
                return ((uint)Math.Round(x * 1000), (uint)Math.Round(y * 1000), 1000, 3);
            case PixelResolutionUnit.PixelsPerMeter:
                return ((uint)Math.Round(x * 10), (uint)Math.Round(y * 10), 1000, 3);
            case PixelResolutionUnit.AspectRatio:
                return ((uint)Math.Round(x * 1000), (uint)Math.Round(y * 1000), 1000, 1);
            default:
                return ((uint)Math.Round(x * 1000), (uint)Math.Round(y * 1000), 1000, 2);
        }
    }

    private static void Patch(Stream stream, long position, uint value)
    {
        long end = stream.Position;
        stream.Position = position;
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
        stream.Position = end;
    }

    private static byte[] U32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value);
        return bytes;
    }

    private static byte[] U32s(uint[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }

    private static byte[] U16s(int count, int value)
    {
        var bytes = new byte[Math.Max(4, 2 * count)];
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)value);
        }

        return count * 2 <= 4 ? bytes : bytes.AsSpan(0, 2 * count).ToArray();
    }

    private static byte[] Rationals(uint numerator, uint denominator)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, numerator);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), denominator);
        return bytes;
    }
}
