namespace PSConvolution.Engine.Imaging;

/// <summary>What converting one file had to change because the output format cannot hold it.</summary>
public sealed class ConversionReport
{
    /// <summary>
    /// After <see cref="PreparedOutput.Commit"/>: the other names (hard links) of the file the output replaced, which
    /// still show the old file. The output is written as a new file and renamed over its one name, so that a failure
    /// leaves the old file whole; a file that has other names (made by <c>ln</c>, a backup tool or a deduplicator) is
    /// then two files. 0 where it had none, where nothing was replaced, or where they cannot be counted (Linux only).
    /// </summary>
    public int OtherNamesKeptOld { get; internal set; }

    /// <summary>Transparency was composited over white (the format has no alpha: JPEG).</summary>
    public bool TransparencyComposited { get; internal set; }

    /// <summary>
    /// Samples of more than 16 bits or in floating point (a TIFF's) were decoded, convolved and written as 16-bit
    /// integers (8-bit where the format has no 16): floating-point values beyond 0-1 were clipped.
    /// </summary>
    public bool SamplesNarrowed { get; internal set; }

    /// <summary>16-bit samples were written as 8-bit (the format has no 16-bit samples).</summary>
    public bool DepthReduced { get; internal set; }

    /// <summary>
    /// Only the first frame was written (and convolved): the image had several (an animated GIF, a multi-page TIFF) and
    /// the format holds one.
    /// </summary>
    public bool FramesDropped { get; internal set; }

    /// <summary>
    /// The pixels were turned upright as their EXIF orientation says a viewer shows them, so the picture is not shown
    /// on its side: GIF, BMP, TGA and Netpbm keep no EXIF, and browsers ignore a WebP's (its EXIF then says upright).
    /// </summary>
    public bool TurnedUpright { get; internal set; }

    /// <summary>
    /// The colour profile was left out: it describes another colour model than the one written (an RGB profile on a
    /// grey result, a grey or CMYK one on an RGB result).
    /// </summary>
    public bool ProfileLeftOut { get; internal set; }

    /// <summary>The source's EXIF block was damaged, so it could not be read, and was left out (the pixels were written).</summary>
    public bool ExifLeftOut { get; internal set; }

    /// <summary>The EXIF block was larger than a JPEG segment holds (64 KB), and was left out of the JPEG written.</summary>
    public bool ExifTooLarge { get; internal set; }

    /// <summary>The XMP packet was larger than a JPEG segment holds (64 KB), and was left out of the JPEG written.</summary>
    public bool XmpTooLarge { get; internal set; }

    /// <summary>Partial transparency was made all or nothing, at half (GIF keys one colour transparent, nothing between).</summary>
    public bool AlphaThresholded { get; internal set; }

    /// <summary>
    /// Text had no place in the format written, and was left out: comments (a JPEG's, a PNG's or a GIF's) written to
    /// WebP, BMP, TGA or Netpbm, to GIF where not ASCII, or to TIFF beside an EXIF description, or a PNG's other text
    /// (a title, a tool's parameters) written to any other format.
    /// </summary>
    public bool TextLeftOut { get; internal set; }

    /// <summary>
    /// A PNG's own gamma or primaries (a gAMA or cHRM chunk other than sRGB's, with no colour profile or sRGB chunk to
    /// overrule it) had no place in the format written, and were left out: viewers show the result as sRGB, its
    /// midtones lighter or darker, or its colours duller or stronger.
    /// </summary>
    public bool ColourSpaceLeftOut { get; internal set; }

    /// <summary>
    /// Metadata the format written has no place for was left out: EXIF, the colour profile or XMP of a BMP, TGA or
    /// Netpbm file, EXIF or the colour profile of a GIF, the IPTC record of anything but JPEG and TIFF where XMP could
    /// not take it, Photoshop's paths of anything but a TIFF, or a JPEG written from a JPEG.
    /// </summary>
    public MetadataKinds MetadataLeftOut { get; internal set; }

    /// <summary>A quality was asked for, and the format written has none to set (only JPEG and WebP have): it was not used.</summary>
    public bool QualityUnused { get; internal set; }

    /// <summary>
    /// The source described a video, a sound or an image appended after the picture, in its XMP (a motion photo, an
    /// Ultra HDR gain map), in a JPEG's MPF segment (an iPhone's gain map, a stereo photo's other view; not a camera's
    /// large thumbnail) or in a Samsung trailer (a Galaxy motion photo's video, a sound shot's audio): they were not
    /// written, nor the XMP properties, segment or trailer that described them.
    /// </summary>
    public bool AppendedLeftOut { get; internal set; }

    /// <summary>
    /// A trailer a photo desk's program appended after the picture (AFCP, FotoStation, Photo Mechanic) held more than
    /// an IPTC record the output keeps and previews of the old pixels: Photo Mechanic's ratings, colour classes and
    /// soft crops, FotoStation's soft crop, AFCP's text, another IPTC record. It was left out.
    /// </summary>
    public bool TrailerLeftOut { get; internal set; }

    /// <summary>The format the output was written in.</summary>
    public OutputFormat Format { get; internal set; }

    /// <summary>
    /// The output's extension names another format than the one written: a source in one format named as another (a
    /// PNG called photo.jpg) keeps its own format, and its output the name, so programs that go by the extension may
    /// misread it.
    /// </summary>
    public bool ExtensionMismatch { get; internal set; }
}
