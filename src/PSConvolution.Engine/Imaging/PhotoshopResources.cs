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
/// whole only in a JPEG written from a JPEG, so the paths saved with a picture (a product photo's clipping path, the
/// paths a print layout cuts it out by) are lost in any other output.
/// </summary>
internal static class PhotoshopResources
{
    private static readonly byte[] JpegHeader = System.Text.Encoding.ASCII.GetBytes("Photoshop 3.0\0");

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
        foreach ((byte marker, int length) in Imaging.JpegHeader.Segments(source))
        {
            if (marker != MetadataFidelity.PhotoshopMarker || length <= JpegHeader.Length)
            {
                continue;
            }

            byte[] payload = Imaging.JpegHeader.Read(source, length);
            if (payload.AsSpan().StartsWith(JpegHeader))
            {
                joined.Write(payload, JpegHeader.Length, payload.Length - JpegHeader.Length);
            }
        }

        return joined.Length > 0 ? joined.ToArray() : null;
    }

    // True where some block's id satisfies the test; blocks are read until one does not parse.
    private static bool Lists(byte[] resources, Func<int, bool> wanted)
    {
        int p = 0;
        while (p + 12 <= resources.Length && resources.AsSpan(p, 4).SequenceEqual("8BIM"u8))
        {
            int id = BinaryPrimitives.ReadUInt16BigEndian(resources.AsSpan(p + 4));
            if (wanted(id))
            {
                return true;
            }

            int name = 1 + resources[p + 6];
            name += name & 1;
            int sizeAt = p + 6 + name;
            if (sizeAt + 4 > resources.Length)
            {
                return false;
            }

            long size = BinaryPrimitives.ReadUInt32BigEndian(resources.AsSpan(sizeAt));
            long next = sizeAt + 4 + size + (size & 1);
            if (next > resources.Length + 1)
            {
                return false;
            }

            p = (int)Math.Min(next, resources.Length);
        }

        return false;
    }
}
