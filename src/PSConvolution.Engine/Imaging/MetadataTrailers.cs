using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Metadata that news and photo-desk programs append after a JPEG's or TIFF's picture, which no decoder reads and no
/// encoder writes: an AFCP trailer (AXS File Concatenation Protocol, "AXS!" or "AXS*" in the last twelve bytes), a
/// FotoStation trailer (records each ending with their type, length and 0xA1B2C3D4) and a Photo Mechanic trailer
/// (its length and "cbipcbbl"), read back from the file's end as exiftool reads them, one after another. An IPTC
/// record in an AFCP or FotoStation trailer (captions, bylines, keywords) becomes the image's own where it has none,
/// so it is written wherever the format keeps one. Previews and thumbnails, which show the old pixels, are left out
/// without a word; anything else (Photo Mechanic's ratings, colour classes and soft crops, FotoStation's soft crop,
/// AFCP's text, an IPTC record other than the image's own) is left out and reported.
/// </summary>
internal static class MetadataTrailers
{
    // Trailers followed one another from the file's end; more than this many is not a file a program wrote.
    private const int MostTrailers = 16;

    /// <summary>
    /// Reads the trailers at the end of <paramref name="source"/> and takes an IPTC record from one as the image's own
    /// where the image has none (Adopted); LeftOut is true where something else of them is left out (see the class).
    /// </summary>
    public static (bool Adopted, bool LeftOut) TakeIptcLeaveRest(Image image, Stream source)
    {
        (List<byte[]> records, bool rest) = Read(source);
        bool adopted = false;
        foreach (byte[] record in records)
        {
            IptcProfile found;
            try
            {
                found = new IptcProfile(record);
            }
            catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
            {
                rest = true;
                continue;
            }

            if (!found.Values.Any())
            {
                continue;
            }

            IptcProfile? own = image.Metadata.IptcProfile;
            if (own is null || !own.Values.Any())
            {
                image.Metadata.IptcProfile = found;
                adopted = true;
            }
            else if (!found.Values.All(v => own.Values.Any(o => o.Tag == v.Tag && o.Value == v.Value)))
            {
                rest = true;
            }
        }

        return (adopted, rest);
    }

    /// <summary>The IPTC records the trailers hold, and whether they hold anything else that is not a preview.</summary>
    internal static (List<byte[]> Records, bool LeftOut) Read(Stream source)
    {
        var records = new List<byte[]>();
        bool rest = false;
        long end = source.Length;
        Span<byte> footer = stackalloc byte[12];
        for (int n = 0; n < MostTrailers && end >= 12; n++)
        {
            source.Position = end - 12;
            if (source.ReadAtLeast(footer, 12, throwOnEndOfStream: false) != 12)
            {
                break;
            }

            long start;
            if (footer.StartsWith("AXS"u8) && footer[3] is (byte)'!' or (byte)'*')
            {
                start = ReadAfcp(source, end, footer, records, ref rest);
            }
            else if (BinaryPrimitives.ReadUInt32BigEndian(footer.Slice(8)) == 0xA1B2C3D4)
            {
                // FotoStation: the record's type and its length, footer included, before the signature.
                int type = BinaryPrimitives.ReadUInt16BigEndian(footer.Slice(2));
                uint size = BinaryPrimitives.ReadUInt32BigEndian(footer.Slice(4));
                start = size < 10 || size > end ? -1 : end - size;
                if (start >= 0 && type == 1)
                {
                    source.Position = start;
                    records.Add(JpegHeader.Read(source, (int)size - 10));
                }
                else if (start >= 0 && type is not (3 or 4))
                {
                    // The soft edit (2: the crop and rotation a picture desk chose), or a record of a type unknown.
                    rest = true;
                }
            }
            else if (footer.Slice(4).SequenceEqual("cbipcbbl"u8))
            {
                // Photo Mechanic: IPTC-format records of its own (ratings, colour classes, tags, soft crops).
                uint size = BinaryPrimitives.ReadUInt32BigEndian(footer);
                start = size > end - 12 ? -1 : end - 12 - size;
                rest |= start >= 0;
            }
            else
            {
                break;
            }

            if (start < 0 || start >= end)
            {
                // A signature with a length that does not fit: whatever it was, it is not written.
                rest = true;
                break;
            }

            end = start;
        }

        return (records, rest);
    }

    // An AFCP trailer ending at `end`: its end record gives where it starts, where the same signature, a version, the
    // entry count and a checksum begin a directory of entries (a four-letter tag, the size and the file offset of its
    // data), big-endian after "AXS!", little-endian after "AXS*". Returns where it starts, or -1.
    private static long ReadAfcp(Stream source, long end, ReadOnlySpan<byte> footer, List<byte[]> records, ref bool rest)
    {
        bool big = footer[3] == (byte)'!';
        uint U32(ReadOnlySpan<byte> b) => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
        long start = U32(footer.Slice(4));
        if (start + 12 > end - 12)
        {
            return -1;
        }

        source.Position = start;
        byte[] header = JpegHeader.Read(source, 12);
        if (header.Length != 12 || !header.AsSpan(0, 4).SequenceEqual(footer.Slice(0, 4)))
        {
            return -1;
        }

        int count = big ? BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(6)) : BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
        if (start + 12 + (12L * count) > end)
        {
            return -1;
        }

        byte[] directory = JpegHeader.Read(source, 12 * count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = directory.AsSpan(12 * i, 12);
            uint size = U32(entry.Slice(4));
            uint offset = U32(entry.Slice(8));
            if (offset < start || offset + (long)size > end)
            {
                return -1;
            }

            if (entry.StartsWith("IPTC"u8))
            {
                source.Position = offset;
                records.Add(JpegHeader.Read(source, (int)size));
            }
            else if (!entry.StartsWith("Nail"u8) && !entry.StartsWith("PrVw"u8))
            {
                // Text, or an entry of another program's; the thumbnail and preview show the old pixels.
                rest = true;
            }
        }

        return start;
    }
}
