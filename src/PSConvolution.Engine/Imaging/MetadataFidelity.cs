using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Keeps a file's colour profile, XMP packet, EXIF sizes and JPEG comments across ImageSharp 2.1, which reads an
/// ICC profile from neither PNG (iCCP) nor WebP (ICCP), writes it to neither, keeps TIFF's profile, packet and tags
/// on the first frame rather than the image, and drops a JPEG's comment segments. Profiles are gathered at image
/// level before encoding, and the encoded bytes of PNG and WebP get the chunk the encoder left out.
/// </summary>
internal static class MetadataFidelity
{
    /// <summary>
    /// Leaves out EXIF that cannot be read. ImageSharp parses an EXIF block the first time a value is asked of it, and a
    /// damaged one throws then, from wherever it was asked (an entry counting two billion values threw "Specified
    /// argument was out of the range of valid values" from the orientation lookup). Viewers show such a photo, so its
    /// pixels are convolved and written, without the block. So is a block that reads but cannot be written back, which
    /// ImageSharp's encoders would throw on. True when one was left out.
    /// </summary>
    public static bool LeaveOutDamagedExif(Image image)
    {
        bool damaged = !Usable(image.Metadata.ExifProfile);
        if (damaged)
        {
            image.Metadata.ExifProfile = null;
        }

        foreach (ImageFrame frame in image.Frames)
        {
            if (!Usable(frame.Metadata.ExifProfile))
            {
                frame.Metadata.ExifProfile = null;
                damaged = true;
            }
        }

        return damaged;
    }

    // Readable, and writable once values with nothing in them are dropped: an encoded string (UserComment,
    // GPSProcessingMethod, GPSAreaInformation) shorter than its 8-byte character code is read with no text, and
    // ImageSharp 2.1 then throws writing the block (found by fuzzing: a TIFF's GPSProcessingMethod of four bytes).
    private static bool Usable(ExifProfile? exif)
    {
        if (exif is null)
        {
            return true;
        }

        if (!Readable(exif))
        {
            return false;
        }

        foreach (IExifValue value in exif.Values.ToArray())
        {
            if (value.GetValue() is EncodedString { Text: null })
            {
                exif.RemoveValue(value.Tag);
            }
        }

        try
        {
            _ = exif.ToByteArray();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The most bytes of EXIF (after "Exif\0\0") and of an XMP packet (after its namespace and NUL) one JPEG APP1 segment holds.</summary>
    internal const int JpegExifRoom = 65533 - 6;

    /// <inheritdoc cref="JpegExifRoom"/>
    internal const int JpegXmpRoom = 65533 - 29;

    /// <summary>
    /// Leaves out of a JPEG an EXIF block or an XMP packet larger than one APP1 segment holds (64 KB). ImageSharp 2.1
    /// splits such a one over several segments, which no reader joins: the first holds a cut TIFF structure or half an
    /// XML document, and the rest are not EXIF or XMP at all. (Adobe's extended XMP, which splits a packet properly,
    /// needs its properties divided between two packets.) Says which were left out.
    /// </summary>
    public static (bool Exif, bool Xmp) LeaveOutOversizedForJpeg(Image image)
    {
        bool exif = image.Metadata.ExifProfile is { } profile && profile.ToByteArray()?.Length > JpegExifRoom;
        bool xmp = image.Metadata.XmpProfile?.ToByteArray()?.Length > JpegXmpRoom;
        if (exif)
        {
            image.Metadata.ExifProfile = null;
        }

        if (xmp)
        {
            image.Metadata.XmpProfile = null;
        }

        return (exif, xmp);
    }

    /// <summary>True when every value of <paramref name="exif"/> can be read (or there is none).</summary>
    public static bool Readable(ExifProfile? exif)
    {
        try
        {
            _ = exif?.Values;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException or NotSupportedException or EndOfStreamException or ImageFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// An EXIF Orientation outside 1-8 becomes 1: viewers ignore such a value and show the picture as stored, as the
    /// engine reads it, and TIFF, which holds the tag among its own, allows only 1-8 (libtiff: "Bad value 9 for
    /// Orientation tag").
    /// </summary>
    public static void NormaliseOrientation(Image image)
    {
        if (image.Metadata.ExifProfile?.GetValue(ExifTag.Orientation) is { Value: < 1 or > 8 })
        {
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)1);
        }
    }

    /// <summary>One ICC profile, one XMP packet, one IPTC record and one EXIF profile at image level, from wherever the source kept them.</summary>
    public static void Gather(Image image, Stream source, IImageFormat format)
    {
        SixLabors.ImageSharp.Metadata.ImageFrameMetadata root = image.Frames.RootFrame.Metadata;
        image.Metadata.IccProfile ??= root.IccProfile;
        image.Metadata.XmpProfile ??= root.XmpProfile;
        image.Metadata.IptcProfile ??= root.IptcProfile;

        // A TIFF's own tags (Orientation, Artist, Copyright, ImageDescription, DateTime ...) and its EXIF directory
        // are read onto the first frame too, mixed with the tags that describe its strips, which no output keeps.
        if (image.Metadata.ExifProfile is null && root.ExifProfile is { } tags && format is SixLabors.ImageSharp.Formats.Tiff.TiffFormat)
        {
            ExifProfile kept = tags.DeepClone();
            foreach (IExifValue value in tags.Values)
            {
                if (TiffLayoutTags.Contains((ushort)value.Tag))
                {
                    kept.RemoveValue(value.Tag);
                }
            }

            image.Metadata.ExifProfile = kept.Values.Count > 0 ? kept : null;
        }
        // A source that states no resolution is decoded with ImageSharp's default, 96 pixels an inch, which every
        // encoder would then write as if the source had stated it: a PNG without pHYs came out claiming 96 dpi. It is
        // marked an aspect ratio of 1:1 instead, what each format writes for "not stated": JPEG's JFIF density in no
        // unit, TIFF's ResolutionUnit 1 (none), BMP's 0 pixels a metre, and no pHYs in PNG.
        if (!StatesResolution(image, source, format))
        {
            image.Metadata.ResolutionUnits = PixelResolutionUnit.AspectRatio;
            image.Metadata.HorizontalResolution = 1;
            image.Metadata.VerticalResolution = 1;
        }

        if (image.Metadata.IccProfile is null)
        {
            byte[]? icc = format switch
            {
                PngFormat => ReadPngIcc(source),
                WebpFormat => ReadWebpChunk(source, "ICCP"),
                _ => null,
            };
            if (icc is { Length: > 0 })
            {
                image.Metadata.IccProfile = new IccProfile(icc);
            }
        }
    }

    /// <summary>
    /// True when the decoded resolution was read from the source: an aspect ratio (never ImageSharp's default), PNG's
    /// pHYs, TIFF's XResolution, BMP's pixels a metre, JPEG's JFIF segment or EXIF XResolution (ImageSharp reads
    /// either). GIF, TGA, Netpbm and WebP have no resolution of their own beyond GIF's aspect ratio.
    /// </summary>
    internal static bool StatesResolution(Image image, Stream source, IImageFormat format)
    {
        if (image.Metadata.ResolutionUnits == PixelResolutionUnit.AspectRatio)
        {
            return true;
        }

        switch (format)
        {
            case PngFormat:
                return ReadPngChunk(source, "pHYs") is not null;
            case SixLabors.ImageSharp.Formats.Tiff.TiffFormat:
                return HeaderChecks.TiffHasTag(source, 282);
            case SixLabors.ImageSharp.Formats.Bmp.BmpFormat:
                // BITMAPINFOHEADER and its successors (40 bytes or more, after the 14-byte file header) hold
                // biXPelsPerMeter and biYPelsPerMeter at file offsets 38 and 42; the 12-byte OS/2 header none.
                Span<byte> bmp = stackalloc byte[32];
                source.Position = 14;
                int read = source.ReadAtLeast(bmp, 32, throwOnEndOfStream: false);
                return read == 32 && BinaryPrimitives.ReadUInt32LittleEndian(bmp) >= 40
                    && (BinaryPrimitives.ReadInt32LittleEndian(bmp.Slice(24)) > 0 || BinaryPrimitives.ReadInt32LittleEndian(bmp.Slice(28)) > 0);
            case SixLabors.ImageSharp.Formats.Jpeg.JpegFormat:
                if (image.Metadata.ExifProfile?.GetValue(ExifTag.XResolution) is not null)
                {
                    return true;
                }

                Span<byte> identifier = stackalloc byte[5];
                foreach ((byte marker, int length) in JpegHeader.Segments(source))
                {
                    if (marker == 0xE0 && length >= 5 && source.ReadAtLeast(identifier, 5, throwOnEndOfStream: false) == 5 && identifier.SequenceEqual("JFIF\0"u8))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    // TIFF tags that say how a TIFF's pixels are laid out in that file (size, strips, tiles, samples, compression,
    // pages), and the profiles kept on their own (XMP 700, IPTC 33723, Photoshop 34377, ICC 34675).
    private static readonly HashSet<ushort> TiffLayoutTags = new()
    {
        254, 255, 256, 257, 258, 259, 262, 263, 266, 273, 277, 278, 279, 280, 281, 284, 285, 292, 293, 297, 317, 320, 321,
        322, 323, 324, 325, 330, 338, 339, 340, 341, 347, 512, 513, 514, 515, 517, 518, 519, 520, 521, 529, 530, 531,
        532, 700, 33723, 34377, 34675,
    };

    /// <summary>
    /// The kinds of metadata the image carries that <paramref name="format"/> has no place for (see
    /// <see cref="ImageFormats.MetadataPlaces"/>), and so are left out of the file written. EXIF counts where it says
    /// more than how the pixels are laid out: its orientation (applied to a format without EXIF), the resolution (which
    /// BMP keeps in its own header), the pixel dimensions and the EXIF and colour space versions say nothing a reader
    /// would miss.
    /// </summary>
    public static MetadataKinds Unplaced(Image image, OutputFormat format)
    {
        ImageMetadata metadata = image.Metadata;
        MetadataKinds carried = MetadataKinds.None;
        if (metadata.ExifProfile is { } exif && exif.Values.Any(SaysMoreThanLayout))
        {
            carried |= MetadataKinds.Exif;
        }

        if (metadata.IccProfile is not null)
        {
            carried |= MetadataKinds.ColourProfile;
        }

        if (metadata.XmpProfile?.ToByteArray() is { Length: > 0 })
        {
            carried |= MetadataKinds.Xmp;
        }

        if (metadata.IptcProfile?.Values.Any() == true)
        {
            carried |= MetadataKinds.Iptc;
        }

        return carried & ~ImageFormats.MetadataPlaces(format);
    }

    // EXIF tags beyond the TIFF layout ones that only describe the pixels as stored (orientation, resolution, YCbCr
    // positioning, the EXIF and Flashpix versions, the colour space, the components' order, the pixel dimensions), and
    // Software, which names the program that wrote the source, not the one that writes the output.
    private static readonly HashSet<ushort> ExifLayoutTags = new() { 274, 282, 283, 296, 305, 531, 36864, 37121, 40960, 40961, 40962, 40963 };

    // True for an EXIF value a reader would miss: not a layout tag, nor a white point or primaries that are sRGB's own
    // (ImageMagick states them in every TIFF it writes), which every format without them is read as.
    private static bool SaysMoreThanLayout(IExifValue value)
    {
        ushort tag = (ushort)value.Tag;
        if (TiffLayoutTags.Contains(tag) || ExifLayoutTags.Contains(tag))
        {
            return false;
        }

        // WhitePoint is the table's first two values; PrimaryChromaticities the six after them.
        (int first, int count) = tag switch { 318 => (0, 2), 319 => (2, 6), _ => (0, 0) };
        if (count == 0 || value.GetValue() is not Rational[] stated || stated.Length != count || stated.Any(r => r.Denominator == 0))
        {
            return true;
        }

        return AwayFromSrgb(stated.Select(r => (double)r.Numerator / r.Denominator).ToArray(), first);
    }

    // sRGB's white point (D65) and its red, green and blue primaries (BT.709), x then y each, as PNG's cHRM orders them.
    private static readonly double[] SrgbChromaticities = { 0.3127, 0.3290, 0.64, 0.33, 0.30, 0.60, 0.15, 0.06 };

    // True where the values, from the table's `first` on, differ from sRGB's by more than writers' rounding (0.001; a
    // cHRM chunk's 100 units, not counting the double's own rounding).
    private static bool AwayFromSrgb(double[] values, int first)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (Math.Abs(values[i] - SrgbChromaticities[first + i]) > 0.001 + 1e-9)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when a colour profile describes the colour model written: its data colour space (header bytes 16-19) is
    /// GRAY for grey samples, RGB for colour ones. An RGB profile on a grey result, or a grey or CMYK one on an RGB
    /// result, would be misread by colour-managed readers (libpng refuses it outright: PNG 11.3.3.3).
    /// </summary>
    public static bool ProfileFits(IccProfile profile, bool grey)
    {
        byte[] data = profile.ToByteArray();
        return data.Length >= 20 && Encoding.ASCII.GetString(data, 16, 4) == (grey ? "GRAY" : "RGB ");
    }

    /// <summary>The EXIF pixel dimensions, where present, say the size the image now has.</summary>
    public static void UpdateExifSize(Image image)
    {
        ExifProfile? exif = image.Metadata.ExifProfile;
        if (exif is null)
        {
            return;
        }

        if (exif.GetValue(ExifTag.PixelXDimension) is not null)
        {
            exif.SetValue(ExifTag.PixelXDimension, image.Width);
        }

        if (exif.GetValue(ExifTag.PixelYDimension) is not null)
        {
            exif.SetValue(ExifTag.PixelYDimension, image.Height);
        }
    }

    /// <summary>
    /// The same for an XMP packet: its exif:PixelXDimension, exif:PixelYDimension, tiff:ImageWidth and
    /// tiff:ImageLength, written as attributes of an rdf:Description or as elements, become the new size, and where
    /// the picture was turned <paramref name="upright"/>, its tiff:Orientation becomes 1. The packet is rewritten only
    /// where one of them changes, and left as it is where it cannot be parsed.
    /// </summary>
    public static void UpdateXmp(Image image, bool upright)
    {
        if (XmpDocument(image) is not { Root: not null } document)
        {
            return;
        }

        System.Xml.Linq.XNamespace exifNs = "http://ns.adobe.com/exif/1.0/";
        System.Xml.Linq.XNamespace tiffNs = "http://ns.adobe.com/tiff/1.0/";
        var values = new Dictionary<System.Xml.Linq.XName, int>
        {
            [exifNs + "PixelXDimension"] = image.Width,
            [exifNs + "PixelYDimension"] = image.Height,
            [tiffNs + "ImageWidth"] = image.Width,
            [tiffNs + "ImageLength"] = image.Height,
        };
        if (upright)
        {
            values[tiffNs + "Orientation"] = 1;
        }

        bool changed = false;
        foreach (System.Xml.Linq.XElement element in document.Root.DescendantsAndSelf())
        {
            foreach (System.Xml.Linq.XAttribute attribute in element.Attributes())
            {
                changed |= Resize(attribute.Name, attribute.Value, v => attribute.Value = v);
            }

            if (!element.HasElements)
            {
                changed |= Resize(element.Name, element.Value, v => element.Value = v);
            }
        }

        if (changed)
        {
            SetXmp(image, document);
        }

        bool Resize(System.Xml.Linq.XName name, string value, Action<string> set)
        {
            if (!values.TryGetValue(name, out int wanted) || value.Trim() == wanted.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return false;
            }

            set(wanted.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return true;
        }
    }

    /// <summary>
    /// True where the source described something after its picture that the output, the picture alone, leaves out: in
    /// its XMP (taken out here, <see cref="LeaveOutAppendedXmp"/>), in a JPEG's MPF segment
    /// (<see cref="ListsAppendedImages"/>) or in a Samsung trailer after a JPEG or PNG
    /// (<see cref="SamsungTrailerListsMedia"/>). ImageSharp carries neither of the last two.
    /// </summary>
    public static bool LeaveOutAppended(Image image, Stream source, IImageFormat format)
        => LeaveOutAppendedXmp(image)
            | (format is SixLabors.ImageSharp.Formats.Jpeg.JpegFormat && ListsAppendedImages(source))
            | ((format is SixLabors.ImageSharp.Formats.Jpeg.JpegFormat or PngFormat) && SamsungTrailerListsMedia(source));

    /// <summary>
    /// Takes out of the XMP what says a video or an image follows the picture (Google's GCamera:MicroVideo and
    /// MotionPhoto properties, the Container:Directory of items appended after the picture, as motion photos and
    /// Ultra HDR gain maps have, and the hdrgm properties by which an Ultra HDR picture says it has a gain map), and
    /// returns true where there was any. ImageSharp writes the picture alone, so what followed it is gone; left in,
    /// the description would send a viewer to the last bytes of the new file for a video or gain map that is not
    /// there. Nor is a video carried: it would show, unconvolved, what a blur may have been meant to hide.
    /// </summary>
    private static bool LeaveOutAppendedXmp(Image image)
    {
        if (XmpDocument(image) is not { Root: not null } document)
        {
            return false;
        }

        System.Xml.Linq.XNamespace camera = "http://ns.google.com/photos/1.0/camera/";
        System.Xml.Linq.XNamespace container = "http://ns.google.com/photos/1.0/container/";
        System.Xml.Linq.XNamespace gainMap = "http://ns.adobe.com/hdr-gain-map/1.0/";
        bool Describes(System.Xml.Linq.XName name)
            => (name.Namespace == camera && (name.LocalName.StartsWith("MicroVideo", StringComparison.Ordinal) || name.LocalName.StartsWith("MotionPhoto", StringComparison.Ordinal)))
                || name == container + "Directory" || name.Namespace == gainMap;

        var attributes = document.Root.DescendantsAndSelf().SelectMany(e => e.Attributes()).Where(a => Describes(a.Name)).ToList();
        var elements = document.Root.Descendants().Where(e => Describes(e.Name)).ToList();
        if (attributes.Count == 0 && elements.Count == 0)
        {
            return false;
        }

        attributes.ForEach(a => a.Remove());
        elements.ForEach(e => e.Remove());

        // Nothing of the gain map's namespace is left, so its declaration goes too.
        document.Root.DescendantsAndSelf().SelectMany(e => e.Attributes()).Where(a => a.IsNamespaceDeclaration && a.Value == gainMap.NamespaceName).ToList().ForEach(a => a.Remove());
        SetXmp(image, document);
        return true;
    }

    /// <summary>
    /// True where the JPEG's Multi-Picture Format segment (APP2 "MPF", CIPA DC-007) lists an image after the picture
    /// that is not a preview: an HDR gain map (an iPhone's, or an Ultra HDR one's), the other view of a stereo photo
    /// (an MPO file), the other frames of a panorama or multi-angle set. ImageSharp writes the picture alone and not the
    /// segment, so such an image is gone from the output. A camera's large thumbnail (type class 1), a smaller copy of
    /// the picture as it was, is not counted: it would show the old pixels, and leaving it out loses nothing.
    /// A segment that cannot be read lists nothing.
    /// </summary>
    private static bool ListsAppendedImages(Stream source)
    {
        // APP2 also carries ICC profiles, up to 64 KB a segment: only an MPF segment is read whole.
        Span<byte> identifier = stackalloc byte[4];
        foreach ((byte marker, int length) in JpegHeader.Segments(source))
        {
            if (marker != 0xE2 || length < 16)
            {
                continue;
            }

            if (source.ReadAtLeast(identifier, 4, throwOnEndOfStream: false) == 4 && identifier.SequenceEqual("MPF\0"u8)
                && MpfListsAppendedImages(JpegHeader.Read(source, length - 4)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True where the file ends with a Samsung trailer (SEF: blocks after the picture, then an "SEFH" directory, its
    /// length and "SEFT", little-endian, as exiftool reads it) that lists media: a motion photo's video
    /// (MotionPhoto_Data, 0x0a30), a sound shot's audio (0x0100), a surround shot's video (0x0201), or another image
    /// (0x0001, 0x0a20). Galaxy phones before Google's motion photo XMP wrote their videos only so. A trailer of
    /// timestamps and capture settings alone lists none. ImageSharp writes the picture alone, so the trailer is gone.
    /// </summary>
    private static bool SamsungTrailerListsMedia(Stream source)
    {
        long length = source.Length;
        Span<byte> tail = stackalloc byte[8];
        if (length < 8 + 12)
        {
            return false;
        }

        source.Position = length - 8;
        if (source.ReadAtLeast(tail, 8, throwOnEndOfStream: false) != 8 || !tail.Slice(4).SequenceEqual("SEFT"u8))
        {
            return false;
        }

        uint directoryLength = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (directoryLength < 12 || directoryLength >= 0x10000 || directoryLength + 8 > length)
        {
            return false;
        }

        long directoryStart = length - 8 - directoryLength;
        source.Position = directoryStart;
        byte[] directory = JpegHeader.Read(source, (int)directoryLength);
        if (directory.Length == 0 || !directory.AsSpan().StartsWith("SEFH"u8))
        {
            return false;
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(8));
        for (int i = 0; i < count && 12 + (12L * (i + 1)) <= directory.Length; i++)
        {
            ReadOnlySpan<byte> entry = directory.AsSpan(12 + (12 * i), 12);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(entry.Slice(2));
            uint back = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(4));
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(8));
            if (back > directoryStart || size > back || size < 8)
            {
                return false;
            }

            if (type is 0x0a30 or 0x0100 or 0x0201 or 0x0001 or 0x0a20)
            {
                return true;
            }
        }

        return false;
    }

    // The MP Index IFD of an MPF segment's TIFF structure (offsets from its header): the MP Entry tag (0xB002) holds 16
    // bytes an image, the first the picture's; each later one's attribute has its type in the low 24 bits. Without
    // entries, a Number Of Images (0xB001) above one counts.
    private static bool MpfListsAppendedImages(ReadOnlySpan<byte> tiff)
    {
        bool little;
        if (tiff.StartsWith("II*\0"u8))
        {
            little = true;
        }
        else if (tiff.StartsWith("MM\0*"u8))
        {
            little = false;
        }
        else
        {
            return false;
        }

        uint U32(ReadOnlySpan<byte> b) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
        ushort U16(ReadOnlySpan<byte> b) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);
        long ifd = U32(tiff.Slice(4));
        if (ifd + 2 > tiff.Length)
        {
            return false;
        }

        int count = U16(tiff.Slice((int)ifd));
        uint images = 0;
        for (int i = 0; i < count && ifd + 2 + ((i + 1) * 12L) <= tiff.Length; i++)
        {
            ReadOnlySpan<byte> field = tiff.Slice((int)ifd + 2 + (i * 12), 12);
            ushort tag = U16(field);
            uint values = U32(field.Slice(4));
            if (tag == 0xB001)
            {
                images = U32(field.Slice(8));
            }
            else if (tag == 0xB002 && values >= 32 && values % 16 == 0)
            {
                long at = U32(field.Slice(8));
                if (at + values > tiff.Length)
                {
                    return images > 1;
                }

                for (long e = at + 16; e < at + values; e += 16)
                {
                    uint type = U32(tiff.Slice((int)e)) & 0xFFFFFF;
                    if ((type & 0xFF0000) != 0x010000)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        return images > 1;
    }

    // The image's XMP packet as a document, or null without one or where it is not well-formed XML.
    internal static System.Xml.Linq.XDocument? XmpDocument(Image image)
    {
        byte[]? packet = image.Metadata.XmpProfile?.ToByteArray();
        if (packet is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            // ImageSharp reads a packet as UTF-8; one in UTF-16 (which JPEG allows) is read in its own encoding.
            return WideEncoding(packet) is Encoding wide
                ? System.Xml.Linq.XDocument.Parse(wide.GetString(packet).TrimStart('\uFEFF'), System.Xml.Linq.LoadOptions.PreserveWhitespace)
                : image.Metadata.XmpProfile!.GetDocument();
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    // UTF-16 of either byte order, told by a byte-order mark or by the zero byte beside the packet's first '<'.
    private static Encoding? WideEncoding(byte[] packet)
        => packet.Length < 2 ? null
            : (packet[0] == 0xFE && packet[1] == 0xFF) || (packet[0] == 0 && packet[1] == (byte)'<') ? Encoding.BigEndianUnicode
            : (packet[0] == 0xFF && packet[1] == 0xFE) || (packet[0] == (byte)'<' && packet[1] == 0) ? Encoding.Unicode
            : null;

    /// <summary>
    /// Writes an XMP packet kept in UTF-16 as UTF-8, which every format's XMP must be in as the module writes it (XMP
    /// Part 3): GIF's XMP extension ends at the first zero byte, so a UTF-16 packet came out of a GIF as "Invalid XMP",
    /// and a PNG's iTXt chunk holds UTF-8 only.
    /// </summary>
    public static void XmpAsUtf8(Image image)
    {
        if (image.Metadata.XmpProfile?.ToByteArray() is { } packet && WideEncoding(packet) is not null && XmpDocument(image) is { } document)
        {
            SetXmp(image, document);
        }
    }

    // Gives the image the document as its XMP packet, UTF-8 without a declaration.
    internal static void SetXmp(Image image, System.Xml.Linq.XDocument document)
    {
        using var bytes = new MemoryStream();
        using (var writer = System.Xml.XmlWriter.Create(bytes, new System.Xml.XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true }))
        {
            document.Save(writer);
        }

        image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(bytes.ToArray());
    }

    /// <summary>Where a PNG's iCCP chunk goes: right after the signature and the IHDR chunk.</summary>
    public const int PngIccOffset = 8 + 8 + 13 + 4;

    /// <summary>The iCCP chunk the PNG encoder leaves out, or null when there is no profile.</summary>
    public static byte[]? PngIccChunk(IccProfile? profile)
    {
        byte[]? icc = profile?.ToByteArray();
        if (icc is not { Length: > 0 })
        {
            return null;
        }

        using var data = new MemoryStream();
        data.Write(Encoding.Latin1.GetBytes("ICC Profile\0"));
        data.WriteByte(0); // compression method 0: zlib deflate
        using (var z = new ZLibStream(data, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(icc);
        }

        return PngChunk("iCCP", data.ToArray());
    }

    /// <summary>
    /// A PNG source's cHRM and sRGB chunks, whole, where each is well formed (32 bytes; one byte from 0 to 3): the
    /// primaries and white point, and the sRGB rendering intent, which ImageSharp 2.1 neither reads nor writes. Empty
    /// when there are none. Only ahead of the image data, where the specification puts them.
    /// </summary>
    public static IReadOnlyList<byte[]> ReadPngColourChunks(Stream source)
    {
        var chunks = new List<byte[]>(2);
        if (ReadPngChunk(source, "cHRM") is { Length: 32 } chromaticities)
        {
            chunks.Add(PngChunk("cHRM", chromaticities));
        }

        if (ReadPngChunk(source, "sRGB") is { Length: 1 } intent && intent[0] <= 3)
        {
            chunks.Add(PngChunk("sRGB", intent));
        }

        return chunks;
    }

    /// <summary>
    /// True when a PNG source has a colour space of its own that nothing overrules (no colour profile and no sRGB
    /// chunk, either of which viewers follow instead): a gamma other than sRGB's 1/2.2 (a gAMA chunk, as ImageSharp read
    /// it into <paramref name="image"/>), or primaries or a white point other than sRGB's (a cHRM chunk: a wide-gamut
    /// picture saved without a profile). Another format has no place for either, and viewers would then show the
    /// midtones lighter or darker, or the colours duller or stronger.
    /// </summary>
    public static bool HasOwnPngColourSpace(Image image, Stream source)
    {
        if (image.Metadata.IccProfile is not null || ReadPngChunk(source, "sRGB") is not null)
        {
            return false;
        }

        float gamma = image.Metadata.GetPngMetadata().Gamma;
        return (gamma > 0 && Math.Abs(gamma - (1 / 2.2)) > 0.005) || HasOwnPrimaries(ReadPngChunk(source, "cHRM"));
    }

    // A cHRM chunk's white point and red, green and blue primaries (x and y, times 100,000) away from sRGB's (D65, and
    // BT.709's primaries) by more than writers' rounding.
    private static bool HasOwnPrimaries(byte[]? chrm)
        => chrm is { Length: 32 } && AwayFromSrgb(Enumerable.Range(0, 8).Select(i => BinaryPrimitives.ReadInt32BigEndian(chrm.AsSpan(i * 4)) / 100_000.0).ToArray(), 0);

    /// <summary>
    /// The chunks that go right after a PNG's IHDR: the iCCP chunk, if any, and the source's colour space chunks
    /// (<see cref="ReadPngColourChunks"/>), without sRGB where there is an iCCP (the specification allows one or the
    /// other). Null when there are none.
    /// </summary>
    public static byte[]? PngColourChunks(byte[]? icc, IReadOnlyList<byte[]> colour)
    {
        var all = new List<byte[]>(3);
        if (icc is not null)
        {
            all.Add(icc);
        }

        foreach (byte[] chunk in colour)
        {
            if (icc is null || Encoding.ASCII.GetString(chunk, 4, 4) != "sRGB")
            {
                all.Add(chunk);
            }
        }

        return all.Count == 0 ? null : all.SelectMany(c => c).ToArray();
    }

    /// <summary>
    /// Writes an encoded WebP file (the first <paramref name="count"/> bytes of <paramref name="webp"/>) to
    /// <paramref name="output"/> with an ICCP chunk added, making it an extended (VP8X) file when it is not one.
    /// </summary>
    public static void WriteWebpWithIcc(byte[] webp, int count, IccProfile? profile, int width, int height, Stream output)
    {
        byte[]? icc = profile?.ToByteArray();
        if (icc is not { Length: > 0 } || count < 20 || Encoding.ASCII.GetString(webp, 0, 4) != "RIFF" || Encoding.ASCII.GetString(webp, 8, 4) != "WEBP")
        {
            output.Write(webp, 0, count);
            return;
        }

        string first = Encoding.ASCII.GetString(webp, 12, 4);
        byte[] header;
        int rest;
        if (first == "VP8X")
        {
            int size = BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(16));
            header = webp.AsSpan(12, 8 + size).ToArray();
            header[8] |= 0x20; // ICC profile flag
            rest = 12 + 8 + size + (size & 1);
        }
        else
        {
            // A simple file: VP8X with the ICC flag (and the alpha flag for a lossless image with alpha) and the canvas size.
            bool alpha = first == "VP8L" && count > 25 && (webp[24] & 0x10) != 0;
            header = new byte[18];
            Encoding.ASCII.GetBytes("VP8X").CopyTo(header, 0);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 10);
            header[8] = (byte)(0x20 | (alpha ? 0x10 : 0));
            WriteUInt24(header.AsSpan(12), width - 1);
            WriteUInt24(header.AsSpan(15), height - 1);
            rest = 12;
        }

        // RIFF, the file's size after these 8 bytes, WEBP, the VP8X header, the ICCP chunk (padded to even), the rest.
        int pad = icc.Length & 1;
        byte[] start = new byte[12 + header.Length + 8];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(start, 0);
        BinaryPrimitives.WriteInt32LittleEndian(start.AsSpan(4), start.Length + icc.Length + pad + (count - rest) - 8);
        Encoding.ASCII.GetBytes("WEBP").CopyTo(start, 8);
        header.CopyTo(start, 12);
        Encoding.ASCII.GetBytes("ICCP").CopyTo(start, 12 + header.Length);
        BinaryPrimitives.WriteInt32LittleEndian(start.AsSpan(16 + header.Length), icc.Length);
        output.Write(start, 0, start.Length);
        output.Write(icc, 0, icc.Length);
        if (pad != 0)
        {
            output.WriteByte(0);
        }

        output.Write(webp, rest, count - rest);
    }

    /// <summary>
    /// The segments of a JPEG source that a JPEG written from it keeps, whole (marker and length included), in the
    /// source's order: its comments (COM); the parts of an extended XMP packet (APP1 segments that start
    /// "http://ns.adobe.com/xmp/extension/") whose GUID the standard packet <paramref name="xmp"/> names in
    /// xmpNote:HasExtendedXMP, where Photoshop and Lightroom move what does not fit one segment (a document's history);
    /// and Photoshop's image resources (APP13 "Photoshop 3.0": clipping paths, slices, print settings, with the IPTC
    /// record) without its thumbnails, which would show the old pixels. ImageSharp 2.1 reads and writes none of these
    /// but the IPTC record; the resources are kept only where the source has them in one well-formed segment.
    /// </summary>
    public static IReadOnlyList<byte[]> ReadJpegKept(Stream source, SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile? xmp)
    {
        byte[]? guid = ExtendedXmpGuid(xmp);
        var kept = new List<byte[]>();
        int photoshop = 0;
        foreach ((byte marker, int length) in JpegHeader.Segments(source))
        {
            bool extension = marker == 0xE1 && guid is not null && length > ExtendedXmpHeader.Length + 32;
            if (marker != JpegHeader.Comment && marker != PhotoshopMarker && !extension)
            {
                continue;
            }

            byte[] payload = JpegHeader.Read(source, length);
            if (extension && !(payload.AsSpan().StartsWith(ExtendedXmpHeader) && payload.AsSpan(ExtendedXmpHeader.Length, 32).SequenceEqual(guid)))
            {
                continue;
            }

            if (marker == PhotoshopMarker)
            {
                if (!payload.AsSpan().StartsWith(PhotoshopHeader))
                {
                    continue;
                }

                photoshop++;
                if (WithoutThumbnails(payload) is not { } resources)
                {
                    continue;
                }

                payload = resources;
            }

            kept.Add(Segment(marker, payload));
        }

        source.Position = 0;

        // Resources split over several segments (over 64 KB) may cut one in two: then the IPTC record ImageSharp
        // writes is all that is kept, as before.
        if (photoshop > 1)
        {
            kept.RemoveAll(segment => segment[1] == PhotoshopMarker);
        }

        return kept;
    }

    /// <summary>The APP13 marker, which holds Photoshop's image resources.</summary>
    internal const byte PhotoshopMarker = 0xED;

    internal static readonly byte[] PhotoshopHeader = Encoding.ASCII.GetBytes("Photoshop 3.0\0");

    /// <summary>A JPEG segment: marker, length and payload.</summary>
    internal static byte[] Segment(byte marker, byte[] payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = marker;
        segment[2] = (byte)((payload.Length + 2) >> 8);
        segment[3] = (byte)(payload.Length + 2);
        payload.CopyTo(segment, 4);
        return segment;
    }

    // An APP13 payload with its thumbnail resources (0x0409, 0x040C) taken out; null where its resources do not parse
    // to its end: each is "8BIM", a 16-bit id, a Pascal name padded to an even length, a 32-bit size and the data,
    // padded to an even length.
    private static byte[]? WithoutThumbnails(byte[] payload)
        => PhotoshopResources.WithoutThumbnails(payload.AsSpan(PhotoshopHeader.Length).ToArray()) is { } resources
            ? PhotoshopHeader.Concat(resources).ToArray()
            : null;

    // The namespace that starts each APP1 segment of an extended XMP packet, with its NUL.
    private static readonly byte[] ExtendedXmpHeader = Encoding.ASCII.GetBytes("http://ns.adobe.com/xmp/extension/\0");

    // The GUID (32 hexadecimal digits, as ASCII) an XMP packet names as its extension, as an attribute or an element.
    private static byte[]? ExtendedXmpGuid(SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile? xmp)
    {
        byte[]? bytes = xmp?.ToByteArray();
        if (bytes is null)
        {
            return null;
        }

        System.Text.RegularExpressions.Match named = System.Text.RegularExpressions.Regex.Match(Encoding.UTF8.GetString(bytes), "HasExtendedXMP(?:\\s*=\\s*[\"']|>)([0-9A-Fa-f]{32})[\"'<]");
        return named.Success ? Encoding.ASCII.GetBytes(named.Groups[1].Value) : null;
    }

    /// <summary>
    /// Writes an encoded JPEG file (the first <paramref name="count"/> bytes of <paramref name="jpeg"/>) to
    /// <paramref name="output"/> with the source's <paramref name="segments"/> (<see cref="ReadJpegKept"/>, after
    /// the APPn ones) and
    /// without the quantisation tables that no frame component uses and that hold a zero (ITU T.81 requires every
    /// entry to be at least 1): ImageSharp 2.1 writes an all-zero chrominance table into grey JPEGs.
    /// </summary>
    public static void WriteJpeg(byte[] jpeg, int count, IReadOnlyList<byte[]> segments, Stream output)
    {
        // Which tables the frame header's components use.
        int used = 0;
        for (int i = 2; i + 4 < count;)
        {
            if (jpeg[i] != 0xFF)
            {
                output.Write(jpeg, 0, count);
                return;
            }

            byte marker = jpeg[i + 1];
            int length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker is 0xC0 or 0xC1 or 0xC2 && i + 12 < count)
            {
                int components = jpeg[i + 9];
                for (int c = 0; c < components && i + 12 + (3 * c) < count; c++)
                {
                    used |= 1 << (jpeg[i + 12 + (3 * c)] & 3);
                }
            }

            if (marker == 0xDA)
            {
                break;
            }

            i += 2 + length;
        }

        // The segments before the scan, mended, then the scan and the rest as they are.
        using var header = new MemoryStream();
        int p = 2;
        header.Write(jpeg, 0, 2);
        bool inserted = segments.Count == 0;
        bool ownResources = segments.Any(segment => segment[1] == PhotoshopMarker);
        while (p + 4 < count && jpeg[p] == 0xFF && jpeg[p + 1] != 0xDA)
        {
            int length = (jpeg[p + 2] << 8) | jpeg[p + 3];
            if (ownResources && jpeg[p + 1] == PhotoshopMarker)
            {
                // The encoder's IPTC record: the source's resources, which hold it, take its place.
                p += 2 + length;
                continue;
            }

            if (!inserted && jpeg[p + 1] is < 0xE0 or > 0xEF)
            {
                WriteSegments(header, segments);
                inserted = true;
            }

            if (jpeg[p + 1] != 0xDB)
            {
                header.Write(jpeg, p, 2 + length);
                p += 2 + length;
                continue;
            }

            using var kept = new MemoryStream();
            for (int t = p + 4; t < p + 2 + length;)
            {
                int precision = jpeg[t] >> 4;
                int size = 1 + (precision == 0 ? 64 : 128);
                bool zero = false;
                for (int k = 0; k < 64; k++)
                {
                    int v = precision == 0 ? jpeg[t + 1 + k] : (jpeg[t + 1 + (2 * k)] << 8) | jpeg[t + 2 + (2 * k)];
                    zero |= v == 0;
                }

                if (!zero || (used & (1 << (jpeg[t] & 3))) != 0)
                {
                    kept.Write(jpeg, t, size);
                }

                t += size;
            }

            if (kept.Length > 0)
            {
                header.WriteByte(0xFF);
                header.WriteByte(0xDB);
                header.WriteByte((byte)((kept.Length + 2) >> 8));
                header.WriteByte((byte)(kept.Length + 2));
                kept.WriteTo(header);
            }

            p += 2 + length;
        }

        if (!inserted)
        {
            WriteSegments(header, segments);
        }

        header.WriteTo(output);
        output.Write(jpeg, p, count - p);
    }

    private static void WriteSegments(Stream header, IReadOnlyList<byte[]> segments)
    {
        foreach (byte[] segment in segments)
        {
            header.Write(segment, 0, segment.Length);
        }
    }

    private static byte[]? ReadPngIcc(Stream stream)
    {
        byte[]? data = ReadPngChunk(stream, "iCCP");
        int name = data is null ? -1 : Array.IndexOf(data, (byte)0);
        if (data is null || name < 0 || name + 2 > data.Length)
        {
            return null;
        }

        try
        {
            using var z = new ZLibStream(new MemoryStream(data, name + 2, data.Length - name - 2), CompressionMode.Decompress);
            using var profile = new MemoryStream();
            z.CopyTo(profile);
            return profile.ToArray();
        }
        catch (InvalidDataException)
        {
            return null; // A damaged profile is dropped, as a reader that ignores iCCP would.
        }
    }

    /// <summary>
    /// The data of a PNG's first chunk of type <paramref name="wanted"/> before its image data (IDAT), or null when
    /// there is none or the chunks are cut or damaged before it. Leaves the stream where it stopped.
    /// </summary>
    public static byte[]? ReadPngChunk(Stream stream, string wanted)
    {
        stream.Position = 8;
        Span<byte> header = stackalloc byte[8];
        while (stream.Read(header) == 8)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(header);
            string type = Encoding.ASCII.GetString(header.Slice(4, 4));
            if (type is "IDAT" or "IEND" || length < 0 || length > stream.Length - stream.Position)
            {
                return null;
            }

            if (type == wanted)
            {
                var data = new byte[length];
                stream.ReadExactly(data);
                return data;
            }

            stream.Position += length + 4;
        }

        return null;
    }

    private static byte[]? ReadWebpChunk(Stream stream, string wanted)
    {
        stream.Position = 12;
        Span<byte> header = stackalloc byte[8];
        while (stream.Read(header) == 8)
        {
            string type = Encoding.ASCII.GetString(header.Slice(0, 4));
            int length = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(4));
            if (length < 0 || length > stream.Length - stream.Position)
            {
                return null;
            }

            if (type == wanted)
            {
                var data = new byte[length];
                stream.ReadExactly(data);
                return data;
            }

            stream.Position += length + (length & 1);
        }

        return null;
    }

    private static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    // CRC-32 (ISO 3309), as PNG chunks carry it.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }
}
