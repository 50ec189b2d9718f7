using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Carries a file's comments between the three formats that have them: a JPEG's comment segments (COM), a PNG's
/// text under the keyword Comment, and a GIF's comment extensions, and into a TIFF's ImageDescription, as
/// ImageMagick writes them. ImageSharp 2.1 keeps each only within its own format. A PNG's other text (a title, an
/// author, a tool's generation parameters) has no place outside PNG, GIF's comments are ASCII only, and WebP, BMP,
/// TGA and Netpbm as written here hold no comment: what has no place is left out and reported.
/// </summary>
internal static class ImageText
{
    /// <summary>PNG's registered keyword for a comment.</summary>
    internal const string CommentKeyword = "Comment";

    /// <summary>The most bytes one JPEG comment segment holds.</summary>
    internal const int JpegCommentRoom = 65533;

    /// <summary>
    /// Puts the source's comments where the output format keeps them, when the two formats differ (within one format
    /// they are kept already). Returns the JPEG comment segments to write, and whether some text had no place.
    /// </summary>
    public static (IReadOnlyList<byte[]> JpegSegments, bool LeftOut) Carry(Image image, Stream source, IImageFormat sourceFormat, OutputFormat format)
    {
        OutputFormat from = ImageFormats.FormatOf(sourceFormat);
        if (from == format || from is not (OutputFormat.Jpeg or OutputFormat.Png or OutputFormat.Gif))
        {
            return (Array.Empty<byte[]>(), false);
        }

        (List<string> comments, bool otherText) = Read(image, source, sourceFormat);
        if (comments.Count == 0)
        {
            return (Array.Empty<byte[]>(), otherText);
        }

        switch (format)
        {
            case OutputFormat.Png:
                IList<PngTextData> texts = image.Metadata.GetPngMetadata().TextData;
                foreach (string comment in comments)
                {
                    texts.Add(new PngTextData(CommentKeyword, comment, string.Empty, string.Empty));
                }

                return (Array.Empty<byte[]>(), otherText);
            case OutputFormat.Gif:
                // GIF's comments are 7-bit ASCII, and the encoder writes any other character as '?': such a comment is
                // left out rather than garbled.
                List<string> ascii = comments.FindAll(comment => comment.All(c => c <= 0x7F));
                foreach (string comment in ascii)
                {
                    image.Metadata.GetGifMetadata().Comments.Add(comment);
                }

                return (Array.Empty<byte[]>(), otherText || ascii.Count < comments.Count);
            case OutputFormat.Jpeg:
                var segments = new List<byte[]>();
                bool tooLong = false;
                foreach (string comment in comments)
                {
                    byte[] text = Encoding.UTF8.GetBytes(comment);
                    if (text.Length > JpegCommentRoom)
                    {
                        tooLong = true;
                        continue;
                    }

                    segments.Add(MetadataFidelity.Segment(JpegHeader.Comment, text));
                }

                return (segments, otherText || tooLong);
            case OutputFormat.Tiff:
                // TIFF's ImageDescription holds the comments, as ImageMagick writes them; a description the source's
                // EXIF gives already stays, and the comments then have no place.
                ExifProfile exif = image.Metadata.ExifProfile ??= new ExifProfile();
                if (exif.GetValue(ExifTag.ImageDescription) is { Value.Length: > 0 })
                {
                    return (Array.Empty<byte[]>(), true);
                }

                exif.SetValue(ExifTag.ImageDescription, string.Join("\n", comments));
                return (Array.Empty<byte[]>(), otherText);
            default:
                return (Array.Empty<byte[]>(), true);
        }
    }

    // The source's comments, in order, and whether it holds other text (PNG text under another keyword).
    private static (List<string> Comments, bool OtherText) Read(Image image, Stream source, IImageFormat format)
    {
        var comments = new List<string>();
        bool otherText = false;
        switch (format)
        {
            case JpegFormat:
                foreach ((byte marker, int length) in JpegHeader.Segments(source))
                {
                    if (marker == JpegHeader.Comment)
                    {
                        comments.Add(Decode(JpegHeader.Read(source, length)));
                    }
                }

                source.Position = 0;
                break;
            case PngFormat:
                foreach (PngTextData text in image.Metadata.GetPngMetadata().TextData)
                {
                    if (string.Equals(text.Keyword, CommentKeyword, StringComparison.OrdinalIgnoreCase))
                    {
                        comments.Add(text.Value);
                    }
                    else
                    {
                        otherText = true;
                    }
                }

                break;
            case GifFormat:
                comments.AddRange(image.Metadata.GetGifMetadata().Comments);
                break;
        }

        comments.RemoveAll(string.IsNullOrEmpty);
        return (comments, otherText);
    }

    // A comment segment's bytes, which no standard gives an encoding: UTF-8 where they are valid UTF-8 (ASCII
    // included), as current tools write them, else Latin-1, as older ones did.
    private static string Decode(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimEnd('\0');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(28591).GetString(bytes).TrimEnd('\0');
        }
    }
}
