using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PSConvolution.Engine;

/// <summary>
/// Reads an image file, convolves every frame and writes the result atomically: encoded into a temporary file
/// beside the destination, then renamed over it. A failure leaves no partial output and never touches the source.
/// </summary>
public static class ImageFileConvolver
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
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Auto has no extension of its own."),
    };

    /// <summary>The format a file extension names, or Auto when it names none.</summary>
    public static OutputFormat FormatFromExtension(string path)
    {
        return Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".PNG" => OutputFormat.Png,
            ".JPG" or ".JPEG" or ".JPE" or ".JFIF" => OutputFormat.Jpeg,
            ".BMP" or ".DIB" => OutputFormat.Bmp,
            ".GIF" => OutputFormat.Gif,
            ".TIF" or ".TIFF" => OutputFormat.Tiff,
            ".WEBP" => OutputFormat.Webp,
            ".TGA" or ".VDA" or ".ICB" or ".VST" => OutputFormat.Tga,
            _ => OutputFormat.Auto,
        };
    }

    /// <summary>Convolves one file into <paramref name="destinationPath"/>.</summary>
    /// <param name="sourcePath">The image to read; never modified unless it is also the destination.</param>
    /// <param name="destinationPath">The file to write; its folder must exist.</param>
    /// <param name="request">Kernels, options and output settings.</param>
    /// <param name="overwrite">Replace an existing destination.</param>
    /// <param name="cancellationToken">Stops the work; nothing is left behind.</param>
    /// <exception cref="ConvolutionException">The file could not be processed; <see cref="ConvolutionException.Kind"/> says why.</exception>
    public static void Convert(string sourcePath, string destinationPath, ConvolutionRequest request, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        ArgumentNullException.ThrowIfNull(destinationPath);
        ArgumentNullException.ThrowIfNull(request);
        sourcePath = Path.GetFullPath(sourcePath);
        destinationPath = Path.GetFullPath(destinationPath);
        CheckSource(sourcePath);
        if (!overwrite && File.Exists(destinationPath))
        {
            throw DestinationExists(destinationPath, null);
        }

        using Image<Rgba64> image = Decode(sourcePath, request.MaxPixels, out IImageFormat sourceFormat);
        cancellationToken.ThrowIfCancellationRequested();
        (PixelLayout layout, int bitDepth) = DetectLayout(image, sourceFormat);

        var results = new List<PlanarImage>(image.Frames.Count);
        try
        {
            foreach (ImageFrame<Rgba64> frame in image.Frames)
            {
                using PlanarImage planes = ReadFrame(frame, layout, bitDepth);
                try
                {
                    results.Add(ImageConvolver.Convolve(planes, request.Kernels, request.Options, cancellationToken));
                }
                catch (ConvolutionException e) when (e.Path is null)
                {
                    throw new ConvolutionException(e.Kind, sourcePath, string.Format(CultureInfo.InvariantCulture, "'{0}': {1}", sourcePath, e.Message), e);
                }
            }

            int outWidth = results[0].Width;
            int outHeight = results[0].Height;
            if (outWidth != image.Width || outHeight != image.Height)
            {
                // Cropping keeps every frame and all metadata (EXIF, ICC, frame delays); the pixels are then overwritten.
                image.Mutate(c => c.Crop(new Rectangle(0, 0, outWidth, outHeight)));
            }

            for (int f = 0; f < results.Count; f++)
            {
                WriteFrame(results[f], image.Frames[f]);
            }
        }
        finally
        {
            foreach (PlanarImage result in results)
            {
                result.Dispose();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        OutputFormat format = request.Format != OutputFormat.Auto ? request.Format : FormatOf(sourceFormat);
        PixelLayout outLayout = request.Options.Grayscale ? (layout is PixelLayout.Rgba or PixelLayout.GrayAlpha ? PixelLayout.GrayAlpha : PixelLayout.Gray) : layout;
        IImageEncoder encoder = CreateEncoder(format, outLayout, bitDepth, request.Quality, image, sourceFormat);
        WriteAtomically(image, encoder, destinationPath, overwrite, cancellationToken);
    }

    /// <summary>The format of a decoded file, as an <see cref="OutputFormat"/>.</summary>
    private static OutputFormat FormatOf(IImageFormat format) => format switch
    {
        PngFormat => OutputFormat.Png,
        JpegFormat => OutputFormat.Jpeg,
        BmpFormat => OutputFormat.Bmp,
        GifFormat => OutputFormat.Gif,
        TiffFormat => OutputFormat.Tiff,
        WebpFormat => OutputFormat.Webp,
        TgaFormat => OutputFormat.Tga,
        _ => OutputFormat.Png,
    };

    private static void CheckSource(string sourcePath)
    {
        if (Directory.Exists(sourcePath))
        {
            throw Error(ConvolutionErrorKind.PathIsDirectory, sourcePath, "'{0}' is a directory, not an image file.");
        }

        if (!File.Exists(sourcePath))
        {
            throw Error(ConvolutionErrorKind.FileNotFound, sourcePath, "The image file '{0}' does not exist.");
        }
    }

    private static Image<Rgba64> Decode(string path, long maxPixels, out IImageFormat format)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length == 0)
            {
                throw Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is empty (0 bytes), so it is not an image.");
            }

            IImageInfo? info = Image.Identify(Configuration.Default, stream, out IImageFormat? detected);
            if (info is null || detected is null)
            {
                throw Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is not an image in a supported format (PNG, JPEG, GIF, BMP, TIFF, WebP, TGA).");
            }

            if ((long)info.Width * info.Height > maxPixels)
            {
                throw new ConvolutionException(
                    ConvolutionErrorKind.ImageTooLarge,
                    path,
                    string.Format(CultureInfo.InvariantCulture, "'{0}' declares {1}x{2} pixels ({3:N0}), more than the limit of {4:N0} pixels per frame (-MaxPixels).", path, info.Width, info.Height, (long)info.Width * info.Height, maxPixels));
            }

            if (detected is JpegFormat && !JpegHasEndOfImage(stream))
            {
                // ImageSharp fills a truncated scan with grey instead of failing; a JPEG whose last scan is
                // not followed by its end-of-image marker is cut short, and its output would be silently wrong.
                throw Error(ConvolutionErrorKind.CorruptImage, path, "'{0}' is a truncated JPEG: its image data ends before the end-of-image marker.");
            }

            stream.Position = 0;
            Image<Rgba64> image = Image.Load<Rgba64>(Configuration.Default, stream, out IImageFormat loaded);
            format = loaded;
            return image;
        }
        catch (ConvolutionException)
        {
            throw;
        }
        catch (UnknownImageFormatException e)
        {
            throw Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is not an image in a supported format (PNG, JPEG, GIF, BMP, TIFF, WebP, TGA).", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Error(ConvolutionErrorKind.ReadFailed, path, "'{0}' could not be read: " + e.Message, e);
        }
        catch (FileNotFoundException e)
        {
            throw Error(ConvolutionErrorKind.FileNotFound, path, "The image file '{0}' does not exist.", e);
        }
        catch (IOException e)
        {
            throw Error(ConvolutionErrorKind.ReadFailed, path, "'{0}' could not be read: " + e.Message, e);
        }
        catch (OutOfMemoryException e)
        {
            throw Error(ConvolutionErrorKind.ImageTooLarge, path, "'{0}' is too large to decode in the memory available.", e);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // Decoders report damaged data in several ways; all of them mean the same to the user.
            throw Error(ConvolutionErrorKind.CorruptImage, path, "'{0}' is damaged or truncated and could not be decoded: " + e.Message, e);
        }
    }

    // Inside entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so the markers
    // SOS (FF DA) and EOI (FF D9) can be found by a plain byte scan: a complete file has EOI after its last SOS.
    private static bool JpegHasEndOfImage(Stream stream)
    {
        stream.Position = 0;
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long lastScan = -1;
            long lastEnd = -1;
            long offset = 0;
            bool previousWasFF = false;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int i = 0; i < read; i++)
                {
                    byte b = buffer[i];
                    if (previousWasFF)
                    {
                        if (b == 0xDA)
                        {
                            lastScan = offset + i;
                        }
                        else if (b == 0xD9)
                        {
                            lastEnd = offset + i;
                        }
                    }

                    previousWasFF = b == 0xFF;
                }

                offset += read;
            }

            return lastScan < 0 || lastEnd > lastScan;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (PixelLayout Layout, int BitDepth) DetectLayout(Image<Rgba64> image, IImageFormat format)
    {
        if (format is PngFormat)
        {
            PngMetadata png = image.Metadata.GetPngMetadata();
            int depth = png.BitDepth == PngBitDepth.Bit16 ? 16 : 8;
            return png.ColorType switch
            {
                PngColorType.Grayscale => (HasTransparency(image) ? PixelLayout.GrayAlpha : PixelLayout.Gray, depth),
                PngColorType.GrayscaleWithAlpha => (PixelLayout.GrayAlpha, depth),
                PngColorType.RgbWithAlpha => (PixelLayout.Rgba, depth),
                _ => (HasTransparency(image) ? PixelLayout.Rgba : PixelLayout.Rgb, depth),
            };
        }

        if (format is JpegFormat)
        {
            JpegMetadata jpeg = image.Metadata.GetJpegMetadata();
            return (jpeg.ColorType == JpegColorType.Luminance ? PixelLayout.Gray : PixelLayout.Rgb, 8);
        }

        // Other formats: decide from the decoded bits per pixel and the content.
        int bits = image.PixelType.BitsPerPixel;
        bool alpha = HasTransparency(image);
        bool grey = bits <= 16 && IsGrey(image);
        int bitDepth = bits > 32 || (grey && !alpha && bits == 16) ? 16 : 8;
        PixelLayout layout = grey ? (alpha ? PixelLayout.GrayAlpha : PixelLayout.Gray) : (alpha ? PixelLayout.Rgba : PixelLayout.Rgb);
        return (layout, bitDepth);
    }

    private static bool HasTransparency(Image<Rgba64> image)
    {
        bool found = false;
        foreach (ImageFrame<Rgba64> frame in image.Frames)
        {
            frame.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height && !found; y++)
                {
                    foreach (Rgba64 p in accessor.GetRowSpan(y))
                    {
                        if (p.A != ushort.MaxValue)
                        {
                            found = true;
                            break;
                        }
                    }
                }
            });
        }

        return found;
    }

    private static bool IsGrey(Image<Rgba64> image)
    {
        bool grey = true;
        foreach (ImageFrame<Rgba64> frame in image.Frames)
        {
            frame.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height && grey; y++)
                {
                    foreach (Rgba64 p in accessor.GetRowSpan(y))
                    {
                        if (p.R != p.G || p.G != p.B)
                        {
                            grey = false;
                            break;
                        }
                    }
                }
            });
        }

        return grey;
    }

    private static PlanarImage ReadFrame(ImageFrame<Rgba64> frame, PixelLayout layout, int bitDepth)
    {
        var planes = new PlanarImage(frame.Width, frame.Height, layout, bitDepth);
        int width = frame.Width;
        bool colour = layout is PixelLayout.Rgb or PixelLayout.Rgba;
        int alphaChannel = planes.HasAlpha ? planes.Channels - 1 : -1;
        float[] first = planes.GetChannelArray(0);
        float[]? green = colour ? planes.GetChannelArray(1) : null;
        float[]? blue = colour ? planes.GetChannelArray(2) : null;
        float[]? alpha = alphaChannel >= 0 ? planes.GetChannelArray(alphaChannel) : null;
        bool eightBit = bitDepth == 8;
        frame.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<Rgba64> row = accessor.GetRowSpan(y);
                int o = y * width;
                for (int x = 0; x < row.Length; x++)
                {
                    Rgba64 p = row[x];
                    first[o + x] = Level(p.R, eightBit);
                    if (green is not null)
                    {
                        green[o + x] = Level(p.G, eightBit);
                        blue![o + x] = Level(p.B, eightBit);
                    }

                    if (alpha is not null)
                    {
                        alpha[o + x] = Level(p.A, eightBit);
                    }
                }
            }
        });
        return planes;
    }

    // 8-bit sources decode to 16-bit as v * 257, so this division is exact for them.
    private static float Level(ushort value, bool eightBit) => eightBit ? (value + 128) / 257 : value;

    private static void WriteFrame(PlanarImage planes, ImageFrame<Rgba64> frame)
    {
        int width = planes.Width;
        bool colour = planes.Layout is PixelLayout.Rgb or PixelLayout.Rgba;
        float[] first = planes.GetChannelArray(0);
        float[]? green = colour ? planes.GetChannelArray(1) : null;
        float[]? blue = colour ? planes.GetChannelArray(2) : null;
        float[]? alpha = planes.HasAlpha ? planes.GetChannelArray(planes.Channels - 1) : null;
        int scale = planes.BitDepth == 8 ? 257 : 1;
        frame.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<Rgba64> row = accessor.GetRowSpan(y);
                int o = y * width;
                for (int x = 0; x < row.Length; x++)
                {
                    ushort r = (ushort)(first[o + x] * scale);
                    ushort g = green is null ? r : (ushort)(green[o + x] * scale);
                    ushort b = blue is null ? r : (ushort)(blue[o + x] * scale);
                    ushort a = alpha is null ? ushort.MaxValue : (ushort)(alpha[o + x] * scale);
                    row[x] = new Rgba64(r, g, b, a);
                }
            }
        });
    }

    private static IImageEncoder CreateEncoder(OutputFormat format, PixelLayout layout, int bitDepth, int? quality, Image<Rgba64> image, IImageFormat sourceFormat)
    {
        bool alpha = layout is PixelLayout.GrayAlpha or PixelLayout.Rgba;
        bool grey = layout is PixelLayout.Gray or PixelLayout.GrayAlpha;
        switch (format)
        {
            case OutputFormat.Png:
                return new PngEncoder
                {
                    ColorType = layout switch
                    {
                        PixelLayout.Gray => PngColorType.Grayscale,
                        PixelLayout.GrayAlpha => PngColorType.GrayscaleWithAlpha,
                        PixelLayout.Rgb => PngColorType.Rgb,
                        _ => PngColorType.RgbWithAlpha,
                    },
                    BitDepth = bitDepth == 16 ? PngBitDepth.Bit16 : PngBitDepth.Bit8,
                };
            case OutputFormat.Jpeg:
                return new JpegEncoder
                {
                    
                    // Without -Quality a JPEG keeps the quality estimated from its own tables; other sources get 90.
                    Quality = quality ?? (sourceFormat is JpegFormat ? Math.Clamp(image.Metadata.GetJpegMetadata().Quality, 1, 100) : 90),
                    ColorType = grey ? JpegColorType.Luminance : JpegColorType.YCbCrRatio420,
                };
            case OutputFormat.Bmp:
                return new BmpEncoder { BitsPerPixel = alpha ? BmpBitsPerPixel.Pixel32 : BmpBitsPerPixel.Pixel24, SupportTransparency = alpha };
            case OutputFormat.Gif:
                return new GifEncoder();
            case OutputFormat.Tiff:
                return new TiffEncoder();
            case OutputFormat.Webp:
                return new WebpEncoder { Quality = quality ?? 90 };
            case OutputFormat.Tga:
                return new TgaEncoder { BitsPerPixel = alpha ? TgaBitsPerPixel.Pixel32 : TgaBitsPerPixel.Pixel24 };
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    private static void WriteAtomically(Image<Rgba64> image, IImageEncoder encoder, string destinationPath, bool overwrite, CancellationToken cancellationToken)
    {
        string folder = Path.GetDirectoryName(destinationPath)!;
        string temporary = Path.Combine(folder, "." + Path.GetFileName(destinationPath) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                image.Save(stream, encoder);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!overwrite && File.Exists(destinationPath))
            {
                throw DestinationExists(destinationPath, null);
            }

            File.Move(temporary, destinationPath, overwrite);
        }
        catch (Exception e)
        {
            TryDelete(temporary);
            if (e is ConvolutionException or OperationCanceledException)
            {
                throw;
            }

            if (e is IOException && !overwrite && File.Exists(destinationPath))
            {
                throw DestinationExists(destinationPath, e);
            }

            if (e is IOException or UnauthorizedAccessException or ImageFormatException or NotSupportedException)
            {
                throw Error(ConvolutionErrorKind.WriteFailed, destinationPath, "The output file '{0}' could not be written: " + e.Message, e);
            }

            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static ConvolutionException DestinationExists(string path, Exception? inner)
        => Error(ConvolutionErrorKind.DestinationExists, path, "The output file '{0}' already exists. Use -Force to overwrite it.", inner);

    private static ConvolutionException Error(ConvolutionErrorKind kind, string path, string format, Exception? inner = null)
        => new(kind, path, format.Replace("{0}", path, StringComparison.Ordinal), inner);
}
