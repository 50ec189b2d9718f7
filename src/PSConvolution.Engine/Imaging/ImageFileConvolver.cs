using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Runtime.CompilerServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using PSConvolution.Engine.Convolution;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Reads an image file, convolves every frame and writes the result atomically: encoded into a temporary file
/// beside the destination, then renamed over it. A failure leaves no partial output and never touches the source.
/// </summary>
public static class ImageFileConvolver
{
    /// <summary>Largest decoded image held in one contiguous buffer; settable so tests can cover the split-buffer path.</summary>
    internal static long ContiguousLimit { get; set; } = 512L * 1024 * 1024;

    /// <summary>Convolves one file into <paramref name="destinationPath"/>.</summary>
    /// <param name="sourcePath">The image to read; never modified unless it is also the destination.</param>
    /// <param name="destinationPath">The file to write; its folder must exist.</param>
    /// <param name="request">Kernels, options and output settings.</param>
    /// <param name="overwrite">Replace an existing destination.</param>
    /// <param name="replaceReadOnly">
    /// Replace it even when it is read-only (no write permission for the process, or the ReadOnly attribute on
    /// Windows); it stays read-only. Without it such a destination is a <see cref="ConvolutionErrorKind.DestinationReadOnly"/> error.
    /// </param>
    /// <param name="cancellationToken">Stops the work; nothing is left behind.</param>
    /// <returns>What the output format could not hold and was converted.</returns>
    /// <exception cref="ConvolutionException">The file could not be processed; <see cref="ConvolutionException.Kind"/> says why.</exception>
    public static ConversionReport Convert(string sourcePath, string destinationPath, ConvolutionRequest request, bool overwrite, bool replaceReadOnly = false, CancellationToken cancellationToken = default)
    {
        using PreparedOutput output = Prepare(sourcePath, destinationPath, request, overwrite, replaceReadOnly, cancellationToken);
        output.Commit();
        return output.Report;
    }

    /// <summary>
    /// Convolves one file as <see cref="Convert(string, string, ConvolutionRequest, bool, bool, CancellationToken)"/> does, but
    /// leaves the output in a temporary file beside <paramref name="destinationPath"/> until the caller commits it: a
    /// batch puts each result in place as it reports it, in input order, so one that stops early (at an error its
    /// caller treats as fatal, or when stopped) keeps only what it reported.
    /// </summary>
    /// <param name="sourcePath">The image to read.</param>
    /// <param name="destinationPath">The file to write; its folder must exist.</param>
    /// <param name="request">Kernels, options and output settings.</param>
    /// <param name="overwrite">Replace an existing destination.</param>
    /// <param name="replaceReadOnly">Replace it even when it is read-only; it stays read-only.</param>
    /// <param name="cancellationToken">Stops the work; nothing is left behind.</param>
    /// <exception cref="ConvolutionException">The file could not be processed; <see cref="ConvolutionException.Kind"/> says why.</exception>
    public static PreparedOutput Prepare(string sourcePath, string destinationPath, ConvolutionRequest request, bool overwrite, bool replaceReadOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        ArgumentNullException.ThrowIfNull(destinationPath);
        ArgumentNullException.ThrowIfNull(request);
        sourcePath = Path.GetFullPath(sourcePath);
        destinationPath = Path.GetFullPath(destinationPath);
        SourceProbe.CheckSource(sourcePath);
        // Known before the image is read, so a file that may not be replaced, or not be created, costs no decoding.
        string target = AtomicFileWriter.ResolvedPath(destinationPath);
        AtomicFileWriter.CheckReplaceable(destinationPath, target, overwrite, replaceReadOnly);
        AtomicFileWriter.CheckCreatable(destinationPath, target);

        AtomicFileWriter.PendingFile? pending = null;
        try
        {
            ConversionReport report;
            using (FileStream stream = SourceProbe.OpenSource(sourcePath))
            {
                report = Run(stream, sourcePath, request, write => pending = AtomicFileWriter.Prepare(destinationPath, sourcePath, overwrite, replaceReadOnly, write, cancellationToken), cancellationToken);
            }

            report.ExtensionMismatch = ImageFormats.NamesAnotherFormat(Path.GetExtension(destinationPath), report.Format);

            return new PreparedOutput(destinationPath, report, pending!);
        }
        catch
        {
            pending?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same path from an open stream to another: probe, pixel limit, decode, convolve, encode, with nothing
    /// written to disk. <paramref name="name"/> stands for the file in messages. For fuzzing and tests.
    /// </summary>
    internal static ConversionReport Convert(Stream source, string name, Stream output, ConvolutionRequest request, CancellationToken cancellationToken = default)
        => Run(source, name, request, write => EncodeInto(output, name, write), cancellationToken);

    /// <summary>
    /// Runs a small JPEG and a small PNG through the whole path in memory (probe, decode, convolve, encode), so the
    /// just-in-time compiler has compiled that path before a real file needs it. Callers run it on a background
    /// thread when the module is imported; a script's first image then overlaps its compiling with PowerShell's own
    /// work instead of paying for it alone. Touches no file. Exceptions are the caller's to swallow.
    /// </summary>
    public static void WarmUp()
    {
        using var image = new Image<Rgb24>(48, 40);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 5), (byte)(y * 6), (byte)((x + y) * 2));
            }
        }

        var request = new ConvolutionRequest(new[] { Kernels.KernelLibrary.Get("Gaussian5") }, new ConvolutionOptions());
        foreach (IImageEncoder encoder in new IImageEncoder[] { new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 90 }, new SixLabors.ImageSharp.Formats.Png.PngEncoder() })
        {
            using var source = new MemoryStream();
            image.Save(source, encoder);
            source.Position = 0;
            using var output = new MemoryStream();
            Convert(source, "warm-up", output, request);
        }
    }

    // An encoder's refusal is a per-file error here as it is when AtomicFileWriter writes a file.
    private static void EncodeInto(Stream output, string name, Action<Stream> write)
    {
        try
        {
            write(output);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException)
        {
            throw new ConvolutionException(ConvolutionErrorKind.WriteFailed, name, $"'{name}' could not be encoded: {e.Message}", e);
        }
    }

    private static ConversionReport Run(Stream stream, string sourcePath, ConvolutionRequest request, Action<Action<Stream>> write, CancellationToken cancellationToken)
    {
        (IImageInfo info, IImageFormat sourceFormat) = SourceProbe.Identify(stream, sourcePath, request.MaxPixels);

        // Kernels act on the image as it is shown: a phone's portrait photo is stored on its side, tagged to be turned.
        request = request.WithOrientation(SourceProbe.OrientationOf(info, sourceFormat, stream));
        SourceShape shape = SourceProbe.ShapeFromHeader(info, sourceFormat, stream) with { Width = info.Width, Height = info.Height };
        OutputFormat format = request.Format != OutputFormat.Auto ? request.Format : ImageFormats.FormatOf(sourceFormat);

        // Known from the header, so an image its output format cannot hold is refused before it is decoded (found
        // by fuzzing: a 1x65535 JPEG decodes, and ImageSharp's encoder then refuses to write it back).
        int outWidth, outHeight;
        try
        {
            (outWidth, outHeight, _) = ImageConvolver.GetOutputShape(shape.Width, shape.Height, shape.Layout, request.Kernels, request.Options);
        }
        catch (ConvolutionException e) when (e.Path is null)
        {
            // An image smaller than the kernel with Valid padding is known here, from the header: named like the rest.
            throw Named(e, sourcePath);
        }

        int maxSide = ImageFormats.MaxSide(format);
        if (outWidth > maxSide || outHeight > maxSide)
        {
            throw new ConvolutionException(ConvolutionErrorKind.OutputTooLarge, sourcePath, string.Format(CultureInfo.InvariantCulture, "'{0}' would be written {1}x{2}, and {3} holds at most {4:N0} pixels a side.", sourcePath, outWidth, outHeight, format.ToString().ToUpperInvariant(), maxSide));
        }

        var job = new FileConversion(stream, sourcePath, shape, sourceFormat, format, request, write, cancellationToken);
        return (shape.Layout, shape.BitDepth) switch
        {
            (PixelLayout.Gray, 8) => Process<L8>(job),
            (PixelLayout.GrayAlpha, 8) => Process<La16>(job),
            (PixelLayout.Rgb, 8) => Process<Rgb24>(job),
            (PixelLayout.Rgba, 8) => Process<Rgba32>(job),
            (PixelLayout.Gray, _) => Process<L16>(job),
            (PixelLayout.GrayAlpha, _) => Process<La32>(job),
            (PixelLayout.Rgb, _) => Process<Rgb48>(job),
            _ => Process<Rgba64>(job),
        };
    }

    // The engine's errors say what is wrong with the pixels; a batch's also say which file.
    private static ConvolutionException Named(ConvolutionException e, string sourcePath)
        => new(e.Kind, sourcePath, string.Format(CultureInfo.InvariantCulture, "'{0}': {1}", sourcePath, e.Message), e);

    /// <summary>One file's conversion, from an open and identified source to whatever <c>Write</c> encodes into.</summary>
    private sealed record FileConversion(Stream Stream, string SourcePath, SourceShape Shape, IImageFormat SourceFormat, OutputFormat Format, ConvolutionRequest Request, Action<Action<Stream>> Write, CancellationToken Cancellation);

    private static ConversionReport Process<TPixel>(FileConversion job)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        (Stream stream, string sourcePath, SourceShape shape, IImageFormat sourceFormat, OutputFormat format, ConvolutionRequest request, Action<Action<Stream>> write, CancellationToken cancellationToken) = job;
        stream.Position = 0;
        // Up to 512 MB of pixels, one contiguous buffer the engine reads in place; beyond, ImageSharp's own
        // split buffers, copied once into an array for the engine.
        long bytes = (long)Unsafe.SizeOf<TPixel>() * shape.Width * shape.Height;
        Configuration configuration = bytes <= ContiguousLimit ? SourceProbe.Contiguous : Configuration.Default;
        // A TIFF's pages as the output keeps them: the first alone for a format of one picture; pages of another size
        // than the first (thumbnails), which the decoder refuses, left out of a TIFF or GIF.
        (Stream decoded, bool pagesLeftOut, int frames) = sourceFormat switch
        {
            SixLabors.ImageSharp.Formats.Tiff.TiffFormat => TiffPageSelection.ForDecoding(stream, sourcePath, format),
            GifFormat => (stream, false, SourceTruncation.GifFrames(stream)),
            _ => (stream, false, 1),
        };
        stream.Position = 0;
        // Every frame is decoded before any is convolved: an animation waits for room for all of them.
        using IDisposable? memory = request.Memory?.Enter(MemoryGate.Estimate(shape.Width, shape.Height, Unsafe.SizeOf<TPixel>(), frames), cancellationToken);
        using Image<TPixel> image = DecodeErrors.Guard(sourcePath, () => Image.Load<TPixel>(configuration, decoded));
        cancellationToken.ThrowIfCancellationRequested();
        ImageContent.FixNetpbmByteOrder(image, sourceFormat);
        bool exifLeftOut = MetadataFidelity.LeaveOutDamagedExif(image);
        // What followed the picture (a motion photo's video, a gain map, a stereo photo's other view) is not written:
        // described in XMP, the description is taken out; listed by MPF or a Samsung trailer, neither is carried.
        bool appendedLeftOut = MetadataFidelity.LeaveOutAppended(image, stream, sourceFormat);

        // PNG, JPEG, WebP, BMP, TGA and Netpbm hold one picture: the first frame is the one written, and so the only
        // one convolved.
        bool framesDropped = (image.Frames.Count > 1 || pagesLeftOut) && !ImageFormats.HoldsFrames(format);
        while (framesDropped && image.Frames.Count > 1)
        {
            image.Frames.RemoveFrame(image.Frames.Count - 1);
        }

        // Palette images and formats without colour metadata decode with alpha; it is written only when used.
        PixelLayout written = shape.Layout;
        if (shape.AlphaOnlyIfUsed && !ImageContent.HasTransparency(image, shape.BitDepth))
        {
            written = shape.Layout == PixelLayout.GrayAlpha ? PixelLayout.Gray : PixelLayout.Rgb;
        }

        ImageConvolver.CheckChannels(written, request.Options.Channels, sourcePath);
        if (shape.GreyIfNeutral && ImageContent.IsNeutral(image, shape.BitDepth))
        {
            written = written == PixelLayout.Rgba ? PixelLayout.GrayAlpha : PixelLayout.Gray;
        }

        try
        {
            if (shape.BitDepth == 8)
            {
                FramePixels.ConvolveFrames<TPixel, byte>(image, shape.Layout, request, cancellationToken);
            }
            else
            {
                FramePixels.ConvolveFrames<TPixel, ushort>(image, shape.Layout, request, cancellationToken);
            }
        }
        catch (ConvolutionException e) when (e.Path is null)
        {
            throw Named(e, sourcePath);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (request.Options.Grayscale)
        {
            written = written is PixelLayout.Rgba or PixelLayout.GrayAlpha ? PixelLayout.GrayAlpha : PixelLayout.Gray;
        }

        MetadataFidelity.Gather(image, stream, sourceFormat);
        MetadataFidelity.XmpAsUtf8(image);
        // A news desk's trailer after the picture (AFCP, FotoStation, Photo Mechanic): its IPTC record is the image's
        // where the image has none; the rest of it is not written.
        (bool trailerIptc, bool trailerLeftOut) = sourceFormat is JpegFormat or SixLabors.ImageSharp.Formats.Tiff.TiffFormat ? MetadataTrailers.TakeIptcLeaveRest(image, stream) : (false, false);
        MetadataFidelity.NormaliseOrientation(image);
        // A JPEG written from a JPEG keeps its comments and extended XMP, and its chroma resolution where finer than
        // 4:2:0; a PNG written from a PNG keeps its colour space chunks (cHRM, sRGB). ImageSharp reads past them all.
        bool jpegToJpeg = sourceFormat is JpegFormat && format == OutputFormat.Jpeg;
        IReadOnlyList<byte[]> sourceKept = jpegToJpeg ? MetadataFidelity.ReadJpegKept(stream, image.Metadata.XmpProfile)
            : sourceFormat is PngFormat && format == OutputFormat.Png ? MetadataFidelity.ReadPngColourChunks(stream)
            : Array.Empty<byte[]>();
        // A JPEG written from a JPEG keeps the source's Photoshop resources in place of the encoder's IPTC record, so a
        // record taken from a trailer is not written where the source has resources of its own.
        bool resourcesKept = sourceKept.Any(segment => segment.Length > 1 && segment[1] == MetadataFidelity.PhotoshopMarker);
        trailerLeftOut |= trailerIptc && resourcesKept;

        // Comments cross from JPEG, PNG and GIF to whichever of them is written; other text stays only in PNG. Comment
        // segments come back only for a JPEG written from another format, which keeps nothing else of its source.
        (IReadOnlyList<byte[]> comments, bool textLeftOut) = ImageText.Carry(image, stream, sourceFormat, format);
        if (comments.Count > 0)
        {
            sourceKept = comments;
        }

        bool colourSpaceLeftOut = sourceFormat is PngFormat && format != OutputFormat.Png && MetadataFidelity.HasOwnPngColourSpace(image, stream);
        bool halvedChroma = !jpegToJpeg || SourceProbe.JpegChromaHalved(stream);
        // GIF, BMP, TGA and Netpbm keep no EXIF, and browsers ignore WebP's: stored on its side, the picture would be
        // shown so. WebP keeps the EXIF and XMP, which then say upright.
        bool turned = request.Options.Orientation != DisplayOrientation.TopLeft && !ImageFormats.HoldsOrientation(format);
        if (turned)
        {
            ImageContent.TurnUpright(image, request.Options.Orientation);
        }

        // The metadata's sizes follow a stride, Valid padding or the turn.
        if (turned || image.Width != shape.Width || image.Height != shape.Height)
        {
            MetadataFidelity.UpdateExifSize(image);
            MetadataFidelity.UpdateXmp(image, upright: turned);
        }

        var report = new ConversionReport { SamplesNarrowed = shape.Narrowed, DepthReduced = shape.BitDepth == 16 && !ImageFormats.HoldsSixteenBits(format), FramesDropped = framesDropped, TurnedUpright = turned, ExifLeftOut = exifLeftOut, QualityUnused = request.Quality is not null && format is not (OutputFormat.Jpeg or OutputFormat.Webp), TextLeftOut = textLeftOut, ColourSpaceLeftOut = colourSpaceLeftOut, AppendedLeftOut = appendedLeftOut, TrailerLeftOut = trailerLeftOut, Format = format };

        if (!ImageFormats.HoldsAlpha(format) && written.HasAlpha())
        {
            // JPEG and Netpbm have no alpha: what was transparent is shown over white, as a viewer shows it on a page.
            if (ImageContent.HasTransparency(image, shape.BitDepth))
            {
                ImageContent.CompositeOverWhite(image, shape.BitDepth);
                report.TransparencyComposited = true;
            }

            written = written == PixelLayout.Rgba ? PixelLayout.Rgb : PixelLayout.Gray;
        }
        else if (format == OutputFormat.Gif && written.HasAlpha() && ImageContent.HasPartialTransparency(image, shape.BitDepth))
        {
            // GIF keys one palette colour transparent: alpha is all or nothing.
            ImageContent.ThresholdAlpha(image, shape.BitDepth);
            report.AlphaThresholded = true;
        }

        // A profile describes one colour model: an RGB one cannot stay on a grey result (-Grayscale), nor a grey or CMYK
        // one on an RGB result (a grey image as WebP, which is always RGB; a CMYK JPEG, decoded to RGB).
        if (image.Metadata.IccProfile is { } profile && !MetadataFidelity.ProfileFits(profile, grey: written.IsGray() && format != OutputFormat.Webp))
        {
            image.Metadata.IccProfile = null;
            report.ProfileLeftOut = true;
        }

        // What the format has no place for (a BMP's EXIF, colour profile and XMP; a PNG's IPTC record) is not written.
        // A format with XMP but no place for the IPTC record (PNG, WebP, GIF) gets the record's captions, keywords and
        // credits as XMP properties, as the IPTC standard maps them.
        if ((ImageFormats.MetadataPlaces(format) & (MetadataKinds.Iptc | MetadataKinds.Xmp)) == MetadataKinds.Xmp)
        {
            IptcAsXmp.Carry(image);
        }

        report.MetadataLeftOut = MetadataFidelity.Unplaced(image, format);

        // Photoshop's image resources are kept in a JPEG written from a JPEG, and in a TIFF (tag 34377) from a JPEG or a
        // TIFF; elsewhere their paths (a clipping path) are left out.
        bool sourceResources = sourceFormat is JpegFormat or SixLabors.ImageSharp.Formats.Tiff.TiffFormat;
        byte[]? tiffResources = format == OutputFormat.Tiff && sourceResources ? PhotoshopResources.ForTiff(stream, sourceFormat) : null;
        if (format == OutputFormat.Tiff)
        {
            sourceKept = tiffResources is null ? Array.Empty<byte[]>() : new[] { tiffResources };
        }

        if (tiffResources is null && sourceResources && !resourcesKept && PhotoshopResources.HasPaths(stream, sourceFormat))
        {
            report.MetadataLeftOut |= MetadataKinds.PhotoshopPaths;
        }

        if (format == OutputFormat.Jpeg)
        {
            (report.ExifTooLarge, report.XmpTooLarge) = MetadataFidelity.LeaveOutOversizedForJpeg(image);
        }

        // TIFF and Netpbm have writers of their own; every other format goes through ImageSharp's encoder.
        IImageEncoder? encoder = ImageFormats.HasOwnWriter(format) ? null : ImageEncoding.CreateEncoder(format, written, shape.BitDepth, request.Quality, image.Metadata, sourceFormat, halvedChroma);
        write(output => ImageEncoding.Encode(image, format, written, shape.BitDepth, encoder, sourceKept, output));
        return report;
    }
}
