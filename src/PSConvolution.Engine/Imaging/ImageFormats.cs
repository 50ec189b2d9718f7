using System;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;

namespace PSConvolution.Engine.Imaging;

/// <summary>The formats the module reads and writes, and their usual extensions.</summary>
public static class ImageFormats
{
    /// <summary>The usual file extension of a format, with the dot.</summary>
    public static string GetExtension(OutputFormat format) => format switch
    {
        OutputFormat.Png => ".png",
        OutputFormat.Jpeg => ".jpg",
        OutputFormat.Bmp => ".bmp",
        OutputFormat.Gif => ".gif",
        OutputFormat.Tiff => ".tif",
        OutputFormat.Webp => ".webp",
        OutputFormat.Tga => ".tga",
        OutputFormat.Pbm => ".pnm",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Auto has no extension of its own."),
    };

    /// <summary>
    /// True when <paramref name="path"/> ends with an extension of a format the module reads (".jpg", ".png", ".tiff",
    /// ".pnm" ...), in any case: a name given for a folder that looks like an image file's.
    /// </summary>
    public static bool HasImageExtension(string path)
    {
        string extension = System.IO.Path.GetExtension(path);
        return ByExtension(extension) is not null;
    }

    // The format ImageSharp reads with files of an extension (".jpg", with its dot), or null for none or a bare dot.
    private static OutputFormat? ByExtension(string extension)
        => extension.Length > 1 && SixLabors.ImageSharp.Configuration.Default.ImageFormatsManager.FindFormatByFileExtension(extension) is IImageFormat found
            ? FormatOf(found)
            : null;

    /// <summary>
    /// Reads a format's name (Jpeg, png) or, as users write formats after their files, one of its extensions, with or
    /// without the dot (jpg, .jpe, tif, pgm, ppm, pnm): false where the text is neither.
    /// </summary>
    public static bool TryParse(string text, out OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        string name = text.Trim();
        if (name.Length > 0 && char.IsLetter(name[0]) && Enum.TryParse(name, ignoreCase: true, out format) && Enum.IsDefined(typeof(OutputFormat), format))
        {
            return true;
        }

        string extension = name.StartsWith(".", StringComparison.Ordinal) ? name : "." + name;
        if (string.Equals(extension, GetExtension(OutputFormat.Pbm), StringComparison.OrdinalIgnoreCase))
        {
            // .pnm, the extension the module writes Netpbm with, is not among ImageSharp's (.pbm, .pgm, .ppm).
            format = OutputFormat.Pbm;
            return true;
        }

        format = ByExtension(extension) ?? OutputFormat.Auto;
        return format != OutputFormat.Auto;
    }

    /// <summary>
    /// True when <paramref name="extension"/> (".jpeg", ".JPG", ".tiff") is one of <paramref name="format"/>'s, in any
    /// case. Netpbm's are not: ".pbm", ".pgm" and ".ppm" each name one kind of its files, and the module writes the kind
    /// the pixels need, as ".pnm".
    /// </summary>
    internal static bool IsExtensionOf(string extension, OutputFormat format)
        => format is not (OutputFormat.Auto or OutputFormat.Pbm) && ByExtension(extension) == format;

    /// <summary>
    /// True when <paramref name="extension"/> (with its dot) is one ImageSharp reads as another format than
    /// <paramref name="format"/>: .jpg on a PNG. An extension of no image format (.dat, none) names none, so no other.
    /// </summary>
    internal static bool NamesAnotherFormat(string extension, OutputFormat format)
        => format != OutputFormat.Auto && ByExtension(extension) is OutputFormat named && named != format;

    /// <summary>True when a format holds 16 bits per sample as the module writes it.</summary>
    internal static bool HoldsSixteenBits(OutputFormat format) => format is OutputFormat.Png or OutputFormat.Tiff or OutputFormat.Pbm;

    /// <summary>True when a format holds alpha; the others get transparency composited over white.</summary>
    internal static bool HoldsAlpha(OutputFormat format) => format is not (OutputFormat.Jpeg or OutputFormat.Pbm);

    /// <summary>The format holds several frames as the module writes it: GIF's animation, TIFF's pages (ImageSharp 2.1 writes no animated PNG or WebP).</summary>
    internal static bool HoldsFrames(OutputFormat format) => format is OutputFormat.Gif or OutputFormat.Tiff;

    /// <summary>
    /// The format keeps an EXIF orientation that viewers apply (JPEG APP1, PNG eXIf, TIFF's own tags). WebP keeps EXIF
    /// too, but browsers show a WebP in stored order whatever its orientation (Chromium showed a phone's portrait
    /// written as WebP on its side), so a WebP gets the picture upright like the formats without EXIF.
    /// </summary>
    internal static bool HoldsOrientation(OutputFormat format) => format is OutputFormat.Jpeg or OutputFormat.Png or OutputFormat.Tiff;

    /// <summary>
    /// The metadata a format keeps as the module writes it: JPEG and TIFF all four kinds; PNG and WebP EXIF, the colour
    /// profile and XMP but no IPTC record (neither format has a place for one); GIF only XMP (ImageSharp 2.1 writes no
    /// EXIF or colour profile into a GIF); BMP, TGA and Netpbm none.
    /// </summary>
    internal static MetadataKinds MetadataPlaces(OutputFormat format) => format switch
    {
        OutputFormat.Jpeg or OutputFormat.Tiff => MetadataKinds.Exif | MetadataKinds.ColourProfile | MetadataKinds.Xmp | MetadataKinds.Iptc,
        OutputFormat.Png or OutputFormat.Webp => MetadataKinds.Exif | MetadataKinds.ColourProfile | MetadataKinds.Xmp,
        OutputFormat.Gif => MetadataKinds.Xmp,
        _ => MetadataKinds.None,
    };

    /// <summary>True when the module writes a format with a writer of its own rather than ImageSharp's encoder.</summary>
    internal static bool HasOwnWriter(OutputFormat format) => format is OutputFormat.Tiff or OutputFormat.Pbm;

    /// <summary>The most pixels a side that a format holds as the module writes it.</summary>
    internal static int MaxSide(OutputFormat format) => format switch
    {
        // ImageSharp's JPEG encoder refuses 65,535 itself, one short of the format's limit.
        OutputFormat.Jpeg => 65_534,
        OutputFormat.Gif => 65_535,

        // TGA's header holds 65,535, but ImageSharp 2.1.13 writes the size as a signed 16-bit value: 32,768 or more
        // reads back negative.
        OutputFormat.Tga => 32_767,
        OutputFormat.Webp => 16_383,
        _ => int.MaxValue,
    };

    /// <summary>The format of a decoded file, as an <see cref="OutputFormat"/>.</summary>
    internal static OutputFormat FormatOf(IImageFormat format) => format switch
    {
        PngFormat => OutputFormat.Png,
        JpegFormat => OutputFormat.Jpeg,
        BmpFormat => OutputFormat.Bmp,
        GifFormat => OutputFormat.Gif,
        TiffFormat => OutputFormat.Tiff,
        WebpFormat => OutputFormat.Webp,
        TgaFormat => OutputFormat.Tga,
        PbmFormat => OutputFormat.Pbm,
        _ => OutputFormat.Png,
    };
}
