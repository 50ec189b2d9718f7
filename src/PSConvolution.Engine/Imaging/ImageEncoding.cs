using System;
using System.Collections.Generic;
using System.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace PSConvolution.Engine.Imaging;

/// <summary>Chooses and runs the encoder of each output format, putting back what ImageSharp's encoders leave out.</summary>
internal static class ImageEncoding
{
    // ImageSharp's encoders, with what they leave out put back (see MetadataFidelity), a JPEG source's comments and a
    // PNG source's colour space chunks included (sourceKept: the one or the other); TIFF has its own writer, and its
    // sourceKept is the source's Photoshop resources, where it has any.
    public static void Encode<TPixel>(Image<TPixel> image, OutputFormat format, PixelLayout layout, int bitDepth, IImageEncoder? encoder, IReadOnlyList<byte[]> sourceKept, Stream output)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        switch (format)
        {
            case OutputFormat.Tiff when bitDepth == 8:
                TiffWriter.Write<TPixel, byte>(output, image, layout, sourceKept.Count > 0 ? sourceKept[0] : null);
                break;
            case OutputFormat.Tiff:
                TiffWriter.Write<TPixel, ushort>(output, image, layout, sourceKept.Count > 0 ? sourceKept[0] : null);
                break;
            case OutputFormat.Pbm when bitDepth == 8:
                NetpbmWriter.Write<TPixel, byte>(output, image, layout);
                break;
            case OutputFormat.Pbm:
                NetpbmWriter.Write<TPixel, ushort>(output, image, layout);
                break;
            case OutputFormat.Png:
                // A source's tRNS colour key was decoded into alpha, which is written as the alpha channel (or, with no
                // alpha left to write, as nothing). ImageSharp 2.1 would write the key again, and a PNG that has both
                // an alpha channel and tRNS breaks the specification (pngcheck: "tRNS not allowed").
                PngMetadata png = image.Metadata.GetPngMetadata();
                png.HasTransparency = false;
                png.TransparentL8 = null;
                png.TransparentL16 = null;
                png.TransparentRgb24 = null;
                png.TransparentRgb48 = null;

                // gAMA holds the gamma times 100,000 as an integer. ImageSharp 2.1 reads it as that integer times 1e-5f
                // and writes (uint)(gamma * 100000), which truncates: 60000 (0.6) came back as 59999. Half a unit
                // above the integer survives the truncation.
                if (png.Gamma > 0)
                {
                    png.Gamma = (float)((Math.Round(png.Gamma * 100_000.0) + 0.5) / 100_000.0);
                }

                image.Save(new InsertingStream(output, MetadataFidelity.PngIccOffset, MetadataFidelity.PngColourChunks(MetadataFidelity.PngIccChunk(image.Metadata.IccProfile), sourceKept)), encoder!);
                break;
            case OutputFormat.Webp:
            case OutputFormat.Jpeg:
                // Gathered in pooled memory (a sixteenth of the raw pixels to start with, at most 32 MB, growing as
                // needed), mended, then written out.
                using (var encoded = new PooledBufferStream((int)Math.Min(32L << 20, (long)image.Width * image.Height * layout.ChannelCount() / 16)))
                {
                    image.Save(encoded, encoder!);
                    ArraySegment<byte> bytes = encoded.Written;
                    if (format == OutputFormat.Webp)
                    {
                        MetadataFidelity.WriteWebpWithIcc(bytes.Array!, bytes.Count, image.Metadata.IccProfile, image.Width, image.Height, output);
                    }
                    else
                    {
                        MetadataFidelity.WriteJpeg(bytes.Array!, bytes.Count, sourceKept, output);
                    }
                }

                break;
            default:
                image.Save(output, encoder!);
                break;
        }
    }

    /// <summary>
    /// The encoder for <paramref name="format"/>. A JPEG is written 4:2:0, as libjpeg, Pillow and OpenCV write by
    /// default, unless <paramref name="halvedChroma"/> is false (a JPEG source with finer chroma): then 4:4:4, as
    /// ImageSharp's encoder writes no 4:2:2.
    /// </summary>
    public static IImageEncoder CreateEncoder(OutputFormat format, PixelLayout layout, int bitDepth, int? quality, ImageMetadata metadata, IImageFormat sourceFormat, bool halvedChroma)
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

                    // No resolution stated (an aspect ratio of 1:1, see MetadataFidelity.Gather): no pHYs, as in the source.
                    ChunkFilter = metadata.ResolutionUnits == PixelResolutionUnit.AspectRatio && metadata.HorizontalResolution == metadata.VerticalResolution ? PngChunkFilter.ExcludePhysicalChunk : null,
                };
            case OutputFormat.Jpeg:
                return new JpegEncoder
                {
                    // Without -Quality a JPEG keeps the quality estimated from its own tables; other sources get 90.
                    Quality = quality ?? (sourceFormat is JpegFormat ? Math.Clamp(metadata.GetJpegMetadata().Quality, 1, 100) : 90),
                    ColorType = grey ? JpegColorType.Luminance : halvedChroma ? JpegColorType.YCbCrRatio420 : JpegColorType.YCbCrRatio444,
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
}
