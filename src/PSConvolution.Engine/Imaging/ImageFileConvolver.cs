using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata;
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
using PSConvolution.Engine.Convolution;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Reads an image file, convolves every frame and writes the result atomically: encoded into a temporary file
/// beside the destination, then renamed over it. A failure leaves no partial output and never touches the source.
/// </summary>
public static class ImageFileConvolver
{
    // Contiguous frames let the engine read and write decoded pixels where they lie.
    private static readonly Configuration DecodeConfiguration = CreateConfiguration();

    /// <summary>Largest decoded image held in one contiguous buffer; settable so tests can cover the split-buffer path.</summary>
    internal static long ContiguousLimit { get; set; } = 512L * 1024 * 1024;

    private static Configuration CreateConfiguration()
    {
        Configuration configuration = Configuration.Default.Clone();
        configuration.PreferContiguousImageBuffers = true;
        return configuration;
    }

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

    /// <summary>The file that writing to <paramref name="path"/> replaces: the final target of a symbolic link, else the path.</summary>
    public static string WriteTarget(string path)
    {
        try
        {
            return AtomicFileWriter.FinalTarget(Path.GetFullPath(path));
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>Convolves one file into <paramref name="destinationPath"/>.</summary>
    /// <param name="sourcePath">The image to read; never modified unless it is also the destination.</param>
    /// <param name="destinationPath">The file to write; its folder must exist.</param>
    /// <param name="request">Kernels, options and output settings.</param>
    /// <param name="overwrite">Replace an existing destination.</param>
    /// <param name="cancellationToken">Stops the work; nothing is left behind.</param>
    /// <returns>What the output format could not hold and was converted.</returns>
    /// <exception cref="ConvolutionException">The file could not be processed; <see cref="ConvolutionException.Kind"/> says why.</exception>
    public static ConversionReport Convert(string sourcePath, string destinationPath, ConvolutionRequest request, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        ArgumentNullException.ThrowIfNull(destinationPath);
        ArgumentNullException.ThrowIfNull(request);
        sourcePath = Path.GetFullPath(sourcePath);
        destinationPath = Path.GetFullPath(destinationPath);
        CheckSource(sourcePath);
        if (!overwrite && File.Exists(destinationPath))
        {
            throw AtomicFileWriter.DestinationExists(destinationPath, null);
        }

        using FileStream stream = OpenSource(sourcePath);
        (IImageInfo info, IImageFormat sourceFormat) = Identify(stream, sourcePath, request.MaxPixels);
        SourceShape shape = ShapeFromHeader(info, sourceFormat) with { Width = info.Width, Height = info.Height };
        switch (shape.Layout, shape.BitDepth)
        {
            case (PixelLayout.Gray, 8): return Process<L8>(stream, sourcePath, destinationPath, shape, sourceFormat, request, overwrite, cancellationToken);
            case (PixelLayout.GrayAlpha, 8): return Process<La16>(stream, sourcePath, destinationPath, shape, sourceFormat, request, overwrite, cancellationToken);
            case (PixelLayout.Rgb, 8): return Process<Rgb24>(stream, sourcePath, destinationPath, shape, sourceFormat, request, overwrite, cancellationToken);
            case (PixelLayout.Rgba, 8): return Process<Rgba32>(stream, sourcePath, destinationPath, shape, sourceFormat, request, overwrite, cancellationToken);
            case (PixelLayout.Gray, _): return Process<L16>(stream, sourcePath, destinationPath, shape, sourceFormat, request, overwrite, cancellationToken);
            case (PixelLayout.GrayAlpha, _): return Process<La32>(stream, sourcePath, destinationPath, shape, sourceFormat, request, overwrite, cancellationToken);
            case (PixelLayout.Rgb, _): return Process<Rgb48>(stream, sourcePath, destinationPath, shape, sourceFormat, request, overwrite, cancellationToken);
            default: return Process<Rgba64>(stream, sourcePath, destinationPath, shape, sourceFormat, request, overwrite, cancellationToken);
        }
    }

    private static ConversionReport Process<TPixel>(FileStream stream, string sourcePath, string destinationPath, SourceShape shape, IImageFormat sourceFormat, ConvolutionRequest request, bool overwrite, CancellationToken cancellationToken)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        stream.Position = 0;
        // Up to 512 MB of pixels, one contiguous buffer the engine reads in place; beyond, ImageSharp's own
        // split buffers, copied once into an array for the engine.
        long bytes = (long)Unsafe.SizeOf<TPixel>() * shape.Width * shape.Height;
        Configuration configuration = bytes <= ContiguousLimit ? DecodeConfiguration : Configuration.Default;
        using Image<TPixel> image = Guard(sourcePath, () => Image.Load<TPixel>(configuration, stream));
        cancellationToken.ThrowIfCancellationRequested();

        // Palette images and formats without colour metadata decode with alpha; it is written only when used.
        PixelLayout written = shape.Layout;
        if (shape.AlphaOnlyIfUsed && !HasTransparency(image, shape.BitDepth))
        {
            written = shape.Layout == PixelLayout.GrayAlpha ? PixelLayout.Gray : PixelLayout.Rgb;
        }

        ImageConvolver.CheckChannels(written, request.Options.Channels, sourcePath);
        if (shape.GreyIfNeutral && IsNeutral(image, shape.BitDepth))
        {
            written = written == PixelLayout.Rgba ? PixelLayout.GrayAlpha : PixelLayout.Gray;
        }

        try
        {
            if (shape.BitDepth == 8)
            {
                ConvolveFrames<TPixel, byte>(image, shape.Layout, request, cancellationToken);
            }
            else
            {
                ConvolveFrames<TPixel, ushort>(image, shape.Layout, request, cancellationToken);
            }
        }
        catch (ConvolutionException e) when (e.Path is null)
        {
            throw new ConvolutionException(e.Kind, sourcePath, string.Format(CultureInfo.InvariantCulture, "'{0}': {1}", sourcePath, e.Message), e);
        }

        cancellationToken.ThrowIfCancellationRequested();
        OutputFormat format = request.Format != OutputFormat.Auto ? request.Format : FormatOf(sourceFormat);
        if (request.Options.Grayscale)
        {
            written = written is PixelLayout.Rgba or PixelLayout.GrayAlpha ? PixelLayout.GrayAlpha : PixelLayout.Gray;
        }

        MetadataFidelity.Gather(image, stream, sourceFormat);
        if (image.Width != shape.Width || image.Height != shape.Height)
        {
            MetadataFidelity.UpdateExifSize(image);
        }

        var report = new ConversionReport { DepthReduced = shape.BitDepth == 16 && format is not (OutputFormat.Png or OutputFormat.Tiff) };
        if (format == OutputFormat.Jpeg && written is PixelLayout.Rgba or PixelLayout.GrayAlpha)
        {
            // JPEG has no alpha: what was transparent is shown over white, as a viewer shows it on a page.
            if (HasTransparency(image, shape.BitDepth))
            {
                CompositeOverWhite(image, shape.BitDepth);
                report.TransparencyComposited = true;
            }

            written = written == PixelLayout.Rgba ? PixelLayout.Rgb : PixelLayout.Gray;
        }

        // TIFF has a writer of its own; every other format goes through ImageSharp's encoder.
        IImageEncoder? encoder = format == OutputFormat.Tiff ? null : CreateEncoder(format, written, shape.BitDepth, request.Quality, image.Metadata, sourceFormat);
        AtomicFileWriter.Write(destinationPath, sourcePath, overwrite, output => Encode(image, format, written, shape.BitDepth, encoder, output), cancellationToken);
        return report;
    }

    // ImageSharp's encoders, with what they leave out put back (see MetadataFidelity); TIFF has its own writer.
    private static void Encode<TPixel>(Image<TPixel> image, OutputFormat format, PixelLayout layout, int bitDepth, IImageEncoder? encoder, Stream output)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        switch (format)
        {
            case OutputFormat.Tiff when bitDepth == 8:
                TiffWriter.Write<TPixel, byte>(output, image, layout);
                break;
            case OutputFormat.Tiff:
                TiffWriter.Write<TPixel, ushort>(output, image, layout);
                break;
            case OutputFormat.Png:
                image.Save(new InsertingStream(output, MetadataFidelity.PngIccOffset, MetadataFidelity.PngIccChunk(image.Metadata.IccProfile)), encoder!);
                break;
            case OutputFormat.Webp:
            case OutputFormat.Jpeg:
                using (var encoded = new MemoryStream())
                {
                    image.Save(encoded, encoder!);
                    byte[] bytes = format == OutputFormat.Webp
                        ? MetadataFidelity.AddWebpIcc(encoded.ToArray(), image.Metadata.IccProfile, image.Width, image.Height)
                        : MetadataFidelity.DropInvalidJpegTables(encoded.ToArray());
                    output.Write(bytes);
                }

                break;
            default:
                image.Save(output, encoder!);
                break;
        }
    }

    // C' = C·A/max + max·(1 − A/max), A' = max, rounded to nearest: every frame, in place.
    private static void CompositeOverWhite<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        int channels = Unsafe.SizeOf<TPixel>() / (bitDepth / 8);
        foreach (ImageFrame<TPixel> frame in image.Frames)
        {
            frame.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height; y++)
                {
                    if (bitDepth == 8)
                    {
                        Composite(MemoryMarshal.Cast<TPixel, byte>(accessor.GetRowSpan(y)), channels, 255u);
                    }
                    else
                    {
                        Composite(MemoryMarshal.Cast<TPixel, ushort>(accessor.GetRowSpan(y)), channels, 65535u);
                    }
                }
            });
        }
    }

    private static void Composite<TSample>(Span<TSample> row, int channels, ulong max)
        where TSample : unmanaged
    {
        for (int i = 0; i < row.Length; i += channels)
        {
            ulong a = ToUInt64(row[i + channels - 1]);
            for (int c = 0; c < channels - 1; c++)
            {
                ulong v = ((ToUInt64(row[i + c]) * a) + (max * (max - a)) + (max / 2)) / max;
                row[i + c] = FromUInt64<TSample>(v);
            }

            row[i + channels - 1] = FromUInt64<TSample>(max);
        }
    }

    private static ulong ToUInt64<TSample>(TSample value)
        where TSample : unmanaged
        => typeof(TSample) == typeof(byte) ? (byte)(object)value : (ushort)(object)value;

    private static TSample FromUInt64<TSample>(ulong value)
        where TSample : unmanaged
        => typeof(TSample) == typeof(byte) ? (TSample)(object)(byte)value : (TSample)(object)(ushort)value;

    // Convolves every frame where it lies; when the size changes, all results are kept until the frames are cropped.
    private static void ConvolveFrames<TPixel, TSample>(Image<TPixel> image, PixelLayout layout, ConvolutionRequest request, CancellationToken cancellationToken)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        int width = image.Width;
        int height = image.Height;
        (int outWidth, int outHeight, PixelLayout outLayout) = ImageConvolver.GetOutputShape(width, height, layout, request.Kernels, request.Options);
        int outChannels = outLayout.ChannelCount();
        int frameChannels = layout.ChannelCount();
        bool resized = outWidth != width || outHeight != height;
        var results = new List<TSample[]>();
        try
        {
            foreach (ImageFrame<TPixel> frame in image.Frames)
            {
                TSample[]? copy = null;
                try
                {
                    Memory<TSample> pixels = ReadSamples<TPixel, TSample>(frame, out copy);
                    TSample[] result = ArrayPool<TSample>.Shared.Rent(outWidth * outHeight * outChannels);
                    results.Add(result);
                    ImageConvolver.Convolve(Buffer(pixels, width, height, layout), Buffer<TSample>(result, outWidth, outHeight, outLayout), request.Kernels, request.Options, cancellationToken);
                    if (!resized)
                    {
                        WriteFrame<TPixel, TSample>(result, outChannels, frame, frameChannels);
                        ArrayPool<TSample>.Shared.Return(result);
                        results.RemoveAt(results.Count - 1);
                    }
                }
                finally
                {
                    if (copy is not null)
                    {
                        ArrayPool<TSample>.Shared.Return(copy);
                    }
                }
            }

            if (resized)
            {
                // Cropping keeps every frame and all metadata (EXIF, ICC, frame delays); the pixels are then overwritten.
                image.Mutate(c => c.Crop(new Rectangle(0, 0, outWidth, outHeight)));
                for (int f = 0; f < results.Count; f++)
                {
                    WriteFrame<TPixel, TSample>(results[f], outChannels, image.Frames[f], frameChannels);
                }
            }
        }
        finally
        {
            foreach (TSample[] result in results)
            {
                ArrayPool<TSample>.Shared.Return(result);
            }
        }
    }

    /// <summary>Reads one row of samples.</summary>
    private delegate bool RowCheck<TSample>(ReadOnlySpan<TSample> row);

    // A frame's samples where they lie when its buffer is contiguous; otherwise (very large images, which
    // ImageSharp splits) a copy in one array, so the engine always sees one block of rows.
    private static Memory<TSample> ReadSamples<TPixel, TSample>(ImageFrame<TPixel> frame, out TSample[]? copy)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        if (frame.DangerousTryGetSinglePixelMemory(out Memory<TPixel> pixels))
        {
            copy = null;
            return new CastMemoryManager<TPixel, TSample>(pixels).Memory;
        }

        int rowSamples = frame.Width * (Unsafe.SizeOf<TPixel>() / Unsafe.SizeOf<TSample>());
        TSample[] samples = ArrayPool<TSample>.Shared.Rent(checked(rowSamples * frame.Height));
        frame.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                MemoryMarshal.Cast<TPixel, TSample>(accessor.GetRowSpan(y)).CopyTo(samples.AsSpan(y * rowSamples, rowSamples));
            }
        });
        copy = samples;
        return samples.AsMemory(0, rowSamples * frame.Height);
    }

    private static void WriteFrame<TPixel, TSample>(TSample[] result, int resultChannels, ImageFrame<TPixel> frame, int frameChannels)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        int width = frame.Width;
        if (frame.DangerousTryGetSinglePixelMemory(out Memory<TPixel> pixels))
        {
            WriteBack<TSample>(result, resultChannels, MemoryMarshal.Cast<TPixel, TSample>(pixels.Span), frameChannels, width * frame.Height);
            return;
        }

        frame.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                WriteBack<TSample>(result.AsSpan(y * width * resultChannels, width * resultChannels), resultChannels, MemoryMarshal.Cast<TPixel, TSample>(accessor.GetRowSpan(y)), frameChannels, width);
            }
        });
    }

    // True when the check holds for some row of some frame.
    private static bool AnyRow<TPixel, TSample>(Image<TPixel> image, RowCheck<TSample> check)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        bool found = false;
        foreach (ImageFrame<TPixel> frame in image.Frames)
        {
            frame.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height && !found; y++)
                {
                    found = check(MemoryMarshal.Cast<TPixel, TSample>(accessor.GetRowSpan(y)));
                }
            });
            if (found)
            {
                return true;
            }
        }

        return false;
    }

    private static PixelBuffer Buffer<TSample>(Memory<TSample> samples, int width, int height, PixelLayout layout)
        where TSample : unmanaged
        => typeof(TSample) == typeof(byte)
            ? new PixelBuffer(Unsafe.As<Memory<TSample>, Memory<byte>>(ref samples), width, height, layout)
            : new PixelBuffer(Unsafe.As<Memory<TSample>, Memory<ushort>>(ref samples), width, height, layout);

    // A grey result (from -Grayscale) goes back into a colour frame as R = G = B, keeping its alpha.
    private static void WriteBack<TSample>(ReadOnlySpan<TSample> result, int resultChannels, Span<TSample> frame, int frameChannels, int pixels)
        where TSample : unmanaged
    {
        if (resultChannels == frameChannels)
        {
            result.Slice(0, pixels * frameChannels).CopyTo(frame);
            return;
        }

        for (int i = 0; i < pixels; i++)
        {
            TSample grey = result[i * resultChannels];
            frame[i * frameChannels] = grey;
            frame[(i * frameChannels) + 1] = grey;
            frame[(i * frameChannels) + 2] = grey;
            if (frameChannels == 4 && resultChannels == 2)
            {
                frame[(i * 4) + 3] = result[(i * 2) + 1];
            }
        }
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

    private static FileStream OpenSource(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw Error(ConvolutionErrorKind.FileNotFound, path, "The image file '{0}' does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(ConvolutionErrorKind.ReadFailed, path, "'{0}' could not be read: " + e.Message, e);
        }
    }

    private static (IImageInfo Info, IImageFormat Format) Identify(FileStream stream, string path, long maxPixels)
    {
        if (stream.Length == 0)
        {
            throw Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is empty (0 bytes), so it is not an image.");
        }

        IImageFormat? detected = null;
        IImageInfo? info = Guard(path, () => Image.Identify(DecodeConfiguration, stream, out detected));
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

        if (detected is JpegFormat && !Guard(path, () => JpegHasEndOfImage(stream)))
        {
            // ImageSharp fills a truncated scan with grey instead of failing; a JPEG whose last scan is
            // not followed by its end-of-image marker is cut short, and its output would be silently wrong.
            throw Error(ConvolutionErrorKind.CorruptImage, path, "'{0}' is a truncated JPEG: its image data ends before the end-of-image marker.");
        }

        return (info, detected);
    }

    // Decoders report damaged data in several ways; all of them mean the same to the user.
    private static T Guard<T>(string path, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (ConvolutionException)
        {
            throw;
        }
        catch (UnknownImageFormatException e)
        {
            throw Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is not an image in a supported format (PNG, JPEG, GIF, BMP, TIFF, WebP, TGA).", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(ConvolutionErrorKind.ReadFailed, path, "'{0}' could not be read: " + e.Message, e);
        }
        catch (Exception e) when (e is OutOfMemoryException or SixLabors.ImageSharp.Memory.InvalidMemoryOperationException)
        {
            throw Error(ConvolutionErrorKind.ImageTooLarge, path, "'{0}' is too large to decode in the memory available.", e);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
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

    /// <summary>How a file is decoded and processed: its channels, its depth, and whether alpha is written only when used.</summary>
    private readonly record struct SourceShape(PixelLayout Layout, int BitDepth, bool AlphaOnlyIfUsed, bool GreyIfNeutral = false)
    {
        public int Width { get; init; }

        public int Height { get; init; }
    }

    // The pixel type is chosen from the header, before decoding, so the image is held once in its own depth.
    private static SourceShape ShapeFromHeader(IImageInfo info, IImageFormat format)
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

        // Other formats (GIF, BMP, TIFF, WebP, TGA) carry palettes and grey in ways the header does not tell
        // apart: decode as RGBA, write alpha only when some pixel uses it, and grey when every pixel is neutral
        // in a file of 16 bits per pixel or fewer.
        int bits = info.PixelType.BitsPerPixel;
        return new SourceShape(PixelLayout.Rgba, bits > 32 ? 16 : 8, AlphaOnlyIfUsed: true, GreyIfNeutral: bits <= 16);
    }

    private static bool HasTransparency<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
        => bitDepth == 8
            ? AnyRow<TPixel, byte>(image, row => AnyAlphaBelow(row, byte.MaxValue))
            : AnyRow<TPixel, ushort>(image, row => AnyAlphaBelow(row, ushort.MaxValue));

    private static bool IsNeutral<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
        => bitDepth == 8
            ? !AnyRow<TPixel, byte>(image, row => !AllNeutral(row))
            : !AnyRow<TPixel, ushort>(image, row => !AllNeutral(row));

    private static bool AllNeutral<TSample>(ReadOnlySpan<TSample> rgba)
        where TSample : unmanaged, IEquatable<TSample>
    {
        for (int i = 0; i < rgba.Length; i += 4)
        {
            if (!rgba[i].Equals(rgba[i + 1]) || !rgba[i].Equals(rgba[i + 2]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyAlphaBelow<TSample>(ReadOnlySpan<TSample> rgba, TSample opaque)
        where TSample : unmanaged, IEquatable<TSample>
    {
        for (int i = 3; i < rgba.Length; i += 4)
        {
            if (!rgba[i].Equals(opaque))
            {
                return true;
            }
        }

        return false;
    }

    private static IImageEncoder CreateEncoder(OutputFormat format, PixelLayout layout, int bitDepth, int? quality, ImageMetadata metadata, IImageFormat sourceFormat)
    {
        bool alpha = layout.HasAlpha();
        bool grey = layout.IsGray();
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
                    Quality = quality ?? (sourceFormat is JpegFormat ? Math.Clamp(metadata.GetJpegMetadata().Quality, 1, 100) : 90),
                    ColorType = grey ? JpegColorType.Luminance : JpegColorType.YCbCrRatio420,
                };
            case OutputFormat.Bmp:
                return new BmpEncoder { BitsPerPixel = alpha ? BmpBitsPerPixel.Pixel32 : BmpBitsPerPixel.Pixel24, SupportTransparency = alpha };
            case OutputFormat.Gif:
                return new GifEncoder();
            case OutputFormat.Webp:
                return new WebpEncoder { Quality = quality ?? 90 };
            case OutputFormat.Tga:
                return new TgaEncoder { BitsPerPixel = alpha ? TgaBitsPerPixel.Pixel32 : TgaBitsPerPixel.Pixel24 };
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    private static ConvolutionException Error(ConvolutionErrorKind kind, string path, string format, Exception? inner = null)
        => new(kind, path, format.Replace("{0}", path, StringComparison.Ordinal), inner);
}
