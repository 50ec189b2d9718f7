using System;
using System.Buffers.Binary;
using System.IO;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Tiff;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Photoshop's image resources, as a JPEG (APP13 "Photoshop 3.0") or a TIFF (tag 34377) keeps them: "8BIM" blocks of
/// an id, a name, a size and the data. ImageSharp 2.1 reads only the IPTC record among them. The module keeps them
/// in a JPEG written from a JPEG, and in a TIFF written from a JPEG or a TIFF, without their thumbnails; in any other
/// output the paths saved with a picture (a product photo's clipping path, the paths a print layout cuts it out by)
/// are lost, and reported so.
/// </summary>
internal static class PhotoshopResources
{
    /// <summary>True where the source's resources hold a path (ids 2000-2997) or name a clipping path (2999).</summary>
    public static bool HasPaths(Stream source, IImageFormat format)
    {
        byte[]? resources = format switch
        {
            JpegFormat => FromJpeg(source),
            TiffFormat => HeaderChecks.TiffTagBytes(source, 34377),
            _ => null,
        };
        source.Position = 0;
        return resources is not null && Lists(resources, id => id is (>= 2000 and <= 2997) or 2999);
    }

    // The resources of every APP13 "Photoshop 3.0" segment, joined: over 64 KB they are split over several.
    private static byte[]? FromJpeg(Stream source)
    {
        using var joined = new MemoryStream();
        foreach ((byte marker, int length) in JpegHeader.Segments(source))
        {
            byte[] header = MetadataFidelity.PhotoshopHeader;
            if (marker != MetadataFidelity.PhotoshopMarker || length <= header.Length)
            {
                continue;
            }

            byte[] payload = JpegHeader.Read(source, length);
            if (payload.AsSpan().StartsWith(header))
            {
                joined.Write(payload, header.Length, payload.Length - header.Length);
            }
        }

        return joined.Length > 0 ? joined.ToArray() : null;
    }

    /// <summary>
    /// The source's resources for a TIFF's tag 34377, without the thumbnails (0x0409, 0x040C), which show the old
    /// pixels; null where it has none, or they do not parse.
    /// </summary>
    public static byte[]? ForTiff(Stream source, IImageFormat format)
    {
        byte[]? resources = format switch
        {
            JpegFormat => FromJpeg(source),
            TiffFormat => HeaderChecks.TiffTagBytes(source, 34377),
            _ => null,
        };
        source.Position = 0;
        return resources is null ? null : WithoutThumbnails(resources) is { Length: > 0 } kept ? kept : null;
    }

    /// <summary>The resources without the thumbnails (0x0409, 0x040C); null where a block does not parse.</summary>
    internal static byte[]? WithoutThumbnails(byte[] resources)
    {
        if (Blocks(resources) is not { } blocks)
        {
            return null;
        }

        using var kept = new MemoryStream();
        foreach ((int id, int at, int length) in blocks)
        {
            if (id is not (0x0409 or 0x040C))
            {
                kept.Write(resources, at, length);
            }
        }

        return kept.ToArray();
    }

    // True where some block's id satisfies the test.
    private static bool Lists(byte[] resources, Func<int, bool> wanted)
        => Blocks(resources, whole: false) is { } blocks && blocks.Exists(b => wanted(b.Id));

    // Each "8BIM" block: its id, where it starts and its length with its padding. Null where one does not parse and
    // the blocks must be whole; else those before it.
    private static System.Collections.Generic.List<(int Id, int At, int Length)>? Blocks(byte[] resources, bool whole = true)
    {
        var blocks = new System.Collections.Generic.List<(int Id, int At, int Length)>();
        int p = 0;
        while (p < resources.Length)
        {
            if (p + 12 > resources.Length || !resources.AsSpan(p, 4).SequenceEqual("8BIM"u8))
            {
                return whole ? null : blocks;
            }

            int id = BinaryPrimitives.ReadUInt16BigEndian(resources.AsSpan(p + 4));
            int name = 1 + resources[p + 6];
            name += name & 1;
            int sizeAt = p + 6 + name;
            long size = sizeAt + 4 <= resources.Length ? BinaryPrimitives.ReadUInt32BigEndian(resources.AsSpan(sizeAt)) : -1;
            long next = sizeAt + 4 + size + (size & 1);
            if (size < 0 || next > resources.Length + 1)
            {
                return whole ? null : blocks;
            }

            next = Math.Min(next, resources.Length);
            blocks.Add((id, p, (int)(next - p)));
            p = (int)next;
        }

        return blocks;
    }
}
