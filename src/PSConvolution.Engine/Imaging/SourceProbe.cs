using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;

namespace PSConvolution.Engine.Imaging;

/// <summary>Checks a source before it is decoded: that it is a readable file, what its header declares, and that it is not cut short.</summary>
internal static class SourceProbe
{
    // Contiguous frames let the engine read and write decoded pixels where they lie. Their buffers are kept for
    // the next image (RetainingMemoryAllocator), so a batch does not fault every frame in afresh.
    public static readonly Configuration Contiguous = CreateConfiguration();

    private static Configuration CreateConfiguration()
    {
        Configuration configuration = Configuration.Default.Clone();
        configuration.PreferContiguousImageBuffers = true;
        configuration.MemoryAllocator = new RetainingMemoryAllocator(Configuration.Default.MemoryAllocator);
        return configuration;
    }

    public static void CheckSource(string sourcePath)
    {
        if (Directory.Exists(sourcePath))
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.PathIsDirectory, sourcePath, "'{0}' is a directory, not an image file.");
        }

        var file = new FileInfo(sourcePath);
        if (!file.Exists)
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.FileNotFound, sourcePath, "The image file '{0}' does not exist.");
        }

        // Before it is opened: a named pipe has no bytes to count, and opening one waits, for ever, until something
        // writes to it (a folder holding one stopped a whole Get-ChildItem -Recurse batch). Devices count none too.
        if (file.Length == 0)
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.NotAnImage, sourcePath, "'{0}' holds no bytes to read (an empty file, a named pipe or a device), so it is not an image.");
        }
    }

    public static FileStream OpenSource(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw new ConvolutionException(ConvolutionErrorKind.FileNotFound, path, Missing(path), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.ReadFailed, path, "'{0}' could not be read: " + e.Message, e);
        }
    }

    // Why a file that was listed cannot be opened: ls lists a symbolic link whose target is gone, and the user looks
    // for the link's target rather than the link.
    private static string Missing(string path)
    {
        try
        {
            var link = new FileInfo(path);
            if (link.Exists && (link.Attributes & FileAttributes.ReparsePoint) != 0)
            {
#if NET8_0_OR_GREATER
                if (link.LinkTarget is string target)
                {
                    return $"'{path}' is a symbolic link to '{target}', which does not exist.";
                }
#endif
                return $"'{path}' is a link whose target does not exist.";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Said as the file missing, below.
        }

        return $"The image file '{path}' does not exist.";
    }

    /// <summary>
    /// The name of an image format the decoder does not read, known by its first bytes, or null: HEIF (an iPhone's
    /// HEIC photos) and AVIF by their ISO file-type box, JPEG XL and JPEG 2000 by their codestream or container
    /// signatures, Photoshop documents, OpenEXR, and Netpbm's PAM and floating-point maps, which the decoder's Netpbm
    /// (P1-P6) does not take. Said by name, so "not an image" does not leave a user wondering what is wrong with a photo.
    /// The stream is left at 0.
    /// </summary>
    internal static string? UnreadFormat(Stream stream)
    {
        var head = new byte[64];
        stream.Position = 0;
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= 2 && head[0] == 0xFF && head[1] == 0x0A)
        {
            return "a JPEG XL image";
        }

        string ascii = System.Text.Encoding.ASCII.GetString(head, 0, read);
        if (ascii.StartsWith("8BPS", StringComparison.Ordinal))
        {
            return "a Photoshop document (PSD)";
        }

        // Netpbm's later members, which a user counts as Netpbm: the decoder reads P1-P6 only.
        if (ascii.StartsWith("P7", StringComparison.Ordinal) && read > 2 && head[2] is (byte)'\n' or (byte)' ' or (byte)'\r')
        {
            return "a Netpbm PAM image (P7)";
        }

        if ((ascii.StartsWith("PF", StringComparison.Ordinal) || ascii.StartsWith("Pf", StringComparison.Ordinal)) && read > 2 && head[2] is (byte)'\n' or (byte)'\r')
        {
            return "a Netpbm floating-point map (PFM)";
        }

        if ((read >= 4 && head[0] == 0xFF && head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51) || (read >= 12 && ascii.Substring(4, 6) == "jP  \r\n" && head[10] == 0x87 && head[11] == 0x0A))
        {
            return "a JPEG 2000 image";
        }

        if (read >= 4 && head[0] == 0x76 && head[1] == 0x2F && head[2] == 0x31 && head[3] == 0x01)
        {
            return "an OpenEXR image";
        }

        if (read >= 12 && ascii.Substring(4, 4) == "JXL " && head[3] == 0x0C)
        {
            return "a JPEG XL image";
        }

        if (read < 16 || ascii.Substring(4, 4) != "ftyp")
        {
            return null;
        }

        // The file-type box: size, "ftyp", the major brand, a version, then compatible brands to the box's end.
        int size = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
        var brands = new List<string> { ascii.Substring(8, 4) };
        for (int b = 16; b + 4 <= Math.Min(read, size); b += 4)
        {
            brands.Add(ascii.Substring(b, 4));
        }

        if (brands.Exists(b => b is "avif" or "avis"))
        {
            return "an AVIF image";
        }

        return brands.Exists(b => b is "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "hevm" or "hevs" or "mif1" or "msf1") ? "a HEIF image (HEIC)" : null;
    }

    public static (IImageInfo Info, IImageFormat Format) Identify(Stream stream, string path, long maxPixels)
    {
        if (stream.Length == 0)
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is empty (0 bytes), so it is not an image.");
        }

        HeaderChecks.Check(stream, path);
        if (UnreadFormat(stream) is string unread)
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is " + unread + ", a format the decoder (ImageSharp 2.1) does not read; convert it to one it does (PNG, JPEG, GIF, BMP, TIFF, WebP, TGA, Netpbm PBM, PGM and PPM) first.");
        }

        IImageFormat? detected = null;
        // A multi-page TIFF is identified from its first page, the one the header read concerns: the decoder refuses
        // some valid chains of pages (see TiffPageSelection), which need not stop a file whose first page is written.
        Stream probe = TiffPageSelection.FirstPage(stream);
        IImageInfo? info = DecodeErrors.Guard(path, () => Image.Identify(Contiguous, probe, out detected));
        stream.Position = 0;
        if (info is null || detected is null)
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is not an image in a supported format (PNG, JPEG, GIF, BMP, TIFF, WebP, TGA, Netpbm PBM, PGM and PPM).");
        }

        if (detected is TiffFormat && HeaderChecks.TiffIsCameraRaw(stream))
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.UnsupportedImage, path, "'{0}' is a camera's raw file (DNG, NEF, CR2 and the like): its first image is a small preview or the sensor's data, not the photo, and the decoder (ImageSharp 2.1) reads no raw data. Convert it to TIFF or JPEG first.");
        }

        if ((long)info.Width * info.Height > maxPixels)
        {
            throw new ConvolutionException(
                ConvolutionErrorKind.ImageTooLarge,
                path,
                string.Format(CultureInfo.InvariantCulture, "'{0}' declares {1}x{2} pixels ({3:N0}), more than the limit of {4:N0} pixels per frame.", path, info.Width, info.Height, (long)info.Width * info.Height, maxPixels)) { PixelLimit = maxPixels };
        }

        if (DecodeErrors.Guard(path, () => SourceTruncation.Find(stream, detected)) is (string format, string missing))
        {
            throw DecodeErrors.Error(ConvolutionErrorKind.CorruptImage, path, "'{0}' is a truncated " + format + ": " + missing + ".");
        }

        if (detected is PngFormat && PngAnimationFrames(stream) is long frames and > 1)
        {
            // ImageSharp 2.1 decodes an APNG's default image only: written back, the animation would be lost (with
            // -InPlace, for good), so it is refused as animated WebP is.
            throw DecodeErrors.Error(ConvolutionErrorKind.UnsupportedImage, path, string.Format(CultureInfo.InvariantCulture, "'{{0}}' is an animated PNG (APNG) of {0} frames, and the decoder (ImageSharp 2.1) reads only the first, so it was not processed rather than written as a still image.", frames));
        }

        if (detected is WebpFormat)
        {
            // ImageSharp reads on past such damage and can size tables for gigabytes from a few bytes.
            string? damage = DecodeErrors.Guard(path, () => WebpHuffmanGroups.Damage(stream));
            stream.Position = 0;
            if (damage is not null)
            {
                throw DecodeErrors.Error(ConvolutionErrorKind.CorruptImage, path, "'{0}' is a damaged WebP: " + damage + ".");
            }
        }

        return (info, detected);
    }

    // The frame count of a PNG's animation control chunk (acTL, which APNG puts before the first IDAT), or null
    // when there is none. Leaves the stream at its start.
    private static long? PngAnimationFrames(Stream stream)
    {
        byte[]? control = MetadataFidelity.ReadPngChunk(stream, "acTL");
        stream.Position = 0;
        return control is { Length: >= 8 } ? ((long)control[0] << 24) | ((long)control[1] << 16) | ((long)control[2] << 8) | control[3] : null;
    }

    /// <summary>
    /// True when a JPEG's chroma components are sampled at most half as finely as its luma both across and down
    /// (4:2:0, 4:1:0), so writing it again at 4:2:0 drops no chroma detail; false for finer chroma (4:4:4, 4:2:2,
    /// 4:4:0, 4:1:1). ImageSharp's metadata calls 4:2:2 and 4:4:0 files 4:2:0, so the frame header is read here. A
    /// grey JPEG, or a header this cannot read, gives true. Leaves the stream at its start.
    /// </summary>
    public static bool JpegChromaHalved(Stream stream)
    {
        try
        {
            foreach ((byte marker, int length) in JpegHeader.Segments(stream))
            {
                if (marker is < 0xC0 or > 0xCF or 0xC4 or 0xC8 or 0xCC)
                {
                    continue;
                }

                // A frame header: precision, height and width, then each component: its id, its factors (H << 4 | V), its table.
                byte[] frame = JpegHeader.Read(stream, length);
                int components = frame.Length > 5 ? frame[5] : 0;
                if (components < 3 || frame.Length < 6 + (3 * components))
                {
                    return true;
                }

                int lumaH = frame[7] >> 4, lumaV = frame[7] & 15;
                for (int c = 1; c < components; c++)
                {
                    byte hv = frame[7 + (3 * c)];
                    if ((hv >> 4) * 2 > lumaH || (hv & 15) * 2 > lumaV)
                    {
                        return false;
                    }
                }

                return true;
            }

            return true;
        }
        finally
        {
            stream.Position = 0;
        }
    }

    /// <summary>
    /// How the image is shown, from its EXIF Orientation tag, or for a TIFF its first page's; as stored when it has
    /// none, a value outside 1-8, which viewers ignore too, or EXIF that cannot be read.
    /// </summary>
    public static DisplayOrientation OrientationOf(IImageInfo info, IImageFormat format, Stream stream)
    {
        ExifProfile? exif = info.Metadata?.ExifProfile;
        ushort? tag = format is TiffFormat ? HeaderChecks.TiffOrientation(stream) : MetadataFidelity.Readable(exif) ? exif?.GetValue(ExifTag.Orientation)?.Value : null;
        var orientation = (DisplayOrientation)(tag ?? 1);
        return orientation.IsDefined() ? orientation : DisplayOrientation.TopLeft;
    }

    // The pixel type is chosen from the header, before decoding, so the image is held once in its own depth.
    public static SourceShape ShapeFromHeader(IImageInfo info, IImageFormat format, Stream stream)
    {
        if (format is PngFormat)
        {
            PngMetadata png = info.Metadata.GetPngMetadata();
            int depth = png.BitDepth == PngBitDepth.Bit16 ? 16 : 8;
            return png.ColorType switch
            {
                PngColorType.Grayscale => new SourceShape(png.HasTransparency ? PixelLayout.GrayAlpha : PixelLayout.Gray, depth, false),
                PngColorType.GrayscaleWithAlpha => new SourceShape(PixelLayout.GrayAlpha, depth, false),
                PngColorType.Rgb => new SourceShape(png.HasTransparency ? PixelLayout.Rgba : PixelLayout.Rgb, depth, false),
                PngColorType.RgbWithAlpha => new SourceShape(PixelLayout.Rgba, depth, false),
                _ => new SourceShape(PixelLayout.Rgba, 8, true),
            };
        }

        if (format is JpegFormat)
        {
            return new SourceShape(info.Metadata.GetJpegMetadata().ColorType == JpegColorType.Luminance ? PixelLayout.Gray : PixelLayout.Rgb, 8, false);
        }

        if (format is PbmFormat)
        {
            // Netpbm says its kind in the header: black and white or grey (PBM, PGM), or colour (PPM), with samples
            // of up to 8 or 16 bits; none has alpha.
            PbmMetadata pbm = info.Metadata.GetPbmMetadata();
            return new SourceShape(pbm.ColorType == PbmColorType.Rgb ? PixelLayout.Rgb : PixelLayout.Gray, pbm.ComponentType == PbmComponentType.Short ? 16 : 8, false);
        }

        // A TIFF says its samples' depth and number in its tags. Judged by bits a pixel, as below, a 16-bit grey TIFF
        // (16 bits a pixel) was decoded and written in 8 bits, and a 32-bit floating-point grey one as 8-bit RGB.
        if (format is TiffFormat && HeaderChecks.TiffSamples(stream) is (int sampleBits, int samples, int sampleFormat))
        {
            return new SourceShape(PixelLayout.Rgba, sampleBits > 8 ? 16 : 8, AlphaOnlyIfUsed: true, GreyIfNeutral: samples <= 2) { Narrowed = sampleBits > 16 || sampleFormat == 3 };
        }

        // Other formats (GIF, BMP, WebP, TGA) carry palettes and grey in ways the header does not tell apart: decode
        // as RGBA, write alpha only when some pixel uses it, and grey when every pixel is neutral in a file of 16 bits
        // per pixel or fewer.
        int bits = info.PixelType.BitsPerPixel;
        return new SourceShape(PixelLayout.Rgba, bits > 32 ? 16 : 8, AlphaOnlyIfUsed: true, GreyIfNeutral: bits <= 16);
    }
}
